"""Lines in reading order -> blocks: headings, paragraphs rejoined across columns and pages, words
hyphenated at line ends joined, captions, reference entries, then the notes."""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, replace

from ...asides import REFERENCE_HEADING
from ...walk import Block
from .lines import Line
from .pages import Page

HEADING_SIZE = 1.12  # a line this much larger than the body text is a heading


MAX_HEADING_WORDS = 16


PARAGRAPH_GAP = 1.45  # a gap between lines this many times the usual line spacing ends a paragraph


MAX_INDENT_EMS = 4.0  # a line further in than this is centred or set apart, not indented
INDENT_EMS = 0.8  # a first line indented this much (in font sizes) starts a paragraph


TERMINAL = (".", "?", "!", ":", '"', "”", "’", ")", "]")


def vocabulary(pages: list[Page]) -> tuple[Counter, set[str]]:
    """Words of the document, and the hyphenated compounds it writes within a line: how a word
    broken at a line's end is to be joined."""
    words: Counter = Counter()
    compounds: set[str] = set()
    for page in pages:
        for line in page.lines:
            body = line.text[:-1] if line.hyphen else line.text
            for word in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", body.lower()):
                if "-" in word:
                    compounds.add(word)
                    words.update(word.split("-"))
                else:
                    words[word] += 1
    return words, compounds


TRAILING_HYPHEN = re.compile(r"-((?:</\w+>)*)$")
SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?\s+")  # "4. References", "2.1 Methods"
MIN_NUMBERED_HEADINGS = 3  # different section numbers before a paper counts as numbering its sections
# Sections papers leave unnumbered, and appendices lettered "A Proofs"
UNNUMBERED_SECTION = re.compile(
    r"^(?:abstract|keywords|introduction|background|related work|methods?|materials and methods|"
    r"results|discussion|conclusions?|summary|limitations|future work|acknowledg(?:e)?ments?|"
    r"references|bibliography|appendi(?:x|ces)\b.*|notes|supplementary\b.*|author contributions|"
    r"conflicts? of interest|competing interests|declarations?|ethics\b.*|data availability\b.*|"
    r"funding|[A-H](?:\.\d+)*\.?\s+\S.*)\s*:?$",
    re.I,
)
FIGURE_LABEL_WORDS = 3  # a heading-styled line this short, neither numbered nor named so, is a figure's
CAPTION = re.compile(r"^(?:Figure|Fig\.|Table|Chart|Map|Exhibit|Graph)\s*\d+[.:]?\s", re.I)


TABLE_CAPTION = re.compile(r"^(?:Table|Chart|Map|Exhibit|Graph)\s*\d+", re.I)


@dataclass
class Paragraph:
    lines: list[Line]
    text: str
    html: str
    calls: list[str]
    first_page: int | None
    last_page: int | None
    kind: str = "p"


