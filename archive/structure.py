"""Structure recovery: blocks of a document -> sections and numbered passages with pages and dates."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, fields
from dataclasses import replace as dc_replace

from .addresses import is_paragraph, passage_id
from .asides import is_back_matter_heading, mark_back_matter, without_repeats
from .dates import _MONTH as MONTH_WORD
from .dates import parse_date_range, parse_issue_date, split_chronology_entry
from .figures import CREDIT, FIGURE, with_figures
from .metadata import (
    NOT_VALUES,
    NOTE_START,
    Metadata,
    metadata_from_header,
    metadata_from_note,
)
from .models import PATH_SEPARATOR, Passage, Section, fingerprint
from .names import author_from_name, is_all_caps, names_and_et_al, smart_title
from .walk import HEADING_TAGS, Block, normalise

__all__ = ["HEADING_TAGS", "Block", "Structure", "build_passages"]

BYLINE = re.compile(r"^\s*(?:(?:Written|Posted|Reported)\s+)?by\s+(?P<names>\S.*)$", re.IGNORECASE)
ORDINAL = "(?:st|nd|rd|th)"  # May 30th, 2019
DATELINE = re.compile(
    rf"^\s*(?:(?:Published|Posted|Updated|Last updated|Date)(?:\s+on)?:?\s*)?"
    rf"(?:{MONTH_WORD}\s+\d{{1,2}}{ORDINAL}?,?\s+\d{{4}}|\d{{1,2}}{ORDINAL}?\s+(?:of\s+)?{MONTH_WORD},?\s+\d{{4}}"
    rf"|\d{{4}}-\d\d-\d\d)\.?\s*$",
    re.IGNORECASE,
)
MAX_BYLINE_WORDS = 25
SUBTITLE_WORDS = 20  # a first line this short, before a post's dateline, may be its subtitle
CLOSERS = "\"'”’)]*_ "
TERMINAL = ".!?…:。！？」』）"
TITLE_SHARE = 0.5  # a first heading holding this much of the known title is the title
MAX_HEADING_CHARS = 120
MAX_HEADING_WORDS = 16


@dataclass(frozen=True)
class Heading:
    number: int
    title: str  # the path: "Events › Military events"
    level: int


@dataclass
class Draft:
    """A passage being assembled; page offsets count page breaks seen before it."""

    kind: str
    text: str
    html: str
    section: Heading | None
    page_from: int
    page_to: int
    figure: int | None = None
    credit: str | None = None
    dates: tuple[str, str] | None = None
    image: str | None = None
    label: str | None = None
    calls: tuple[str, ...] = ()
    pages: tuple[int | None, int | None] | None = None  # printed pages the format stated (PDF)


@dataclass
class Structure:
    passages: tuple[Passage, ...]
    sections: tuple[Section, ...]
    metadata: Metadata
    page_note: str | None
    first_heading: str | None = None
    warnings: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def ends_mid_sentence(text: str) -> bool:
    """True for the first half of a paragraph the PDF split: '… both offensive and'."""
    stripped = text.rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] not in TERMINAL


# A table of contents' entry: leader dots (or ellipses) running to a page number
# A leader starts where no dot is before it, and is never given back once read: from each dot of a
# long run, it read the rest of the run (a 20 KB line of dots took 10 s)
CONTENTS_LEADER = re.compile(
    r"(?<!\.)(?<!\.\s)(?:\.\s?){5,}+\s*[\divxlc]+\b|(?<!…)…{2,}+\s*[\divxlc]+\b|(?<!\.)(?:\s\.){5,}+\s*[\divxlc]+\b",
    re.I,
)
CAMEL_START = re.compile(r"[a-z]+[A-Z]")
# Words a sentence cannot stop on: a line ending in one goes on in the next block
OPEN_ENDINGS = frozenset(
    "a an the of on in to for with and or but by from at as into onto than that which who whose its their our".split()
)
SECTION_HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
MAX_PASSAGE_CHARS = 20_000  # about 3,000 words: a real paragraph is far shorter
CONTENTS_ENTRY_CHARS = 160  # an entry's words and leaders, at most


def is_contents_line(text: str) -> bool:
    """A line (or lines run together) of a table of contents: made of entries, each ending in
    leader dots and a page number."""
    # Each leader has five dots or two ellipses: most paragraphs are too long for those they have
    most = text.count(".") // 5 + text.count("…") // 2
    if len(text) > CONTENTS_ENTRY_CHARS * most:
        return False
    leaders = len(CONTENTS_LEADER.findall(text))
    return bool(leaders) and len(text) <= CONTENTS_ENTRY_CHARS * leaders


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
    """Reads blocks in order, keeping the state a reader keeps: section path, header, unfinished
    paragraph, the picture waiting for its caption."""

    def __init__(self, blocks: list[Block], structured: bool, known_title: str | None = None):
        self.known_title = known_title
        self.blocks = [b for b in blocks if b.text or b.tag in ("hr", "image")]
        self.structured = structured
        # An author who marks sections as headings (h2-h6, "##") writes an ALL-CAPS line as text
        # ("FILENAME" in a prompt); without them, such lines are a converted PDF's headings
        self.caps_headings = not any(b.tag in SECTION_HEADING_TAGS for b in self.blocks)
        self.header: list[str] = []
        self.notes: list[str] = []
        self.bylines: list[str] = []
        self.drafts: list[Draft] = []
        self.headings: list[Heading] = []
        self.path: list[tuple[int, str]] = []  # (level, title) of the open headings
        self.title_h1: str | None = None
        self.in_chronology = False
        self.period: str | None = None
        self.pending: Draft | None = None
        self.breaks = 0
        self.started = False
        self.rules: list[int] = []  # number of drafts before each horizontal rule
        self.contents = 0  # lines of a table of contents, left out

    @property
    def section(self) -> Heading | None:
        return self.headings[-1] if self.headings and self.path else None

    def run(self) -> Walker:
        blocks = with_figures(self.blocks)
        following: list[str | None] = [None] * len(blocks)  # the next block's text, for each
        upcoming = None
        for i in range(len(blocks) - 1, -1, -1):
            following[i] = upcoming
            upcoming = blocks[i].text or upcoming
        for block, after in zip(blocks, following, strict=True):
            self.take(block, after)
        return self

    def take(self, block: Block, following: str | None) -> None:
        text = block.text
        if block.tag in HEADING_TAGS:
            if (
                block.tag == "h1"
                and self.title_h1 is None
                and not self.drafts
                and not self.headings
                and same_title(text, self.known_title)
            ):
                self.title_h1 = text
            else:
                self.start_section(text, int(block.tag[1]))
        elif block.tag == "hr":
            self.rules.append(len(self.drafts))
            self.pending = None
        elif block.tag in ("code", "note"):
            self.started = True
            self.add_other(block)
        elif block.tag == "row":
            self.started = True
            self.add(
                Draft(
                    "paragraph",
                    text,
                    block.html,
                    self.section,
                    self.breaks,
                    self.breaks,
                    calls=block.calls,
                    pages=block.pages,
                )
            )
        elif not self.started and is_all_caps(text) and not text.upper().startswith("CHRONOLOGY"):
            self.header.append(block.raw or text)
        elif NOTE_START.match(text):
            self.notes.append(text)
        elif (not self.started and not self.drafts and is_byline(text)) or self.early_dateline(text):
            self.bylines.append(text)
        elif block.tag == "figure" or FIGURE.match(text):
            self.add_figure(block)
        else:
            self.started = True
            self.take_text(block, following)

    def early_dateline(self, text: str) -> bool:
        """A line that is only a date ("Posted on May 30th, 2019"), after at most a subtitle and
        before any heading: the post's date, not its second paragraph."""
        return (
            not self.headings
            and not self.bylines
            and (not self.drafts or (len(self.drafts) == 1 and is_subtitle(self.drafts[0].text)))
            and bool(DATELINE.match(text))
        )

    def take_text(self, block: Block, following: str | None) -> None:
        text = block.text
        if not any(character.isalnum() for character in text):
            return  # a stray "↩" back-link, a "§" or "* * *" between parts: no words to read or cite
        if is_contents_line(text):  # "Background ........ 1": the report's contents, not its text
            self.contents += 1
            return
        if self.pending and not block.listed and self.continues(text, following):
            self.join(block)
        elif (
            is_all_caps(text)
            and len(text) <= MAX_HEADING_CHARS
            and not block.chart
            and self.heads_in_caps(text)
        ):
            self.take_caps_line(text)
        elif not self.structured and not block.listed and looks_like_heading(text, following):
            self.start_section(text, None)
        else:
            entry = split_chronology_entry(text) if self.in_chronology else None
            dates = parse_date_range(entry[0], self.period_year()) if entry else None
            kind = "chronology" if dates else "paragraph"
            self.add(
                Draft(
                    kind,
                    text,
                    block.html,
                    self.section,
                    self.breaks,
                    self.breaks,
                    dates=dates,
                    calls=block.calls,
                    pages=block.pages,
                )
            )
            if block.listed:  # a list item ends where its list says: the next block is not its rest
                self.pending = None

    def continues(self, text: str, following: str | None) -> bool:
        if is_all_caps(text) or (self.in_chronology and split_chronology_entry(text)):
            return False
        if text[:1].islower():  # "…of the" / "economy grew"; a name starting so (iPhone, macOS)
            # carries on only a line that stops on a word that cannot end one ("runs on")
            return not CAMEL_START.match(text) or self.pending_ends_open()
        return not self.structured and not looks_like_heading(text, following)

    def heads_in_caps(self, text: str) -> bool:
        """Whether an ALL-CAPS line is a heading: where the page marks no sections with headings
        (a converted PDF's), or one that starts the back matter (REFERENCES) or a chronology's
        period, on any page."""
        return (
            self.caps_headings
            or self.in_chronology
            or (
                len(text.split()) <= 3 and is_back_matter_heading(smart_title(text))
            )  # not "RECOMMENDED SETTINGS FOR …"
        )

    def pending_ends_open(self) -> bool:
        words = self.pending.text.split() if self.pending else []
        return bool(words) and words[-1].lower() in OPEN_ENDINGS

    def take_caps_line(self, text: str) -> None:
        section = self.section
        section_drafts = [d for d in self.drafts if section is not None and d.section is section]
        if self.in_chronology and self.period is None and not section_drafts and re.search(r"\d{4}", text):
            self.period = smart_title(text)
        else:
            # On a page with headings, at the level of its sections (REFERENCES among <h2>s)
            self.start_section(
                smart_title(text), self.path[0][0] if self.path and not self.caps_headings else None
            )

    def start_section(self, title: str, level: int | None) -> None:
        """A heading: h-levels nest (a heading with no text before its sub-heading stays in the
        path); headings found in plain text (level None) are all top-level."""
        depth = level or 1
        while self.path and self.path[-1][0] >= depth:
            self.path.pop()
        self.path.append((depth, title))
        heading = Heading(
            len(self.headings) + 1, PATH_SEPARATOR.join(t for _, t in self.path), len(self.path)
        )
        self.headings.append(heading)
        self.in_chronology = title.lower().startswith("chronology")
        self.pending = None

    def join(self, block: Block) -> None:
        draft = self.pending
        glue = "" if draft.text.endswith("-") else " "
        draft.text = f"{draft.text}{glue}{block.text}"
        draft.html = f"{draft.html}{glue}{block.html}"
        draft.calls += block.calls
        self.breaks += 1
        draft.page_to = self.breaks
        if draft.pages and block.pages:
            draft.pages = (draft.pages[0], block.pages[1])
        self.pending = draft if ends_mid_sentence(draft.text) else None

    def add(self, draft: Draft) -> None:
        self.drafts.append(draft)
        self.pending = draft if ends_mid_sentence(draft.text) else None

    def add_other(self, block: Block) -> None:
        """Code and notes: outside ¶ numbering, never joined to a paragraph. Footnotes (with a
        label) belong to no section: they follow their calls, wherever those are."""
        section = None if block.label else self.section
        self.drafts.append(
            Draft(
                block.tag,
                block.text,
                block.html,
                section,
                self.breaks,
                self.breaks,
                label=block.label,
                pages=block.pages,
            )
        )

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
                image=block.image,
                pages=block.pages,
            )
        )

    def period_year(self) -> int | None:
        match = re.search(r"\d{4}", self.period or "")
        return int(match[0]) if match else None


