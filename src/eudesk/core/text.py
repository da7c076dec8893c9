"""Text cleaning: mojibake repair, HTML to readable text, whitespace."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import ftfy
from inscriptis import get_text
from inscriptis.model.config import ParserConfig

_WS = re.compile(r"[ \t\u00a0]+")
_BLANKS = re.compile(r"\n{3,}")
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
_INSCRIPTIS = ParserConfig(display_links=False, display_images=False)
# UTF-8 read as Windows-1252/Latin-1 leaves a lead byte (Ã, Â, â, ...) before a continuation-range character;
# ftfy is slow on long texts, so only text showing that signature goes through it.
_CONT = "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122"
_MOJIBAKE_RUN = re.compile(f"(?:[\u00c2-\u00f4][{_CONT}]{{1,3}})+")
# Sections of portal texts whose HTML was flattened without separators ("...impact.Scope:The ...").
_SECTION = re.compile(r"\s*(Expected Outcome|Expected Impact|Objective|Scope|Conditions?)\s*:\s*")
_GLUED_SENTENCE = re.compile(r"(?<=[a-z0-9\)\]%][.!?:;])(?=[A-Z\u00c0-\u00de][a-z])")


def fix_text(value: str | None) -> str:
    """Repair mojibake (e.g. 'â€™' -> '’') and odd Unicode; None becomes ''."""
    if not value:
        return ""
    # ftfy is slow on long texts: hand it only the suspicious runs (with a little context), not the whole text.
    return _MOJIBAKE_RUN.sub(lambda m: _fix_run(m.group(0)), value)


@lru_cache(maxsize=4096)
def _fix_run(run: str) -> str:
    # The same few runs ('â€™', 'Ã©', ...) recur thousands of times in a snapshot: repair each once.
    return ftfy.fix_text(run)


def looks_like_html(value: str) -> bool:
    """True when the string carries HTML tags."""
    return bool(_TAG.search(value))


def html_to_text(value: str | None) -> str:
    """Readable plain text from an HTML fragment (paragraphs and list items on their own lines)."""
    if not value:
        return ""
    value = fix_text(value)
    if looks_like_html(value):
        value = get_text(value, _INSCRIPTIS)
    return normalise_whitespace(value)


def normalise_whitespace(value: str) -> str:
    """Collapse runs of spaces, strip each line, keep at most one blank line."""
    lines = [_WS.sub(" ", line).strip() for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def content_hash(*parts: str) -> str:
    """A stable SHA-256 hex digest of text parts (for change detection and embedding caches)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def unglue(value: str) -> str:
    """Readable paragraphs from portal text flattened without separators: section headings and glued sentences."""
    value = _SECTION.sub(lambda m: f"\n\n{m.group(1)}:\n", value)
    value = _GLUED_SENTENCE.sub("\n", value)
    return normalise_whitespace(value)
