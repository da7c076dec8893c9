"""Tokenising, stop words, Danish/English stemming and a cheap language guess."""

from __future__ import annotations

import re
import threading

import Stemmer

_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)

EN_STOP = frozenset(["a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "either", "etc", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "may", "me", "might", "more", "most", "must", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "per", "same", "shall", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "thus", "to", "too", "under", "until", "up", "upon", "us", "very", "via", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "within", "without", "would", "you", "your", "yours", "yourself", "yourselves", "e.g", "i.e", "eg", "ie", "well", "new", "including", "include", "includes", "across", "among", "order", "way", "ways", "expected", "proposals", "proposal", "project", "projects", "topic", "activities", "action", "actions", "support", "should", "also", "towards"])

DA_STOP = frozenset(["af", "alle", "alt", "anden", "andet", "andre", "at", "bare", "begge", "blev", "blive", "bliver", "da", "de", "dem", "den", "denne", "dens", "der", "deres", "det", "dette", "dig", "din", "dine", "disse", "dit", "du", "efter", "eller", "en", "end", "er", "et", "for", "fordi", "fra", "få", "får", "gennem", "godt", "ham", "han", "hans", "har", "have", "havde", "hende", "hendes", "her", "hos", "hun", "hvad", "hvem", "hver", "hvilke", "hvilken", "hvis", "hvor", "hvordan", "hvorfor", "i", "ikke", "ind", "ingen", "intet", "jeg", "jer", "jeres", "kan", "kun", "kunne", "lav", "lidt", "man", "mange", "med", "meget", "men", "mere", "mest", "mig", "min", "mine", "mit", "mod", "må", "måske", "ned", "nej", "noget", "nogen", "nogle", "nu", "når", "og", "også", "om", "op", "os", "over", "på", "selv", "sig", "sin", "sine", "sit", "skal", "skulle", "som", "sådan", "thi", "til", "ud", "under", "var", "vi", "vil", "ville", "vor", "vores", "være", "været", "blandt", "samt", "hvilket", "derfor", "både", "allerede", "altid", "igen", "ofte", "endnu", "stadig", "flere", "færre", "nye", "ny", "nyt", "gør", "gøre", "gjort", "får", "fik", "kommer", "komme", "sammen", "andre", "anden", "ønsker", "ønske", "vil", "vil", "gerne", "gerne", "skal", "kræver", "kræve", "ved", "så", "projekt", "projektet",
                     "projekter", "projekterne"])


_THREAD = threading.local()


def _stemmer(lang: str) -> Stemmer.Stemmer:
    """This thread's Snowball stemmer for the language. PyStemmer's instances keep internal state and "must not be
    called concurrently" (its docstring); requests, the background matching and the warm-ups stem at the same time,
    so each thread gets its own (a shared one may be what crashed a server twice inside libpython, not reproduced)."""
    stemmers: dict[str, Stemmer.Stemmer] | None = getattr(_THREAD, "stemmers", None)
    if stemmers is None:
        stemmers = _THREAD.stemmers = {}
    stemmer = stemmers.get(lang)
    if stemmer is None:
        stemmer = stemmers[lang] = Stemmer.Stemmer("danish" if lang == "da" else "english")
    return stemmer


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits; inner hyphens/apostrophes kept)."""
    return [m.group(0) for m in _TOKEN.finditer(text.lower())]


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """Lower-cased word tokens with their character spans."""
    return [(m.group(0).lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


# English words Snowball over-stems into another common word's stem: "cycling" (by bike) would become "cycl",
# the stem of "cycle" (life cycle, fuel cycle), which nearly every technical call uses.
EN_STEM_EXCEPTIONS = {"cycling": "cycling"}


def stem_words(tokens: list[str], lang: str = "en") -> list[str]:
    """Stems of tokens with the language's Snowball stemmer (English: with EN_STEM_EXCEPTIONS)."""
    stems = list(_stemmer(lang).stemWords(tokens))
    if lang == "en":
        return [EN_STEM_EXCEPTIONS.get(t, s) for t, s in zip(tokens, stems, strict=True)]
    return stems


def content_words(text: str, lang: str = "en") -> list[str]:
    """Tokens without the stop words of either language (queries mix both) and without 1-letter tokens."""
    return [w for w in words(text) if len(w) > 1 and w not in EN_STOP and w not in DA_STOP]


def analyse(text: str, lang: str = "en") -> list[str]:
    """Stemmed content tokens of a text, hyphenated words also split into their parts."""
    out: list[str] = []
    for w in content_words(text, lang):
        if "-" in w:
            out.extend(p for p in w.split("-") if len(p) > 1)
        out.append(w)
    return stem_words(out, lang)


def bigrams(stems: list[str]) -> list[str]:
    """Adjacent stem pairs, joined with '_' (stop words already removed, so 'adaptation to climate' -> adapt_climat)."""
    return [f"{a}_{b}" for a, b in zip(stems, stems[1:], strict=False)]


_DA_CHARS = re.compile("[æøå]")


def guess_language(text: str) -> str:
    """'da' or 'en' from stop-word counts and Danish letters (good enough for a paragraph); a tie (a short query such
    as "klimatilpasning i byer", "skybrud") goes to the language in which the shared glossary recognises more of
    its words ("circular economy", "smart city" stay English)."""
    toks = words(text)
    if not toks:
        return "en"
    da = sum(1 for w in toks if w in DA_STOP and w not in EN_STOP) + 2 * len(_DA_CHARS.findall(text.lower()))
    en = sum(1 for w in toks if w in EN_STOP and w not in DA_STOP)
    if da == en:
        from eudesk.matching.glossary import concepts_in_danish, concepts_in_stems

        if len(concepts_in_danish(text)) > len(concepts_in_stems(set(analyse(text, "en")))):
            return "da"
    return "da" if da > en else "en"


_NAME_TOKEN = re.compile(r"[^\W\d_]+|[^\w\s]")


def danish_names(text: str) -> set[str]:
    """Words (lowercased) that a Danish text uses only as one-word names: capitalised right after a lower-case
    word and not followed by another capitalised word, and never written in lower case.

    Danish capitalises proper names only, not nouns, so "koncert i Parken" names the stadium and "fra Vollsmose" a
    district, while "parken ved rådhuset" is a park. A word that opens a sentence proves nothing, and names of more
    than one word ("Odense Kommune", "Grøn Omstilling") are kept: their words say what they are."""
    toks = _NAME_TOKEN.findall(text)
    named: set[str] = set()
    lower: set[str] = set()
    for i, t in enumerate(toks):
        if t.islower():
            lower.add(t)
        elif (t[0].isupper() and t[1:].islower() and i > 0 and toks[i - 1].islower()
              and not (i + 1 < len(toks) and toks[i + 1][0].isupper())):
            named.add(t.lower())
    return named - lower


def analyse_pairs(text: str, lang: str = "en") -> list[tuple[str, str]]:
    """(word, stem) pairs of a text's content tokens, as analyse() produces them (for readable explanations)."""
    toks: list[str] = []
    for w in content_words(text, lang):
        if "-" in w:
            toks.extend(p for p in w.split("-") if len(p) > 1)
        toks.append(w)
    return list(zip(toks, stem_words(toks, lang), strict=True))