class Assembler:
    """Lines in reading order -> blocks: headings, paragraphs (rejoined across pages and
    columns), captions, then the notes."""

    def __init__(self, body_size: float, vocab: tuple[Counter, set[str]]):
        self.body_size = body_size
        self.words, self.compounds = vocab
        self.blocks: list[Block] = []
        self.open: Paragraph | None = None  # the paragraph being read
        self.heading: list[Line] = []
        self.heading_sizes: list[float] = []
        self.heading_page: int | None = None
        self.in_references = False
        self.numbered = False  # the paper numbers its sections (see read)
        self.style = "flush"  # how paragraphs start: "indent"ed first lines, "hanging", or "flush"
        self.body_bold = False  # the body text itself is bold: boldness marks no heading

    def run(self, pages: list[Page], ordered: list[list[list[Line]]]) -> list[Block]:
        # Styles are read from the body text: headings and captions have margins of their own.
        body_runs = [
            [line for line in run if abs(line.size - self.body_size) < 0.1 * self.body_size]
            for page_runs in ordered
            for run in page_runs
        ]
        self.style = paragraph_style([run for run in body_runs if run])
        body = [line for run in body_runs for line in run]
        self.body_bold = sum(len(line.text) for line in body if line.bold) > 0.5 * sum(
            len(line.text) for line in body
        )
        sizes = sorted(
            {round(line.size, 1) for page in pages for line in page.lines if self.is_heading(line)},
            reverse=True,
        )
        self.heading_sizes = sizes
        # A paper that numbers its sections ("1 Introduction", "6.2 Results") says which lines are
        # headings and at what depth: larger or bolder text among them that is neither numbered
        # nor a section every paper has is a figure's labels ("Bci", a plot's legend)
        numbered = {
            line.text.split()[0]
            for page in pages
            for line in page.lines
            if self.is_heading(line) and SECTION_NUMBER.match(line.text)
        }
        self.numbered = len(numbered) >= MIN_NUMBERED_HEADINGS
        for page, runs in zip(pages, ordered, strict=True):
            for run in runs:
                self.take_run(run, page.number)
        self.close_heading()
        self.close()
        if self.numbered:
            self.blocks = self.with_caps_headings(self.blocks)
        for page in pages:
            for note in page.notes:
                self.blocks.append(
                    Block(
                        "note",
                        note.text,
                        note.html,
                        label=note.calls[0] or None,
                        pages=(page.number, page.number),
                    )
                )
        for page in pages:  # a side column (lines.find_side_gutter): searchable, outside the text
            if page.sidebar:
                text = " ".join(line.text for line in page.sidebar)
                html = " ".join(line.html for line in page.sidebar)
                self.blocks.append(Block("note", text, html, pages=(page.number, page.number)))
        return self.blocks

    def is_heading(self, line: Line) -> bool:
        if line.words > MAX_HEADING_WORDS or not words_not_symbols(line.text):
            return False
        if line.text.endswith((".", ",", ";")) and not re.match(r"^\d+(\.\d+)*\.?\s", line.text):
            return False
        return line.size >= HEADING_SIZE * self.body_size or (
            line.bold and not self.body_bold and line.size >= 0.95 * self.body_size
        )

    def level(self, line: Line) -> int:
        """h1 for the largest size (the title), then h2, h3 … by size; bold body text last."""
        size = round(line.size, 1)
        rank = self.heading_sizes.index(size) if size in self.heading_sizes else len(self.heading_sizes)
        return min(6, rank + 1)

    def take_run(self, run: list[Line], page_number: int | None) -> None:
        text = [line for line in run if not self.is_heading(line)] or run  # the text's own margins
        left = min(line.x0 for line in text)
        right = max(line.x1 for line in text)
        spacing = self.usual_spacing(run)
        previous: Line | None = None
        for line in run:
            if self.is_heading(line):
                self.close()
                if self.heading and (
                    line.size != self.heading[-1].size
                    or self.heading[-1].baseline - line.baseline > 2.5 * line.size
                ):
                    self.close_heading()
                self.heading.append(line)
                self.heading_page = page_number
                previous = line
                continue
            self.close_heading()
            if self.starts_block(line, previous, left, right, spacing):
                self.close()
            self.add(line, page_number)
            previous = line

    def usual_spacing(self, run: list[Line]) -> float:
        gaps = [
            a.baseline - b.baseline
            for a, b in itertools.pairwise(run)
            if 0 < a.baseline - b.baseline < 3 * a.size
        ]
        return statistics.median(gaps) if gaps else 1.2 * self.body_size

    def starts_block(
        self, line: Line, previous: Line | None, left: float, right: float, spacing: float
    ) -> bool:
        paragraph = self.open
        if paragraph is None:
            return False
        if CAPTION.match(line.text) or paragraph.kind == "figure":
            return True
        if abs(line.size - paragraph.lines[-1].size) > 0.1 * line.size:
            return True
        if paragraph.lines[-1].hyphen and line.text[:1].islower():
            return False  # a word broken at the line's end goes on ('char-' 'acter …')
        if previous is None:  # the first line of a column or a page
            return not self.continues(paragraph, line, left)
        if previous.baseline - line.baseline > PARAGRAPH_GAP * spacing:
            return True
        indented = is_indented(line, left)
        if self.style == "hanging":  # a paragraph starts back at the margin
            return not indented
        if self.in_references:
            if self.hanging(paragraph, left):
                return not indented  # hanging indents: an entry starts back at the margin
            if (
                len(paragraph.lines) == 1
                and indented
                and not is_indented(paragraph.lines[0], left, line.size)
            ):
                return False  # the second line of a hanging entry
        if indented and not is_indented(previous, left, line.size):
            return True  # a first-line indent
        return stopped_short(previous, right, line)

    def continues(self, paragraph: Paragraph, line: Line, left: float) -> bool:
        """Does a column's first line carry on the paragraph the previous column ended with? Not
        after a line that stopped short; in a document that indents its paragraphs, when it is
        not indented; otherwise when the paragraph stopped mid-sentence."""
        column = max(other.x1 for other in paragraph.lines)
        if len(paragraph.lines) > 1 and stopped_short(paragraph.lines[-1], column, line):
            return False
        indented = is_indented(line, left)
        if self.style == "indent":
            return not indented
        if self.style == "hanging":
            return indented
        return not paragraph.text.rstrip().endswith(TERMINAL) or line.text[:1].islower()

    @staticmethod
    def hanging(paragraph: Paragraph, left: float) -> bool:
        """The paragraph's first line stands at the margin and the next ones are indented."""
        lines = paragraph.lines
        return len(lines) >= 2 and not is_indented(lines[0], left) and is_indented(lines[1], left)

    def add(self, line: Line, page_number: int | None) -> None:
        paragraph = self.open
        if paragraph is None:
            kind = "figure" if TABLE_CAPTION.match(line.text) else "p"
            self.open = Paragraph(
                [line], line.text, line.html, list(line.calls), page_number, page_number, kind
            )
            return
        text, html_text = self.joined(paragraph, line)
        paragraph.lines.append(line)
        paragraph.text, paragraph.html = text, html_text
        paragraph.calls.extend(line.calls)
        paragraph.last_page = page_number

    def joined(self, paragraph: Paragraph, line: Line) -> tuple[str, str]:
        """The paragraph with the line added: a word broken by a hyphen at the line's end joined
        again, unless the document writes it with one ('China-' 'Russia' stays 'China-Russia')."""
        last = paragraph.lines[-1]
        if last.hyphen and paragraph.text.endswith("-") and line.text:
            left = re.findall(r"[^\W\d_]+$", paragraph.text[:-1])
            right = re.findall(r"^[^\W\d_]+", line.text)
            if left and right and line.text[0].islower():
                whole, compound = (left[0] + right[0]).lower(), f"{left[0]}-{right[0]}".lower()
                if compound in self.compounds and self.words[whole] == 0:
                    return paragraph.text + line.text, paragraph.html + line.html
                # the hyphen goes, and any markup closed after it stays ('exam-</em>')
                return paragraph.text[:-1] + line.text, TRAILING_HYPHEN.sub(r"\1", paragraph.html) + line.html
            return paragraph.text + line.text, paragraph.html + line.html
        return f"{paragraph.text} {line.text}", f"{paragraph.html} {line.html}"

    def close(self) -> None:
        paragraph, self.open = self.open, None
        if paragraph is None:
            return
        tag = "figure" if paragraph.kind == "figure" else "p"
        self.blocks.append(
            Block(
                tag,
                paragraph.text,
                paragraph.html,
                calls=tuple(c for c in paragraph.calls if c),
                emphasised=all(line.italic for line in paragraph.lines),
                pages=(paragraph.first_page, paragraph.last_page),
            )
        )

    def with_caps_headings(self, blocks: list[Block]) -> list[Block]:
        """The blocks of a paper that numbers its sections, its ALL-CAPS lines read: a heading
        when as short as one and numbered next in its order ("4.1 SUPPORT VECTOR MACHINES" in
        section 4) or named as papers name theirs ("REFERENCES"); else a figure's label ("BCI",
        a table's "3.89 SVM"), marked so that it never heads a section."""
        out, section = [], 0  # the top-level number of the section the blocks are in
        for block in blocks:
            if block.tag == "p" and block.text.isupper():
                short = len(block.text.split()) <= MAX_HEADING_WORDS and not block.text.endswith(".")
                number = SECTION_NUMBER.match(block.text)
                if short and number and follows(number[0], section) and words_not_symbols(block.text):
                    block = Block(f"h{numbered_level(number[0])}", block.text, block.html)
                elif short and not number and UNNUMBERED_SECTION.match(block.text):
                    block = Block("h2", block.text, block.html)
                else:
                    block = replace(block, chart=True)
            if block.tag.startswith("h") and (number := SECTION_NUMBER.match(block.text)):
                section = int(number[0].split(".")[0])
            out.append(block)
        return out

    def close_heading(self) -> None:
        lines, self.heading = self.heading, []
        if not lines:
            return
        text = " ".join(line.text for line in lines)
        html_text = " ".join(line.html for line in lines)
        pages = (self.heading_page, self.heading_page)
        known = self.numbered and bool(SECTION_NUMBER.match(text) or UNNUMBERED_SECTION.match(text))
        if text.isupper() and not known:  # ALL-CAPS lines: the structure reads them as any text
            self.blocks.append(Block("p", text, html_text, pages=pages))
            return
        self.in_references = bool(REFERENCE_HEADING.match(SECTION_NUMBER.sub("", text)))
        level = self.level(lines[0])
        if self.numbered and level > 1:  # the title (h1) stays as sizes rank it
            if number := SECTION_NUMBER.match(text):
                level = numbered_level(number[0])
            elif known or self.in_references or len(text.split()) > FIGURE_LABEL_WORDS:
                level = 2
            else:  # a figure's label set like a heading
                self.blocks.append(Block("p", text, html_text, pages=pages, chart=True))
                return
        self.blocks.append(Block(f"h{level}", text, html_text))


