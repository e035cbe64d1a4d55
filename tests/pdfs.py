"""A small typesetter for test PDFs: blocks flowed through pages and columns with reportlab, so
that every test knows exactly which text stands on which printed page.

Text markup: `infor|mation` marks where a long word may be hyphenated at a line's end, `^3` a
raised note call (the note's text is given beside the paragraph), a form feed (\f) a page break
inside a paragraph (the line before it is justified, as a full line is where a page ends). Fonts: Helvetica for Latin
text, the Adobe CID font STSong-Light (no file to embed: PDF readers bring it) for Chinese and
Cyrillic."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))

LATIN = re.compile(r"^[\x00-\u024f\u2000-\u206f\u2122]*$")
CALL = re.compile(r"\^(\d+)")


@dataclass
class Item:
    """One block to typeset: kind is heading, paragraph, caption or break (a new page)."""

    kind: str
    text: str = ""
    size: float = 10.0
    bold: bool = False
    notes: dict[str, str] = field(default_factory=dict)  # call -> note text, set at the page's foot


def heading(text: str, size: float = 13.0) -> Item:
    return Item("heading", text, size, bold=True)


def paragraph(text: str, **notes: str) -> Item:
    return Item("paragraph", text, notes={k.lstrip("n"): v for k, v in notes.items()})


def caption(text: str) -> Item:
    return Item("caption", text, 8.5)


def page_break() -> Item:
    return Item("break")


def two_columns() -> Item:
    """From here on, two columns (a first page's body under its full-width title and abstract)."""
    return Item("columns")


@dataclass
class Placed:
    """Where a block ended up: its text as a reader sees it and its printed pages."""

    kind: str
    text: str
    first_page: int
    last_page: int


def font_for(text: str, bold: bool = False) -> str:
    if not LATIN.match(text):
        return "STSong-Light"
    return "Helvetica-Bold" if bold else "Helvetica"


def runs_of(text: str) -> list[str]:
    """The text in runs of one font: words of Latin script in Helvetica, others in STSong-Light,
    the spaces between two words of a run inside it (PDFium drops a one-letter text object)."""
    runs: list[str] = []
    for token in re.split(r"(\s+)", text):
        if not token:
            continue
        if runs and (token.isspace() or font_for(token) == font_for(runs[-1].strip() or "a")):
            runs[-1] += token
        else:
            runs.append(token)
    return runs


def width_of(text: str, size: float, bold: bool = False) -> float:
    """As drawn (see runs_of)."""
    return sum(pdfmetrics.stringWidth(run, font_for(run.strip() or "a", bold), size) for run in runs_of(text))


class Typesetter:
    def __init__(
        self,
        path: Path,
        first_page: int = 1,
        columns: int = 1,
        running_header: str | None = None,
        page_numbers: str | None = "footer",  # "footer", "header" or None
        page_size: tuple[float, float] = (612, 792),
        page_labels: bool = False,
        gutter: float = 24.0,
        title: str | None = None,
        author: str | None = None,
        unit_fonts: bool = False,  # Distiller's and Word's way: "1 Tf", the size in the text matrix
    ):
        self.canvas = canvas.Canvas(str(path), pagesize=page_size, pageCompression=0)
        if title:
            self.canvas.setTitle(title)
        if author:
            self.canvas.setAuthor(author)
        self.width, self.height = page_size
        self.unit_fonts = unit_fonts
        self.margin = 72.0
        self.gutter = gutter
        self.columns = columns
        self.running_header = running_header
        self.page_numbers = page_numbers
        self.page_labels = page_labels
        self.page = first_page
        self.first_page = first_page
        self.column = 0
        self.y = self.column_top = self.top  # columns start at the top, or under a full-width top
        self.placed: list[Placed] = []
        self.page_notes: list[tuple[str, str]] = []
        self.started = False

    @property
    def top(self) -> float:
        return self.height - self.margin

    @property
    def column_width(self) -> float:
        usable = self.width - 2 * self.margin
        return (usable - self.gutter * (self.columns - 1)) / self.columns

    @property
    def x(self) -> float:
        return self.margin + self.column * (self.column_width + self.gutter)

    def bottom(self) -> float:
        """The lowest baseline for body text: above the page's footnotes."""
        return self.margin + 12 * len(self.page_notes) + (6 if self.page_notes else 0)

    # --- pages and columns

    def finish_page(self) -> None:
        c = self.canvas
        if self.running_header:
            c.setFont("Helvetica", 8)
            c.drawString(self.margin, self.height - 40, self.running_header)
        if self.page_numbers == "footer":
            c.setFont("Helvetica", 8)
            c.drawCentredString(self.width / 2, 36, str(self.page))
        elif self.page_numbers == "header":
            c.setFont("Helvetica", 8)
            c.drawRightString(self.width - self.margin, self.height - 40, str(self.page))
        y = self.margin - 6 + 12 * len(self.page_notes)
        for call, text in self.page_notes:
            c.setFont("Helvetica", 8)
            c.drawString(self.margin, y, f"{call} {text}")
            y -= 12
        c.showPage()
        self.page += 1
        self.page_notes = []
        self.column = 0
        self.y = self.column_top = self.top

    def next_column(self) -> None:
        if self.column + 1 < self.columns:
            self.column += 1
            self.y = self.column_top
        else:
            self.finish_page()

    # --- lines

    def lines_of(self, text: str, size: float, bold: bool, indent: float) -> list[tuple[str, str]]:
        """Greedy line breaking into (line, how it ends): a word with `|` marks may be hyphenated
        there ("soft": the hyphen is not part of the word), a compound after its own hyphen
        ("hard"); other lines end between words ("space")."""
        words = text.split()
        lines: list[tuple[str, str]] = []
        current = ""
        limit = self.column_width - indent
        i = 0
        while i < len(words):
            word = words[i]
            shown = word.replace("|", "")
            candidate = f"{current} {shown}".strip()
            if width_of(CALL.sub("", candidate), size, bold) <= limit:
                current = candidate
                i += 1
                continue
            broken = False
            points = [m.start() for m in re.finditer(r"\||(?<=-)", word) if 0 < m.start() < len(word)]
            for point in reversed(points):
                head = word[:point].replace("|", "")
                ending = "hard" if head.endswith("-") else "soft"
                head = head if ending == "hard" else head + "-"
                if width_of(f"{current} {head}".strip(), size, bold) <= limit:
                    lines.append((f"{current} {head}".strip(), ending))
                    words[i] = word[point:].lstrip("|")
                    current = ""
                    broken = True
                    break
            if not broken:
                lines.append((current, "space"))
                current = ""
            limit = self.column_width
        if current:
            lines.append((current, "space"))
        return [(line, ending) for line, ending in lines if line]

    def draw(self, line: str, x: float, size: float, bold: bool, justify_to: float | None = None) -> None:
        """A line in runs: Latin, other scripts, raised note calls; word by word, spread to the
        width `justify_to`, when it is given."""
        if justify_to is not None and " " in line:
            words = line.split(" ")
            natural = sum(width_of(CALL.sub("", w), size, bold) for w in words)
            space = (justify_to - natural) / (len(words) - 1)
            for word in words:
                self.draw(word, x, size, bold)
                x += width_of(CALL.sub("", word), size, bold) + space
            return
        c = self.canvas
        for piece in re.split(r"(\^\d+)", line):
            if not piece:
                continue
            if piece.startswith("^"):
                c.setFont("Helvetica", size * 0.6)
                c.drawString(x, self.y + size * 0.35, piece[1:])
                x += width_of(piece[1:], size * 0.6)
                continue
            for run in runs_of(piece):
                font = font_for(run.strip() or "a", bold)
                if self.unit_fonts:
                    text = c.beginText()
                    text.setFont(font, 1)
                    text.setTextTransform(size, 0, 0, size, x, self.y)
                    text.textOut(run)
                    c.drawText(text)
                else:
                    c.setFont(font, size)
                    c.drawString(x, self.y, run)
                x += pdfmetrics.stringWidth(run, font, size)

    def place(self, item: Item) -> None:
        if item.kind == "break":
            self.finish_page()
            return
        if item.kind == "columns":
            self.columns, self.column = 2, 0
            self.y = self.column_top = self.y - 12
            return
        size, bold = item.size, item.bold
        leading = size * 1.25
        gap = size * (1.0 if item.kind == "heading" else 0.6)
        indent = 18.0 if item.kind == "paragraph" else 0.0
        parts = item.text.split("\f")
        lines = []  # (line, how it ends, does a forced page break follow it)
        for k, part in enumerate(parts):
            broken = self.lines_of(part, size, bold, indent if k == 0 else 0.0)
            lines += [
                (line, ending, i == len(broken) - 1 and k < len(parts) - 1)
                for i, (line, ending) in enumerate(broken)
            ]
        if self.started and self.y - gap - leading < self.bottom():
            self.next_column()
        elif self.started:
            self.y -= gap
        self.started = True
        first = self.page
        text = ""
        for number, (line, ending, breaks) in enumerate(lines):
            calls = CALL.findall(line)
            extra = 12 * sum(1 for call in calls if call in item.notes)
            if self.y - leading < self.bottom() + extra:
                self.next_column()
            self.y -= leading
            start = indent if number == 0 else 0.0
            self.draw(line, self.x + start, size, bold, self.column_width - start if breaks else None)
            if breaks:
                self.page_notes.extend((call, item.notes[call]) for call in calls if call in item.notes)
                text += CALL.sub("", line) + " "
                self.next_column()
                continue
            self.page_notes.extend((call, item.notes[call]) for call in calls if call in item.notes)
            shown = CALL.sub("", line)
            text += shown[:-1] if ending == "soft" else shown if ending == "hard" else shown + " "
        text = text.strip()
        self.placed.append(Placed(item.kind, text, first, self.page))
        for call in re.findall(r"\^(\d+)", item.text):
            if call in item.notes:
                self.placed.append(Placed("note", item.notes[call], self.page, self.page))

    def save(self) -> list[Placed]:
        self.finish_page()
        if self.page_labels:
            self.canvas.addPageLabel(0, style="D", start=self.first_page)  # decimal from first_page
        self.canvas.save()
        return self.placed


def typeset(path: Path, items: list[Item], **options) -> list[Placed]:
    """Write the PDF; return where each block (and each note) ended up."""
    setter = Typesetter(path, **options)
    for item in items:
        setter.place(item)
    return setter.save()
