"""eudesk.matching.text: each thread stems with its own Snowball stemmer; short queries told apart by the glossary."""

from __future__ import annotations

import threading

from eudesk.matching import text

WORDS = ["cycling", "cyclists", "municipalities", "adaptation", "climate", "renovation", "buildings", "elderly",
         "citizens", "kommunerne", "klimatilpasning", "borgere", "ældre", "velfærdsteknologi", "energirenovering"]


def test_each_thread_has_its_own_stemmer_and_the_same_stems() -> None:
    expected = {lang: text.stem_words(list(WORDS), lang) for lang in ("en", "da")}
    seen: list[object] = []  # the stemmers themselves, so that none is freed and its id reused
    wrong: list[str] = []
    together = threading.Barrier(4)

    def work() -> None:
        together.wait()  # all four alive at once
        seen.append(text._stemmer("da"))
        for _ in range(300):
            for lang in ("en", "da"):
                if text.stem_words(list(WORDS), lang) != expected[lang]:
                    wrong.append(lang)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not wrong
    assert len({id(s) for s in seen}) == len(seen) == 4  # no stemmer shared between threads
    assert text._stemmer("da") is text._stemmer("da")  # reused within a thread


def test_short_queries_are_told_apart_by_the_glossary() -> None:
    for q in ("klimatilpasning i byer", "skybrud", "cykelstier", "robotter i ældreplejen"):
        assert text.guess_language(q) == "da", q
    for q in ("circular economy", "climate adaptation in cities", "elderly care", "smart city", "housing", ""):
        assert text.guess_language(q) == "en", q
