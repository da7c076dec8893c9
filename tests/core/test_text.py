"""Text cleaning: mojibake repair, HTML to text, ungluing flattened portal text, hashing."""

from __future__ import annotations

from eudesk.core.text import (
    content_hash,
    fix_text,
    html_to_text,
    looks_like_html,
    normalise_whitespace,
    unglue,
)


def _plain_quotes(text: str) -> str:
    # ftfy may straighten curly quotes while repairing; either form is readable.
    return text.replace("’", "'").replace("“", '"').replace("”", '"')


def test_fix_text_repairs_double_encoded_utf8() -> None:
    assert _plain_quotes(fix_text("the cityâ€™s plan")) == "the city's plan"
    assert fix_text("KÃ¸benhavn and MÃ¼nchen") == "København and München"
    assert _plain_quotes(fix_text("â€œquotedâ€\x9d â€“ dash")) == '"quoted" – dash'


def test_fix_text_leaves_clean_text_and_none() -> None:
    clean = "Ærø, Øresund and Åbenrå – “citizens’ science”"
    assert fix_text(clean) == clean
    assert fix_text(None) == ""
    assert fix_text("") == ""


def test_html_to_text_keeps_paragraphs_and_list_items_apart() -> None:
    html = "<p>First paragraph.</p><p>Second&nbsp;one.</p><ul><li>item one</li><li>item two</li></ul>"
    text = html_to_text(html)
    assert "<" not in text
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[0] == "First paragraph."
    assert lines[1] == "Second one."
    assert any(line.endswith("item one") for line in lines)
    assert any(line.endswith("item two") for line in lines)
    assert html_to_text(None) == ""


def test_html_to_text_repairs_mojibake_inside_html() -> None:
    assert _plain_quotes(html_to_text("<p>the regionâ€™s needs</p>")) == "the region's needs"


def test_looks_like_html() -> None:
    assert looks_like_html("<p>x</p>")
    assert looks_like_html("a<br/>b")
    assert not looks_like_html("budget < 5 and > 2")


def test_normalise_whitespace_collapses_runs_and_blank_lines() -> None:
    assert normalise_whitespace("  a \t b\u00a0c \r\n\r\n\r\n\r\nd  ") == "a b c\n\nd"


def test_unglue_splits_sections_and_glued_sentences() -> None:
    text = unglue("Expected Outcome:Cities adapt.Scope:The action supports pilots.It ends in 2030.")
    assert text.splitlines() == ["Expected Outcome:", "Cities adapt.", "", "Scope:", "The action supports pilots.",
                                 "It ends in 2030."]


def test_unglue_leaves_abbreviations_and_numbers_alone() -> None:
    assert unglue("EUR 1.5 million, e.g. for cities.") == "EUR 1.5 million, e.g. for cities."


def test_content_hash_is_stable_and_separates_parts() -> None:
    assert content_hash("a", "b") == content_hash("a", "b")
    assert content_hash("ab", "") != content_hash("a", "b")
    assert len(content_hash("x")) == 64