def same_title(heading: str, known: str | None) -> bool:
    """True when a first-level heading is the article's title (no title known counts as yes)."""
    if not known:
        return True
    squash = [re.sub(r"\W+", "", t).lower() for t in (heading, known)]
    shorter, longer = sorted(squash, key=len)
    # The same title, or its opening (the title without its subtitle), or most of it: not one
    # word from its middle ("Background" in "Russia and China: Background and Outlook").
    return bool(shorter) and (
        longer.startswith(shorter) or (shorter in longer and len(shorter) >= TITLE_SHARE * len(longer))
    )


def is_subtitle(text: str) -> bool:
    """A line under a post's title that says what it is about: short, and no full sentence."""
    return len(text.split()) <= SUBTITLE_WORDS and not text.rstrip().endswith(".")


def is_byline(text: str) -> bool:
    """'By Linh Nguyen · November 2, 2020', 'Posted on 2 Nov 2020': metadata above the text."""
    return len(text.split()) <= MAX_BYLINE_WORDS and bool(BYLINE.match(text) or DATELINE.match(text))


def byline_metadata(lines: list[str]) -> Metadata:
    """Authors and date stated by byline and dateline blocks."""
    found = Metadata(label="byline")
    for line in lines:
        date = parse_issue_date(line) if re.search(r"\d{4}", line) else None
        if date and not found.date:
            found.update(date=date)
        names = BYLINE.match(line)
        if names and not found.authors:
            part = re.split(
                r"\s+[·|•–—-]\s+|\s*\|\s*|,?\s+(?:on|published|updated)\b", names["names"], maxsplit=1
            )[0]
            part = re.sub(rf"\b{MONTH_WORD}.*$", "", part)
            part = re.split(r"\s+(?:Edited|Updated|Reviewed|Photographs|Illustrations?)\s+by\b", part)[
                0
            ].strip(" ,")
            names_found, et_al = names_and_et_al(part)
            found.update(authors=[author_from_name(n) for n in names_found], authors_et_al=et_al)
    return found