def follows(number: str, section: int) -> bool:
    """Whether a heading numbered so may come in section `section`: one of the next sections ("7 "
    after 6; up to two skipped, so that one heading the layout hid does not lose those after it),
    or one of its own subsections ("6.2 " in 6)."""
    parts = number.strip().rstrip(".").split(".")
    top = int(parts[0])
    return section < top <= section + 3 if len(parts) == 1 else top == section


def numbered_level(number: str) -> int:
    """h2 for "6 ", h3 for "6.1 ", … (h1 is the title)."""
    return min(6, 2 + number.strip().rstrip(".").count("."))


def words_not_symbols(text: str) -> bool:
    """Mostly letters (and a section number): a heading, not a displayed formula ('P 7→ Lp ∩ H')."""
    body = re.sub(r"^\d+(?:\.\d+)*\.?\s*", "", text)
    visible = [c for c in body if not c.isspace()]
    return bool(visible) and sum(c.isalpha() for c in visible) >= 0.6 * len(visible)


def is_indented(line: Line, left: float, size: float | None = None) -> bool:
    """The line starts right of the column's margin (by INDENT_EMS of `size`, else its own)."""
    return line.x0 - left > INDENT_EMS * (size or line.size)


def stopped_short(previous: Line, right: float, line: Line) -> bool:
    """The previous line stopped although this line's first word would have fitted after it: it
    ended its paragraph (in justified and ragged text alike)."""
    return right - previous.x1 > line.first_word + 0.5 * line.size


def paragraph_style(runs: list[list[Line]]) -> str:
    """How the document marks its paragraphs: "indent" (an indented first line, seen more than
    once), "hanging" (most lines indented, the first back at the margin), or "flush"."""
    lines = indented = starts = 0
    for run in runs:
        left = min(line.x0 for line in run)
        for previous, line in itertools.pairwise(run):
            lines += 1
            if is_indented(line, left) and line.x0 - left < MAX_INDENT_EMS * line.size:
                indented += 1
                starts += not is_indented(previous, left, line.size)
    if lines and indented > 0.5 * lines:
        return "hanging"
    return "indent" if starts >= 2 else "flush"
