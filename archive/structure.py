"""Structure recovery: blocks of a document -> sections and numbered passages with pages and dates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields

from .dates import parse_date_range, split_chronology_entry
from .metadata import (
    NOTE_START,
    Metadata,
    is_all_caps,
    metadata_from_header,
    metadata_from_note,
    smart_title,
)
from .models import Passage, Section, fingerprint

HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
FIGURE = re.compile(r"^(?:Figure|Fig\.)\s*(\d+)\b")
CREDIT = re.compile(r"\b((?:Photo(?:graph)?|Source|Credit|Image|Courtesy)s?(?: credit)?\s*:\s*\S.*)$")
CLOSERS = "\"'”’)]*_ "
TERMINAL = ".!?…:"
MAX_HEADING_CHARS = 120
MAX_HEADING_WORDS = 16


@dataclass(frozen=True)
class Block:
    """One block of the walked document: a heading, a text block or a figure caption."""

    tag: str
    text: str
    html: str
    raw: str = ""


@dataclass
class Draft:
    """A passage being assembled; page offsets count page breaks seen before it."""

    kind: str
    text: str
    html: str
    section: str | None
    page_from: int
    page_to: int
    figure: int | None = None
    credit: str | None = None
    dates: tuple[str, str] | None = None


@dataclass
class Structure:
    passages: tuple[Passage, ...]
    sections: tuple[Section, ...]
    metadata: Metadata
    page_note: str | None
    first_heading: str | None = None
    warnings: list[str] = field(default_factory=list)


def ends_mid_sentence(text: str) -> bool:
    """True for the first half of a paragraph the PDF split: '… both offensive and'."""
    stripped = text.rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] not in TERMINAL


def looks_like_heading(text: str, following: str | None) -> bool:
    """A plain short line with no closing punctuation, followed by text that starts a sentence."""
    return (
        len(text) <= MAX_HEADING_CHARS
        and len(text.split()) <= MAX_HEADING_WORDS
        and text.rstrip(CLOSERS)[-1:] not in ".,;:"
        and (text[0].isupper() or text[0].isdigit() or text[0] in "“\"'‘")
        and following is not None
        and not following[:1].islower()
    )


class Walker:
    """Reads blocks in order, keeping the state a reader keeps: section, header, unfinished paragraph."""

    def __init__(self, blocks: list[Block], structured: bool):
        self.blocks = [b for b in blocks if b.text]
        self.structured = structured
        self.header: list[str] = []
        self.notes: list[str] = []
        self.drafts: list[Draft] = []
        self.headings: list[str] = []
        self.title_h1: str | None = None
        self.section: str | None = None
        self.in_chronology = False
        self.period: str | None = None
        self.pending: Draft | None = None
        self.breaks = 0
        self.started = False

    def run(self) -> Walker:
        for i, block in enumerate(self.blocks):
            following = self.blocks[i + 1].text if i + 1 < len(self.blocks) else None
            self.take(block, following)
        return self

    def take(self, block: Block, following: str | None) -> None:
        text = block.text
        if block.tag in HEADING_TAGS:
            if block.tag == "h1" and self.title_h1 is None and not self.drafts and not self.headings:
                self.title_h1 = text
            else:
                self.start_section(text)
        elif not self.started and is_all_caps(text) and not text.upper().startswith("CHRONOLOGY"):
            self.header.append(block.raw or text)
        elif NOTE_START.match(text):
            self.notes.append(text)
        elif block.tag == "figure" or FIGURE.match(text):
            self.add_figure(block)
        else:
            self.started = True
            self.take_text(block, following)

    def take_text(self, block: Block, following: str | None) -> None:
        text = block.text
        if self.pending and self.continues(text, following):
            self.join(block)
        elif is_all_caps(text) and len(text) <= MAX_HEADING_CHARS:
            self.take_caps_line(text)
        elif not self.structured and looks_like_heading(text, following):
            self.start_section(text)
        else:
            entry = split_chronology_entry(text) if self.in_chronology else None
            dates = parse_date_range(entry[0], self.period_year()) if entry else None
            kind = "chronology" if dates else "paragraph"
            self.add(Draft(kind, text, block.html, self.section, self.breaks, self.breaks, dates=dates))

    def continues(self, text: str, following: str | None) -> bool:
        if is_all_caps(text) or (self.in_chronology and split_chronology_entry(text)):
            return False
        if text[:1].islower():
            return True
        return not self.structured and not looks_like_heading(text, following)

    def take_caps_line(self, text: str) -> None:
        section_drafts = [d for d in self.drafts if d.section == self.section]
        if self.in_chronology and self.period is None and not section_drafts and re.search(r"\d{4}", text):
            self.period = smart_title(text)
        else:
            self.start_section(smart_title(text))

    def start_section(self, title: str) -> None:
        self.section = title
        self.headings.append(title)
        self.in_chronology = title.lower().startswith("chronology")
        self.pending = None

    def join(self, block: Block) -> None:
        draft = self.pending
        glue = "" if draft.text.endswith("-") else " "
        draft.text = f"{draft.text}{glue}{block.text}"
        draft.html = f"{draft.html}{glue}{block.html}"
        self.breaks += 1
        draft.page_to = self.breaks
        self.pending = draft if ends_mid_sentence(draft.text) else None

    def add(self, draft: Draft) -> None:
        self.drafts.append(draft)
        self.pending = draft if ends_mid_sentence(draft.text) else None

    def add_figure(self, block: Block) -> None:
        # A caption between the halves of a split paragraph sits after the page break.
        page = self.breaks + (1 if self.pending else 0)
        number = FIGURE.match(block.text)
        credit = CREDIT.search(block.text)
        self.drafts.append(
            Draft(
                "figure",
                block.text,
                block.html,
                self.section,
                page,
                page,
                figure=int(number[1]) if number else None,
                credit=credit[1].strip(" *") if credit else None,
            )
        )

    def period_year(self) -> int | None:
        match = re.search(r"\d{4}", self.period or "")
        return int(match[0]) if match else None


def merge_metadata(walker: Walker, layers: list[Metadata]) -> Metadata:
    """Header and citation note are defaults; front matter and the sidecar (later layers) win."""
    note = metadata_from_note(" ".join(walker.notes))
    header = metadata_from_header(walker.header, note) if walker.header else Metadata()
    merged = Metadata()
    for layer in [note, header, Metadata(title=walker.title_h1), *layers]:
        values = {f.name: getattr(layer, f.name) for f in fields(Metadata) if f.name != "problems"}
        if layer is header and note.title:
            values.pop("title")
        merged.update(**values)
        merged.problems.extend(layer.problems)
    merged.update(period=merged.period or walker.period)
    return merged.validate()


def build_passages(
    article_id: str, blocks: list[Block], layers: list[Metadata], structured: bool
) -> Structure:
    """Sections and numbered passages of one article, with merged metadata and inferred pages."""
    walker = Walker(blocks, structured).run()
    metadata = merge_metadata(walker, layers)
    drafts = walker.drafts
    first_text = next((d for d in drafts if d.kind == "paragraph"), None)
    if first_text and first_text.section is None and walker.headings:
        first_text.kind = "lead"
    pages, page_note = infer_pages(metadata, walker.breaks)
    passages = number_passages(article_id, drafts, pages)
    first_heading = walker.headings[0] if walker.headings else None
    return Structure(
        passages, group_sections(passages), metadata, page_note, first_heading, metadata.problems
    )


def infer_pages(metadata: Metadata, breaks: int) -> tuple[int | None, str | None]:
    """The first page when page breaks account for every page; otherwise None and why."""
    first, last = metadata.first_page, metadata.last_page
    if first is None or last is None:
        return None, "no page range in the metadata, so passages have no page numbers"
    if last - first != breaks:
        return None, (
            f"found {breaks} page break(s) but pages {first}–{last} need {last - first}; "
            "passages have no page numbers"
        )
    return first, None


def number_passages(article_id: str, drafts: list[Draft], first_page: int | None) -> tuple[Passage, ...]:
    section_numbers: dict[str, int] = {}
    printed = [d.figure for d in drafts if d.kind == "figure"]
    renumber_figures = None in printed or len(set(printed)) != len(printed)
    paragraph = figure = 0
    passages = []
    for order, draft in enumerate(drafts):
        if draft.section is not None:
            section_numbers.setdefault(draft.section, len(section_numbers) + 1)
        if draft.kind == "figure":
            figure += 1
            number, fig = None, (figure if renumber_figures else draft.figure)
            pid = f"{article_id}-fig{fig}"
        else:
            paragraph += 1
            number, fig = paragraph, None
            pid = f"{article_id}-p{paragraph}"
        passages.append(
            Passage(
                id=pid,
                article_id=article_id,
                kind=draft.kind,
                number=number,
                figure=fig,
                section=draft.section,
                section_number=section_numbers.get(draft.section) if draft.section else None,
                text=draft.text,
                html=draft.html,
                order=order,
                page_start=first_page + draft.page_from if first_page is not None else None,
                page_end=first_page + draft.page_to if first_page is not None else None,
                date_start=draft.dates[0] if draft.dates else None,
                date_end=draft.dates[1] if draft.dates else None,
                credit=draft.credit,
                fingerprint=fingerprint(draft.text),
            )
        )
    return tuple(passages)


def group_sections(passages: tuple[Passage, ...]) -> tuple[Section, ...]:
    grouped: dict[int, list[Passage]] = {}
    for passage in passages:
        if passage.section_number is not None:
            grouped.setdefault(passage.section_number, []).append(passage)
    return tuple(
        Section(number, members[0].section, tuple(p.id for p in members), " ".join(p.text for p in members))
        for number, members in grouped.items()
    )