def merge_metadata(walker: Walker, layers: list[Metadata]) -> Metadata:
    """Header, citation note and byline are defaults; front matter and the sidecar (later layers)
    win. Each field remembers the source it came from."""
    note = metadata_from_note(" ".join(walker.notes))
    header = metadata_from_header(walker.header, note) if walker.header else Metadata()
    header.label = "header"
    byline = byline_metadata(walker.bylines)
    merged = Metadata()
    for layer in [byline, note, header, Metadata(title=walker.title_h1, label="first heading"), *layers]:
        values = {f.name: getattr(layer, f.name) for f in fields(Metadata) if f.name not in NOT_VALUES}
        if layer is header and note.title:
            values.pop("title")
        merged.absorb(layer, values)
    merged.update(period=merged.period or walker.period)
    if merged.type == "post-weblog" and not merged.journal and merged.publisher:
        # A blog post's publisher, when no layer names the blog, is the blog: the citation's
        # container ("Lil'Log"), where the post's title stood alone in italics
        merged.update(journal=merged.publisher)
        merged.sources["journal"] = merged.sources.get("publisher", "publisher")
    return merged.validate()


def build_passages(
    article_id: str, blocks: list[Block], layers: list[Metadata], structured: bool, bylines: list[str] = ()
) -> Structure:
    """Sections and numbered passages of one article, with merged metadata and inferred pages."""
    known_title = next((layer.title for layer in reversed(layers) if layer.title), None)
    walker = Walker(blocks, structured, known_title)
    walker.bylines.extend(bylines)
    walker.run()
    metadata = merge_metadata(walker, layers)
    drafts, dropped = without_repeats(walker.drafts)
    if walker.contents:
        dropped.append(
            f"a table of contents ({walker.contents} lines with leader dots and pages) is not text"
        )
    mark_back_matter(drafts, walker.headings, walker.rules)
    drafts, split = within_length(drafts)
    if split:
        which = "a passage was" if split == 1 else f"{split} passages were"
        metadata.problems.append(
            f"{which} over {MAX_PASSAGE_CHARS:,} characters long: cut into parts of at most that length"
            " (text at sentence ends where there are some, code at line ends)"
        )
    first_text = next((d for d in drafts if d.kind == "paragraph"), None)
    if first_text and first_text.section is None and walker.headings:
        first_text.kind = "lead"
    if any(block.pages for block in blocks):  # the format knows every block's printed pages
        pages, page_note = None, None
    else:
        pages, page_note = infer_pages(metadata, walker.breaks)
    passages = number_passages(article_id, drafts, pages)
    first_heading = walker.headings[0].title if walker.headings else None
    return Structure(
        passages,
        group_sections(passages, walker.headings),
        metadata,
        page_note,
        first_heading,
        metadata.problems,
        dropped,
    )


