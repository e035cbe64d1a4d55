"""The one rule for a passage's address, used by every layer and the templates.

Body text (lead, paragraphs, chronology entries) is numbered ¶ 1, 2, … in reading order. Every
other kind is numbered in a series of its own, outside ¶ numbering: figures, notes, code,
references. A kind's series gives its label ("Fig. 3"), its anchor in the reader ("fig3"), its id
("<article>-fig3") and the segment of its permalink (/a/<article>/fig/3)."""

from __future__ import annotations

from dataclasses import dataclass

PARAGRAPH_KINDS = ("lead", "paragraph", "chronology")
PARAGRAPH_SEGMENT = "p"


@dataclass(frozen=True)
class Series:
    kind: str
    segment: str  # anchor and URL prefix
    label: str  # before the number, as readers print it
    locator: str  # CSL locator type a citation uses for it


SERIES = {
    "figure": Series("figure", "fig", "Fig.", "figure"),
    "note": Series("note", "note", "Note", "note"),
    "code": Series("code", "code", "Code", "paragraph"),
    "reference": Series("reference", "ref", "Ref.", "paragraph"),
}
PASSAGE_KINDS = (*PARAGRAPH_KINDS, *SERIES)
SEGMENTS = {series.segment: series.kind for series in SERIES.values()} | {PARAGRAPH_SEGMENT: "paragraph"}


def is_paragraph(kind: str) -> bool:
    """True for kinds numbered as ¶."""
    return kind in PARAGRAPH_KINDS


def segment(kind: str) -> str:
    """'p' for body text, else the kind's series prefix (fig, note, code, ref)."""
    return SERIES[kind].segment if kind in SERIES else PARAGRAPH_SEGMENT


def anchor(kind: str, number: int | None, ordinal: int | None, section_number: int | None = None) -> str:
    """The fragment id in the reader: p14, fig3, note2, or s2 for a section."""
    if kind == "section":
        return f"s{section_number}"
    return f"{segment(kind)}{ordinal if kind in SERIES else number}"


def label(kind: str, number: int | None, ordinal: int | None, section_number: int | None = None) -> str:
    """As a reader names it: ¶ 14, Fig. 3, Note 2, § 2."""
    if kind == "section":
        return f"§ {section_number}"
    if kind in SERIES:
        return f"{SERIES[kind].label} {ordinal}"
    return f"¶ {number}"


def passage_id(article_id: str, kind: str, number: int | None, ordinal: int | None) -> str:
    return f"{article_id}-{anchor(kind, number, ordinal)}"


def position(kind: str, number: int | None, ordinal: int | None) -> int | None:
    """The number in the passage's own series (its ¶ number, or its figure/note/… number)."""
    return ordinal if kind in SERIES else number


def article_of(passage_id_: str) -> str:
    """The article id a passage id starts with ("cc-2019-09-china-russia-p14" -> its article)."""
    return passage_id_.rpartition("-")[0]


def pages(page_start: int | None, page_end: int | None) -> str:
    """'p. 115', 'pp. 113–114', or '' when the page is unknown."""
    if page_start is None:
        return ""
    if page_end in (None, page_start):
        return f"p. {page_start}"
    return f"pp. {page_start}–{page_end}"


def place(label_text: str, page_start: int | None, page_end: int | None) -> str:
    """A passage as a result or a heading names it: '¶ 14, p. 115'."""
    return ", ".join(x for x in (label_text, pages(page_start, page_end)) if x)
