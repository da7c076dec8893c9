"""Documents and their passages: split a call text into ~120-word chunks with character spans for explanations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# e5 reads at most 512 tokens; ~120 words (~170 tokens) keeps a passage focused enough to explain a match and
# cheap to embed. Chunks never cross a blank line, so a paragraph shared by many calls (a destination's
# introduction, standard conditions) yields identical passages: embedded once thanks to the content-hash cache,
# and recognisable as boilerplate because it occurs in many documents.
TARGET_WORDS = 120
MAX_WORDS = 180
MIN_WORDS = 25
# A body longer than this is cut: call texts put the topic's own outcome and scope first, then destination-wide text.
MAX_BODY_WORDS = 1500
# Only the first ~200 words (title, expected outcome, start of the scope) are embedded: they carry what the topic is
# about, and embedding is the expensive part (a few passages/s on 2 busy cores). The rest is indexed lexically.
DENSE_BODY_WORDS = 200

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9\"'(\[])")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Document:
    """A text to index: an id, a title, a body, and free metadata (``fields['keywords']`` is indexed too)."""

    id: str
    title: str
    text: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Passage:
    """A piece of a document: its text and its character span in the document's title ('title') or text ('text')."""

    doc_id: str
    text: str
    source: str  # "title" or "text"
    start: int
    end: int
    embed: bool = True  # False: indexed lexically only


def _units(block: str, offset: int) -> list[tuple[int, int]]:
    """Spans of lines, and of sentences within long lines, in a block of text."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in block.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        if len(line.split()) <= MAX_WORDS:
            spans.append((offset + start, offset + end))
            continue
        last = start
        for m in _SENTENCE_END.finditer(line):
            spans.append((offset + last, offset + start + m.start()))
            last = start + m.end()
        spans.append((offset + last, offset + end))
    return _cut_long(spans, block, offset)


def _cut_long(spans: list[tuple[int, int]], block: str, offset: int) -> list[tuple[int, int]]:
    """Cut any unit still longer than MAX_WORDS at word boundaries."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        words = list(_WORD.finditer(block, s - offset, e - offset))
        if len(words) <= MAX_WORDS:
            out.append((s, e))
            continue
        for i in range(0, len(words), TARGET_WORDS):
            part = words[i : i + TARGET_WORDS]
            out.append((offset + part[0].start(), offset + part[-1].end()))
    return out


def split_text(text: str, *, max_body_words: int = MAX_BODY_WORDS) -> list[tuple[int, int]]:
    """Character spans of the passages of a text: lines packed up to ~TARGET_WORDS, never across a blank line."""
    chunks: list[tuple[int, int]] = []
    budget = max_body_words
    pos = 0
    for block in re.split(r"(\n\s*\n)", text):
        offset = pos
        pos += len(block)
        if not block.strip() or budget <= 0:
            continue
        cur: list[tuple[int, int]] = []
        cur_words = 0
        block_chunks: list[tuple[int, int]] = []
        for s, e in _units(block, offset):
            n = len(text[s:e].split())
            if cur and cur_words + n > TARGET_WORDS and (cur_words >= MIN_WORDS or cur_words + n > MAX_WORDS):
                block_chunks.append((cur[0][0], cur[-1][1]))
                cur, cur_words = [], 0
            cur.append((s, e))
            cur_words += n
        if cur:
            # A short tail joins the previous chunk of the same block when that stays within MAX_WORDS.
            if block_chunks and cur_words < MIN_WORDS:
                ps, pe = block_chunks[-1]
                if len(text[ps:pe].split()) + cur_words <= MAX_WORDS:
                    block_chunks[-1] = (ps, cur[-1][1])
                    cur = []
            if cur:
                block_chunks.append((cur[0][0], cur[-1][1]))
        for s, e in block_chunks:
            if budget <= 0:
                break
            chunks.append((s, e))
            budget -= len(text[s:e].split())
    return chunks


def title_text(doc: Document) -> str:
    """The text of a document's title passage: title plus its keywords, if any."""
    keywords = str(doc.fields.get("keywords") or "").strip()
    return f"{doc.title}. {keywords}" if keywords else doc.title


def split_document(doc: Document, *, max_body_words: int = MAX_BODY_WORDS,
                   dense_body_words: int = DENSE_BODY_WORDS) -> list[Passage]:
    """A document's passages: its title (with keywords), then chunks of its text; chunks starting after the first
    dense_body_words words are marked embed=False."""
    out = [Passage(doc.id, title_text(doc), "title", 0, len(doc.title))]
    before = 0
    for s, e in split_text(doc.text, max_body_words=max_body_words):
        text = doc.text[s:e]
        out.append(Passage(doc.id, text, "text", s, e, before < dense_body_words))
        before += len(text.split())
    return out


def embedded_texts(docs: list[Document]) -> list[str]:
    """The distinct passage texts of documents that are embedded, in document order."""
    return list(dict.fromkeys(p.text for d in docs for p in split_document(d) if p.embed))