def within_length(drafts: list[Draft]) -> tuple[list[Draft], int]:
    """The drafts, each longer than MAX_PASSAGE_CHARS cut into parts: a passage is shown, sent and
    cited whole, and one of 22 MB took 8 s a page. Code is cut at line ends and stays code; text
    at sentence ends, its inline markup then plain. Returns how many were cut."""
    out, cut = [], 0
    for draft in drafts:
        if len(draft.text) <= MAX_PASSAGE_CHARS:
            out.append(draft)
            continue
        cut += 1
        parts = (
            [
                (normalise(p), html.escape(p.strip("\n"), quote=False))
                for p in code_parts(html.unescape(draft.html), MAX_PASSAGE_CHARS)
            ]
            if draft.kind == "code"  # its markup is its lines, escaped: cut as the lines they show
            else [(p, html.escape(p, quote=False)) for p in text_parts(draft.text, MAX_PASSAGE_CHARS)]
        )
        out += [
            dc_replace(draft, text=text, html=markup, calls=draft.calls if not i else ())
            for i, (text, markup) in enumerate(parts)
            if text
        ]
    return out, cut


def code_parts(code: str, limit: int) -> list[str]:
    """A code block's lines in parts of at most `limit` characters (a longer line cut)."""
    parts, part = [], ""
    for line in code.splitlines(keepends=True):
        while len(line) > limit:
            parts.append(part + line[: limit - len(part)])
            line, part = line[limit - len(part) :], ""
        if len(part) + len(line) > limit:
            parts.append(part)
            part = ""
        part += line
    return [*parts, part] if part else parts


