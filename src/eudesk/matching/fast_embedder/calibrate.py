"""Activation ranges for SmoothQuant, measured once at build time on a few built-in Danish and English texts."""

from __future__ import annotations

import numpy as np

from .weights import E5Weights

# Generic municipal/EU-funding prose in both languages (not the benchmark texts), short and long.
CALIBRATION_TEXTS = [
    "Kommunen søger partnere til et EU-projekt om klimatilpasning og grønne byrum.",
    "Hvordan kan vi finansiere energirenovering af skoler og plejehjem med midler fra EU?",
    "Digitalisering af borgerservice, kunstig intelligens i sagsbehandlingen og datasikkerhed.",
    "Vi vil styrke unges trivsel, uddannelse og beskæftigelse i landdistrikterne gennem lokale partnerskaber "
    "med foreninger, virksomheder og erhvervsskoler. Projektet løber over tre år og omfatter kurser, "
    "mentorordninger, udveksling med partnerbyer i Tyskland og Polen samt en afsluttende evaluering.",
    "The municipality seeks partners for a Horizon Europe project on circular construction and reuse of materials.",
    "Proposals should demonstrate how public authorities, SMEs and research organisations co-create solutions "
    "for sustainable mobility, including cycling infrastructure, shared electric vehicles and data platforms. "
    "Expected outcomes: reduced emissions, better air quality and inclusive access to transport for citizens.",
    "Cultural heritage, tourism and the creative industries as drivers of regional development.",
    "Vandforsyning, spildevand og beskyttelse af grundvandet mod pesticider — krav fra vandrammedirektivet.",
    "Call for proposals: LIFE Clean Energy Transition, budget EUR 2 million, deadline 2026-09-17, 95 % funding.",
    "Ældrepleje, velfærdsteknologi og rekruttering af sundhedspersonale: erfaringer fra nordiske kommuner.",
    "",
    "x",
]


def activation_maxima(weights: E5Weights) -> dict[str, np.ndarray]:
    """Per matrix ('l3.fo'), the largest |activation| seen per input channel on the calibration texts."""
    from .graph import build_model
    from .runtime import OnnxE5Embedder

    model = build_model(weights, quant="fp32", calibration=True)
    emb = OnnxE5Embedder(model, weights, name="calibration")
    names = [o.name for o in emb._session.get_outputs() if o.name.endswith(".in")]
    maxima: dict[str, np.ndarray] = {}
    for is_query in (True, False):
        for text in CALIBRATION_TEXTS:
            ids = emb.tokenizer.encode(text, is_query=is_query)
            for window in emb.tokenizer.windows(ids):
                outs = emb.run_outputs([window], names)
                for name, arr in zip(names, outs, strict=True):
                    m = np.abs(arr.reshape(-1, arr.shape[-1])).max(axis=0)
                    key = name[: -len(".in")]
                    maxima[key] = np.maximum(maxima[key], m) if key in maxima else m
    return maxima
