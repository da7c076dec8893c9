"""Danish words into English index terms: cognates by regular spelling rules, and compounds split into such parts.

Danish and English share much of the Latin/Greek vocabulary of public administration, with regular spelling
differences: "mobilitet" -> "mobility", "digitalisering" -> "digitalisation", "infrastruktur" -> "infrastructure",
"teknologi" -> "technology", "renovering" -> "renovation", "kvalitet" -> "quality". A Danish word is rewritten with
these general rules; a candidate counts only when its English Snowball stem occurs in the indexed corpus (the
vocabulary guards against inventing words). Danish compounds ("cykelinfrastruktur", "energirenovering",
"sundhedsteknologi") are split where a part, after an optional linking "s"/"e", is itself such a cognate.
No rule names a particular word: they are the spelling correspondences any Danish reader of English knows.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from eudesk.matching.text import DA_STOP, EN_STOP, stem_words

# Danish ending -> English endings (longest Danish ending first). "" keeps the word's ending as it is.
_SUFFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("isering", ("isation", "ization")),
    ("ificering", ("ification",)),
    ("ering", ("ation", "ing", "ion")),
    ("logi", ("logy",)),
    ("grafi", ("graphy",)),
    ("itet", ("ity",)),
    ("isme", ("ism",)),
    ("tion", ("tion",)),
    ("sion", ("sion",)),
    ("ur", ("ure",)),
    ("isk", ("ic", "ical")),
    ("ik", ("ics", "ic", "y")),
    ("iv", ("ive",)),
    ("ere", ("ate", "e", "ise")),
    ("ent", ("ent",)),
    ("ant", ("ant",)),
    ("ens", ("ence",)),
    ("ans", ("ance",)),
    ("atør", ("ator",)),
    ("ør", ("or", "eur")),
    ("ie", ("y",)),
    ("i", ("y",)),
    ("", ("", "e")),
)
# Regular letter correspondences tried on the stem (each alone and all together): Danish k is often English c
# (kultur, klima, kapacitet) or ch (teknologi, arkitektur), kv is qu (kvalitet), ø/æ are e, ks is x.
_LETTERS: tuple[tuple[str, str], ...] = (("kv", "qu"), ("k", "c"), ("k", "ch"), ("ø", "e"), ("æ", "e"),
                                         ("ks", "x"), ("f", "ph"))
MIN_WORD = 5  # shorter words are too often false friends ("by", "hold", "man")
MIN_PART = 5  # a compound part must be at least this long to count


@dataclass(frozen=True)
class Rendering:
    """A Danish word (or compound part) and the English index stem it was rewritten to."""

    danish: str
    english: str  # a readable English form
    stem: str  # the English Snowball stem found in the corpus


def _letter_variants(base: str) -> set[str]:
    """The base with each occurrence of a Danish letter group kept or replaced (arkitektur -> architectur)."""
    out = {base}
    for da, en in _LETTERS:
        for v in list(out):
            parts = v.split(da)
            if len(parts) == 1 or len(parts) > 4:
                continue
            combos = [parts[0]]
            for p in parts[1:]:
                combos = [c + sep + p for c in combos for sep in (da, en)]
            out.update(combos)
    return out


@lru_cache(maxsize=4096)
def _candidates(word: str) -> tuple[tuple[str, str], ...]:
    """(English form, its stem) candidates of one Danish word, most specific suffix rule first."""
    cands: list[str] = []
    for da_end, en_ends in _SUFFIXES:
        if da_end and not word.endswith(da_end):
            continue
        stem = word[: len(word) - len(da_end)] if da_end else word
        if len(stem) < 2:
            continue
        for variant in sorted(_letter_variants(stem), key=len):
            cands.extend(variant + e for e in en_ends)
        if da_end:
            break  # the longest matching Danish ending decides; "" is the fallback for words without one
    uniq = list(dict.fromkeys(c for c in cands if c.isalpha()))
    return tuple(zip(uniq, stem_words(uniq, "en"), strict=True))


def _inflections(word: str) -> list[str]:
    """The word and its forms without Danish inflection (Snowball's Danish stem, a plural/definite ending)."""
    forms = [word, *stem_words([word], "da")]
    for end in ("erne", "ene", "er", "en", "et", "ne", "e"):
        if word.endswith(end) and len(word) - len(end) >= MIN_PART:
            forms.append(word[: -len(end)])
    return list(dict.fromkeys(f for f in forms if len(f) >= MIN_PART))


def cognate(word: str, vocab: Collection[str]) -> Rendering | None:
    """The English rendering of a Danish word whose stem is in vocab (None when no rule gives a known word)."""
    word = word.lower()
    if len(word) < MIN_WORD or word in DA_STOP or not word.isalpha():
        return None
    for form in _inflections(word):
        for english, stem in _candidates(form):
            if len(stem) >= 4 and stem in vocab and english not in EN_STOP:
                return Rendering(word, english, stem)
    return None


def split_compound(word: str, vocab: Collection[str]) -> list[Rendering]:
    """English renderings of a Danish compound's parts: the longest head (right part) that is a cognate, and the
    modifier before it (with a linking "s"/"e" dropped) when that is one too. Empty when no split is found."""
    word = word.lower()
    if len(word) < 2 * MIN_PART or not word.isalpha():
        return []
    for i in range(MIN_PART, len(word) - MIN_PART + 1):
        head = cognate(word[i:], vocab)
        if head is None:
            continue
        left = word[:i]
        modifier = None
        for cut in (left, left[:-1] if left[-1] in "se" else None):
            if cut and len(cut) >= MIN_PART:
                modifier = cognate(cut, vocab)
                if modifier:
                    break
        return [r for r in (modifier, head) if r is not None]
    return []


MEMO_WORDS = 50_000  # a memo of renderings is emptied when it holds more words than this


def english_terms(words: list[str], vocab: Collection[str],
                  memo: dict[str, list[Rendering]] | None = None) -> list[Rendering]:
    """English renderings of Danish words: each word as a whole cognate, else its compound parts.

    memo keeps each word's renderings for later calls with the same vocab (an index keeps one: the words of
    Danish queries recur, and rendering a word tries dozens of spellings)."""
    out: list[Rendering] = []
    if memo is not None and len(memo) > MEMO_WORDS:
        memo.clear()
    for w in words:
        got = memo.get(w) if memo is not None else None
        if got is None:
            whole = cognate(w, vocab)
            got = [whole] if whole else split_compound(w, vocab)
            if memo is not None:
                memo[w] = got
        out.extend(got)
    return out
