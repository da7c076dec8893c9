"""The programmes a municipality uses, keyed by the portal's framework-programme id."""

from __future__ import annotations

from eudesk.calls.schemas import ProgrammeInfo

# Ids are the portal's `frameworkProgramme` values as seen in the bundled snapshot (2026-08-10).
KNOWN_PROGRAMMES: dict[str, ProgrammeInfo] = {
    p.id: p
    for p in [
        ProgrammeInfo("43108390", "HORIZON", "Horizon Europe"),
        ProgrammeInfo("44181033", "EDF", "European Defence Fund"),
        ProgrammeInfo("43252405", "LIFE", "LIFE"),
        ProgrammeInfo("111111", "RELEX", "EU External Action - Prospect (RELEX-PROSPECT)"),
        ProgrammeInfo("43152860", "DIGITAL", "Digital Europe"),
        ProgrammeInfo("43298916", "EURATOM", "Euratom"),
        ProgrammeInfo("43251567", "CEF", "Connecting Europe Facility"),
        ProgrammeInfo("43251589", "CERV", "CERV"),
        ProgrammeInfo("43252449", "RFCS", "RFCS"),
        ProgrammeInfo("43353764", "ERASMUS", "Erasmus+"),
        ProgrammeInfo("43637601", "PPPA", "Pilot Projects & Preparatory Actions"),
        ProgrammeInfo("43254019", "ESF", "ESF+"),
        ProgrammeInfo("43252368", "ISF", "ISF"),
        ProgrammeInfo("45532249", "AGENCIES", "EU Agencies"),
        ProgrammeInfo("43252386", "JUST", "Justice"),
        ProgrammeInfo("44416173", "I3", "Interregional Innovation"),
        ProgrammeInfo("43252433", "PERICLES", "Pericles IV"),
        ProgrammeInfo("43392145", "EMFAF", "EMFAF"),
        ProgrammeInfo("46324255", "ERDF-TA", "Technical assistance for ERDF, CF and JTF (ERDF-TA)"),
        ProgrammeInfo("43253967", "RENEWFM", "Renewable Energy FM"),
        ProgrammeInfo("43251814", "CREA", "Creative Europe"),
        ProgrammeInfo("43252476", "SMP", "Single Market Programme"),
    ]
}


def programme_for(programme_id: str, name: str | None = None) -> ProgrammeInfo:
    """The programme for a portal id; an id we do not know needs a name, else it is an error."""
    known = KNOWN_PROGRAMMES.get(programme_id)
    if known:
        return known
    if not name:
        raise KeyError(programme_id)
    code = "".join(ch for ch in name.upper() if ch.isalnum())[:12] or programme_id
    return ProgrammeInfo(programme_id, code, name)


# Parts of Horizon Europe as the portal's `cluster` values name them (domain.md: Pillar II clusters, Missions, ...).
HORIZON_PARTS: dict[str, str] = {
    "CL1": "Cluster 1: Health",
    "CL2": "Cluster 2: Culture, creativity and inclusive society",
    "CL3": "Cluster 3: Civil security for society",
    "CL4": "Cluster 4: Digital, industry and space",
    "CL5": "Cluster 5: Climate, energy and mobility",
    "CL6": "Cluster 6: Food, bioeconomy, natural resources, agriculture and environment",
    "MISS": "EU Missions",
    "NEB": "New European Bauhaus",
    "JU": "Joint Undertakings",
    "WIDERA": "Widening participation and the European Research Area",
    "INFRA": "Research infrastructures",
    "MSCA": "Marie Skłodowska-Curie Actions",
    "EIC": "European Innovation Council",
    "EIE": "European innovation ecosystems",
    "ERC": "European Research Council",
}

# EU Missions by the code inside the topic identifier (HORIZON-MISS-2027-05-SOIL-01 -> SOIL).
MISSIONS: dict[str, str] = {
    "CLIMA": "Adaptation to climate change",
    "CIT": "Climate-neutral and smart cities",
    "OCEAN": "Restore our ocean and waters",
    "SOIL": "A Soil Deal for Europe",
    "CANCER": "Cancer",
}


def part_label(cluster: str) -> str:
    """A readable name of a Horizon Europe part (cluster, Missions, ...); the code itself when unknown."""
    return HORIZON_PARTS.get(cluster, cluster)


def mission_of(topic_id: str) -> str | None:
    """The EU Mission a topic belongs to, from its identifier, or None."""
    parts = topic_id.upper().split("-")
    if "MISS" not in parts:
        return None
    for code, name in MISSIONS.items():
        if code in parts:
            return name
    return None