def text_parts(text: str, limit: int) -> list[str]:
    """The text in parts of at most `limit` characters, each ending at the last sentence end
    (else space) in its second half, or cut at the limit where there is none."""
    parts = []
    while len(text) > limit:
        window = text[:limit]
        end = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
        end = end + 1 if end >= limit // 2 else window.rfind(" ")
        end = end if end >= limit // 2 else limit
        parts.append(text[:end].strip())
        text = text[end:].strip()
    return [*parts, text] if text else parts


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
    """¶ numbers for body text, a series of its own for every other kind (addresses.py)."""
    printed = [d.figure for d in drafts if d.kind == "figure"]
    renumber_figures = None in printed or len(set(printed)) != len(printed)
    # Notes keep their printed numbers when those are 1, 2, 3, … (as readers cite them).
    notes = [d for d in drafts if d.kind == "note"]
    labels = [d.label for d in notes]
    numbered_notes = all(x and x.isascii() and x.isdigit() for x in labels) and sorted(
        int(x) for x in labels
    ) == list(range(1, len(labels) + 1))
    counters: dict[str, int] = {}
    passages = []
    calls: dict[str, str] = {}  # note label -> id of the first passage calling it
    for order, draft in enumerate(drafts):
        series = "paragraph" if is_paragraph(draft.kind) else draft.kind
        counters[series] = counters.get(series, 0) + 1
        number = counters[series] if series == "paragraph" else None
        ordinal = None if series == "paragraph" else counters[series]
        if draft.kind == "figure" and not renumber_figures:
            ordinal = draft.figure
        elif draft.kind == "note" and draft.label and numbered_notes:
            ordinal = int(draft.label)
        pid = passage_id(article_id, draft.kind, number, ordinal)
        if draft.pages is not None:  # stated by the format (a PDF's printed pages)
            page_start, page_end = draft.pages
        elif first_page is not None:  # inferred from the page breaks counted before the draft
            page_start, page_end = first_page + draft.page_from, first_page + draft.page_to
        else:
            page_start = page_end = None
        for label in draft.calls:
            calls.setdefault(label, pid)
        passages.append(
            Passage(
                id=pid,
                article_id=article_id,
                kind=draft.kind,
                number=number,
                ordinal=ordinal,
                section=draft.section.title if draft.section else None,
                section_number=draft.section.number if draft.section else None,
                text=draft.text,
                html=draft.html,
                order=order,
                page_start=page_start,
                page_end=page_end,
                date_start=draft.dates[0] if draft.dates else None,
                date_end=draft.dates[1] if draft.dates else None,
                credit=draft.credit,
                fingerprint=fingerprint(draft.text),
                image=draft.image,
                label=draft.label,
            )
        )
    return tuple(
        dc_replace(p, called_from=calls.get(p.label)) if p.kind == "note" and p.label in calls else p
        for p in passages
    )


def group_sections(passages: tuple[Passage, ...], headings: list[Heading]) -> tuple[Section, ...]:
    """Every heading, in order, numbered 1, 2, …: those with no text of their own too (they
    stay in their sub-sections' paths and in the table of contents)."""
    grouped: dict[int, list[Passage]] = {}
    for passage in passages:
        if passage.section_number is not None:
            grouped.setdefault(passage.section_number, []).append(passage)
    return tuple(
        Section(
            heading.number,
            heading.title,
            tuple(p.id for p in grouped.get(heading.number, ())),
            " ".join(p.text for p in grouped.get(heading.number, ())),
            heading.level,
        )
        for heading in headings
    )
