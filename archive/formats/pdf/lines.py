"""Characters -> lines: PDFium's characters with their boxes, baselines and fonts, grouped by baseline,
cut at column gutters, with raised note calls, spaces and italics."""

from __future__ import annotations

import bisect
import ctypes
import html
import itertools
import math
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pypdfium2.raw as pdfium_c

MIN_COLUMN_ROWS = 6  # a page with fewer rows is not searched for columns
MAX_TEXT_WIDTH = 20_000  # points: wider than any real page (A0 is 2,384)
MIN_GUTTER = 4.0  # points: the narrowest gutter between columns
GUTTER_ZONE = 0.2  # a gutter lies within this share of the text's width either side of its middle
GUTTER_CROSSING_SHARE = 0.15  # rows that may cross a gutter (titles, wide captions)
TOP_SHARE, TOP_CUTS = 0.6, 6  # where a page's full-width top may end, and how many cuts are tried
COLUMN_ROWS_SHARE = 0.3  # rows each column of a page holds text on, at least
# A side column: a strip this far into the text's width, rows on its left and right, at least
SIDE_ZONE, SIDE_SHARES = (0.12, 0.35), (0.1, 0.6)
SIDE_SMALLER = 0.5  # points: a side column's type is smaller than the text's by this, at least
GUTTER_EMS = 1.5  # a horizontal gap wider than this (in font sizes) separates columns


# A gap this wide (in font sizes) between two characters is a space even where the PDF has no
# space character. Narrower gaps are not: PDFium adds the spaces it infers, and the glyph boxes of
# narrow characters ("1", "i") leave gaps inside words.
WIDE_GAP_EMS = 0.6


MAX_RISE_EMS = 0.9  # a superscript stands at most this far (in the line's size) above its line
MAX_ANGLE = 0.02  # radians: a character turned further is not on a horizontal line
MIN_SIZE = 1.0  # points: a font size PDFium reports as 0 counts as this
SUPERSCRIPT_SIZE = 0.85  # characters smaller than this share of the line's size may be raised


BOLD_WEIGHT = 600
ITALIC_FLAG = 1 << 6  # font descriptor flags (PDF 32000-1, 9.8.2)
FORCE_BOLD = 1 << 18
BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demibold|[-,]bd\b", re.I)


ITALIC_NAME = re.compile(r"italic|oblique|[-,]it\b", re.I)


NO_SPACE = 0


INFERRED_SPACE = 1  # PDFium inferred it from a gap


SPACE = 2


CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


@dataclass
class Char:
    text: str
    x0: float
    x1: float
    baseline: float
    top: float
    size: float
    bold: bool
    italic: bool
    space_before: int = 0  # NO_SPACE, INFERRED_SPACE (PDFium's guess from a gap) or SPACE


@dataclass
class Line:
    page: int  # index in the document
    x0: float
    x1: float
    baseline: float
    top: float
    size: float
    bold: bool
    italic: bool
    text: str
    html: str
    calls: tuple[str, ...] = ()
    hyphen: bool = False  # ends with a hyphen at the line's end
    first_word: float = 0.0  # width of its first word: would it have fitted on the line before?

    @property
    def words(self) -> int:
        return len(self.text.split())


class _Fonts:
    """Bold and italic by font name (and descriptor flags), worked out once per font: one call
    per character instead of three."""

    def __init__(self):
        self.known: dict[tuple[bytes, int], tuple[bool, bool]] = {}
        self.buffer = ctypes.create_string_buffer(256)
        self.flags = ctypes.c_int()

    def style(self, textpage, index: int) -> tuple[bool, bool]:
        pdfium_c.FPDFText_GetFontInfo(textpage, index, self.buffer, len(self.buffer), self.flags)
        key = (self.buffer.value, self.flags.value)
        found = self.known.get(key)
        if found is None:
            name = key[0].decode("latin-1", "replace")
            weight = pdfium_c.FPDFText_GetFontWeight(textpage, index)
            bold = bool(BOLD_NAME.search(name)) or weight >= BOLD_WEIGHT or bool(key[1] & FORCE_BOLD)
            found = (bold, bool(ITALIC_NAME.search(name)) or bool(key[1] & ITALIC_FLAG))
            self.known[key] = found
        return found


def page_chars(textpage, fonts: _Fonts) -> list[Char]:
    """The page's visible characters; a space is kept as a mark on the character after it."""
    count = pdfium_c.FPDFText_CountChars(textpage)
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    ox, oy = ctypes.c_double(), ctypes.c_double()
    matrix = pdfium_c.FS_MATRIX()
    chars: list[Char] = []
    space = NO_SPACE
    for i in range(count):
        code = pdfium_c.FPDFText_GetUnicode(textpage, i)
        if code in (10, 13):
            continue
        if code in (32, 0xA0) or (code < 32 and code != 2):
            inferred = pdfium_c.FPDFText_IsGenerated(textpage, i) == 1
            space = max(space, INFERRED_SPACE if inferred else SPACE)
            continue
        text = "-" if code == 2 else chr(code)  # 2: PDFium's mark of a hyphen at a line's end
        if 0xD800 <= code <= 0xDFFF:
            continue  # half of a pair PDFium could not map
        if abs(math.remainder(pdfium_c.FPDFText_GetCharAngle(textpage, i), math.tau)) > MAX_ANGLE:
            continue  # text set sideways (an arXiv stamp up the margin) is not read as lines
        pdfium_c.FPDFText_GetCharBox(textpage, i, left, right, bottom, top)
        pdfium_c.FPDFText_GetCharOrigin(textpage, i, ox, oy)
        size = _font_size(textpage, i, matrix) or (top.value - bottom.value) or 1.0
        bold, italic = fonts.style(textpage, i)
        chars.append(Char(text, left.value, right.value, oy.value, top.value, size, bold, italic, space))
        space = NO_SPACE
    return chars


def _font_size(textpage, index: int, matrix) -> float:
    """The size a character is drawn at, in points: the font's size (Tf) scaled by the character's
    matrix. Distiller, Word and Elsevier's tools set "1 Tf" and scale the text matrix instead:
    taken alone, every size was 1 point, every gap between letters looked like a space, and
    the text came out as "C o m p l i c a t i o n s"."""
    size = pdfium_c.FPDFText_GetFontSize(textpage, index)
    if not pdfium_c.FPDFText_GetMatrix(textpage, index, matrix):
        return size
    scale = math.hypot(matrix.c, matrix.d)  # the length of the text's upright unit in points
    return size * scale if scale > 0 else size


def rows_of(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped by baseline (top of the page first), each row in x order, accents set
    apart joined to their letters."""
    rows: list[list[Char]] = []
    for char in sorted(chars, key=lambda c: (-c.baseline, c.x0)):
        if rows and abs(rows[-1][0].baseline - char.baseline) <= 0.3 * max(char.size, rows[-1][0].size):
            rows[-1].append(char)
        else:
            rows.append([char])
    return [with_accents(sorted(row, key=lambda c: c.x0)) for row in rows]


# TeX sets an accent as a glyph of its own over or under its letter (\"a: "a" and "¨"), which
# PDFium gives as two characters: "Puolama¨ki" could not be found as Puolamäki
SPACING_ACCENTS = {
    "¨": "\u0308", "´": "\u0301", "`": "\u0300", "ˆ": "\u0302", "˜": "\u0303", "ˇ": "\u030c",
    "˚": "\u030a", "¸": "\u0327", "˘": "\u0306", "˙": "\u0307", "˝": "\u030b", "¯": "\u0304",
    "˛": "\u0328",
}  # fmt: skip
BELOW = frozenset("¸˛")


def with_accents(row: list[Char]) -> list[Char]:
    """The row with each accent that stands over (or under) a neighbouring letter joined to it:
    "a" and "¨" as "ä"; a dotless ı under an accent is an i (TeX's \\"{\\i} is ï). One pass."""
    if not any(c.text in SPACING_ACCENTS for c in row):
        return row
    joined: list[Char] = []
    for i, char in enumerate(row):
        if char.text not in SPACING_ACCENTS:
            joined.append(char)
            continue
        before = joined[-1] if joined and joined[-1].text.isalpha() else None
        after = row[i + 1] if i + 1 < len(row) and row[i + 1].text.isalpha() else None
        letter = max(
            (c for c in (before, after) if c is not None), key=lambda c: _overlap(c, char), default=None
        )
        if letter is None or _overlap(letter, char) < 0.5 * max(char.x1 - char.x0, 0.01):
            if char.text == "˜":  # TeX's \\~{} in an address (~user) is the small tilde's glyph
                char.text = "~"
            joined.append(char)  # a backtick standing in the text, a hat over math: over no letter
            continue
        base = "i" if letter.text == "ı" and char.text not in BELOW else letter.text
        letter.text = unicodedata.normalize("NFC", base + SPACING_ACCENTS[char.text])
        if letter is after:
            letter.space_before = max(letter.space_before, char.space_before)
    return joined


def _overlap(a: Char, b: Char) -> float:
    return min(a.x1, b.x1) - max(a.x0, b.x0)


def split_row(row: list[Char], gutter: float | None = None) -> list[list[Char]]:
    """A row cut at the page's gutter (unless a character stands on it: a full-width line) and
    at any gap wide enough to be one."""
    crosses = gutter is not None and any(c.x0 < gutter < c.x1 for c in row)
    pieces = [[row[0]]]
    for char in row[1:]:
        previous = pieces[-1][-1]
        at_gutter = gutter is not None and not crosses and previous.x1 <= gutter <= char.x0
        if at_gutter or char.x0 - previous.x1 > GUTTER_EMS * max(char.size, previous.size):
            pieces.append([char])
        else:
            pieces[-1].append(char)
    return pieces


def attach_superscripts(segments: list[list[Char]]) -> list[list[Char]]:
    """Small raised characters in a row of their own (a note call set above the line) join the
    line below them."""
    sizes = {id(segment): statistics.median(c.size for c in segment) for segment in segments}
    by_baseline = sorted(segments, key=lambda s: s[0].baseline)
    baselines = [s[0].baseline for s in by_baseline]
    result: list[list[Char]] = []
    for segment in segments:
        size = sizes[id(segment)]
        text = "".join(c.text for c in segment)
        host = None
        if len(text) <= 4 and text.isalnum():
            # only the lines just below it can host it: a window of baselines, not the page
            low = bisect.bisect_left(baselines, segment[0].baseline - MAX_RISE_EMS * size / SUPERSCRIPT_SIZE)
            high = bisect.bisect_left(baselines, segment[0].baseline)
            for other in by_baseline[low:high]:
                other_size = sizes[id(other)]
                rise = segment[0].baseline - other[0].baseline
                if (
                    size < SUPERSCRIPT_SIZE * other_size
                    and 0.1 * other_size < rise < MAX_RISE_EMS * other_size
                    and other[0].x0 - other_size <= segment[0].x0 <= other[-1].x1 + other_size
                ):
                    host = other
                    break
        if host is not None:
            host.extend(segment)
            host.sort(key=lambda c: c.x0)
        else:
            result.append(segment)
    return result


def make_line(page: int, chars: list[Char]) -> Line:
    """A line's text and display HTML: spaces from gaps, raised small digits as note calls,
    italic runs as <em>."""
    size = Counter(round(c.size, 1) for c in chars).most_common(1)[0][0] or MIN_SIZE
    same = [c.baseline for c in chars if abs(c.size - size) < 0.2 * size]
    baseline = statistics.median(same or [c.baseline for c in chars])
    text_parts: list[str] = []
    html_parts: list[str] = []
    calls: list[str] = []
    italic_open = False
    previous: Char | None = None
    i = 0
    while i < len(chars):
        char = chars[i]
        raised = char.size < SUPERSCRIPT_SIZE * size and char.baseline > baseline + 0.15 * size
        if raised:  # a run of raised characters
            j = i
            while (
                j < len(chars)
                and chars[j].size < SUPERSCRIPT_SIZE * size
                and chars[j].baseline > baseline + 0.15 * size
            ):
                j += 1
            mark = "".join(c.text for c in chars[i:j])
            if italic_open:
                html_parts.append("</em>")
                italic_open = False
            if mark.isdigit() or re.fullmatch(r"[*†‡§]+|[a-z]", mark):
                calls.append(mark)
                html_parts.append(f'<sup class="note-call">{html.escape(mark)}</sup>')
            else:
                text_parts.append(" " + mark + " ")
                html_parts.append(f"<sup>{html.escape(mark)}</sup>")
            previous = chars[j - 1]
            i = j
            continue
        if previous is not None and spaced(previous, char, size):
            text_parts.append(" ")
            if italic_open and not char.italic:
                html_parts.append("</em>")
                italic_open = False
            html_parts.append(" ")
        if char.italic and not italic_open:
            html_parts.append("<em>")
            italic_open = True
        elif not char.italic and italic_open:
            html_parts.append("</em>")
            italic_open = False
        text_parts.append(char.text)
        html_parts.append(html.escape(char.text, quote=False))
        previous = char
        i += 1
    if italic_open:
        html_parts.append("</em>")
    text = re.sub(r"\s+", " ", "".join(text_parts)).strip()
    body = [c for c in chars if c.size >= SUPERSCRIPT_SIZE * size]
    return Line(
        page=page,
        x0=min(c.x0 for c in chars),
        x1=max(c.x1 for c in chars),
        baseline=baseline,
        top=max(c.top for c in chars),
        size=size,
        bold=bool(body) and sum(c.bold for c in body) >= 0.8 * len(body),
        italic=bool(body) and sum(c.italic for c in body) >= 0.8 * len(body),
        text=text,
        html=re.sub(r"\s+", " ", "".join(html_parts)).strip(),
        calls=tuple(calls),
        hyphen=text.endswith("-") and len(text) > 1 and text[-2].isalpha(),
        first_word=first_word_width(chars),
    )


def spaced(previous: Char, char: Char, size: float) -> bool:
    """A space between two characters: one the PDF has, one PDFium inferred from a gap (never
    beside Chinese or Japanese, written without spaces: a gap there is a font's bearing), or a
    gap as wide as a space on its own."""
    if char.space_before == SPACE:
        return True
    beside_cjk = bool(CJK.match(previous.text) or CJK.match(char.text))
    if char.space_before == INFERRED_SPACE:
        return not beside_cjk
    # Full-width punctuation ("，", or "“" in a CJK font) leaves a gap of up to a whole em.
    return char.x0 - previous.x1 > (1.0 if beside_cjk else WIDE_GAP_EMS) * size


def first_word_width(chars: list[Char]) -> float:
    end = chars[0].x1
    for char in chars[1:]:
        if char.space_before:
            break
        end = char.x1
    return end - chars[0].x0


def document_lines(pages: list[list[Char]]) -> list[tuple[list[Line], float | None, float | None]]:
    """Each page's lines, the x of the gutter between its two columns if it has one, and the x
    right of a narrow side column if it has one instead (see find_side_gutter). A page whose own
    lines do not show its gutter (the last page, its right column nearly empty) takes the gutter
    of the document's other pages when no row crosses it there."""
    rows = [rows_of(chars) for chars in pages]
    found = [find_gutter(page_rows) for page_rows in rows]
    usual = usual_gutter(found)
    laid_out = []
    for index, (page_rows, gutter) in enumerate(zip(rows, found, strict=True)):
        start = 0
        if gutter is None and usual is not None and is_clear(page_rows, usual):
            gutter = usual
        elif gutter is None:
            gutter, start = gutter_below_top(page_rows)
        side = find_side_gutter(page_rows) if gutter is None and index == 0 else None
        lines, _ = rows_to_lines(index, page_rows, gutter if side is None else side, start)
        laid_out.append((lines, gutter, side))
    return laid_out


def usual_gutter(found: list[float | None]) -> float | None:
    """The gutter most of the pages that have one share (within a few points: where it is found
    moves with each page's lines), if two or more do."""
    gutters = [gutter for gutter in found if gutter is not None]
    near = [[other for other in gutters if abs(other - gutter) <= MIN_GUTTER] for gutter in gutters]
    shared = max(near, key=len, default=[])
    return statistics.median(shared) if len(shared) >= 2 else None


def is_clear(rows: list[list[Char]], x: float) -> bool:
    """Whether (almost) no row crosses x: no character on it, no word gap narrower than a gutter."""
    crossing = sum(
        1
        for row in rows
        if any(c.x0 < x < c.x1 for c in row)
        or any(a.x1 <= x <= b.x0 and b.x0 - a.x1 < MIN_GUTTER / 2 for a, b in itertools.pairwise(row))
    )
    return bool(rows) and crossing <= GUTTER_CROSSING_SHARE * len(rows)


def rows_to_lines(page_index: int, rows: list[list[Char]], gutter: float | None, start: int):
    """The page's rows cut into lines, at the gutter from row `start` on."""
    segments = [
        piece for i, row in enumerate(rows) for piece in split_row(row, gutter if i >= start else None)
    ]
    lines = [make_line(page_index, segment) for segment in attach_superscripts(segments) if segment]
    return lines, gutter


def gutter_below_top(rows: list[list[Char]]) -> tuple[float | None, int]:
    """A gutter under a full-width top (a journal's first page: title, authors and abstract across
    the page, then two columns), with the first row it divides: tried below each of the widest
    gaps between rows in the page's upper part, topmost first."""
    upper = len(rows) * TOP_SHARE
    gaps = sorted(
        range(1, int(upper)),
        key=lambda i: rows[i][0].baseline - rows[i - 1][0].baseline,  # baselines fall down the page
    )[:TOP_CUTS]
    for start in sorted(gaps):
        gutter = find_gutter(rows[start:])
        if gutter is not None:
            return gutter, start
    return None, 0


def find_side_gutter(rows: list[list[Char]]) -> float | None:
    """The x of a strip near the left edge that (almost) no row crosses, with a narrow column of
    short lines left of it and the text right of it: a journal's sidebar of the article's facts
    (JOSS: DOI, Software, Submitted, Published, License) beside the first page's text, which row
    by row was read into it ("Submitted: 24 June 2018 a Lennard-Jones potential model …"). Set
    just left of where most of the text's lines start: a sidebar's longer lines reach past the
    strip a few rows may cross. Looked for on a first page only, and found only when set smaller
    than the text: labels in the text's size (a glossary's terms, a transcript's speakers,
    alphabetic references) are the text's own."""
    strip = find_gutter(rows, zone=SIDE_ZONE, shares=SIDE_SHARES)
    if strip is None:
        return None
    starts = Counter(round(next(c.x0 for c in row if c.x0 >= strip)) for row in rows if row[-1].x0 >= strip)
    edge = starts.most_common(1)[0][0] - 0.5
    side = [c.size for row in rows for c in row if c.x1 <= edge and not c.text.isspace()]
    text = [c.size for row in rows for c in row if c.x0 >= edge and not c.text.isspace()]
    if not side or not text or statistics.median(side) > statistics.median(text) - SIDE_SMALLER:
        return None
    return edge


def find_gutter(
    rows: list[list[Char]], zone: tuple[float, float] = (0.5 - GUTTER_ZONE, 0.5 + GUTTER_ZONE), shares=None
) -> float | None:
    """The x of a vertical strip in the middle of the text that (almost) no row crosses: the
    gutter between two columns, however narrow (LaTeX sets 10 pt). Rows crossing it (a title, a
    full-width figure caption) may be a few; each column must hold text on most rows."""
    if len(rows) < MIN_COLUMN_ROWS:
        return None
    left = min(row[0].x0 for row in rows)
    right = max(row[-1].x1 for row in rows)
    width = right - left
    if not 0 < width <= MAX_TEXT_WIDTH:  # characters placed absurdly far out: no columns to find
        return None
    bins = int(width) + 2  # one a point
    # Rows over each point, as a difference array: a row covers its extent but its gaps (only
    # gaps wide enough to matter: a gutter is MIN_GUTTER wide).
    change = np.zeros(bins + 1)
    for row in rows:
        change[int(row[0].x0 - left)] += 1
        change[int(row[-1].x1 - left) + 1] -= 1
        for previous, char in itertools.pairwise(row):
            if char.x0 - previous.x1 >= MIN_GUTTER / 2:
                change[int(previous.x1 - left) + 1] -= 1
                change[int(char.x0 - left)] += 1
    crossing = np.cumsum(change)[:bins]
    lo, hi = int(bins * zone[0]), int(bins * zone[1])
    clear = np.concatenate(([False], crossing[lo:hi] <= GUTTER_CROSSING_SHARE * len(rows), [False]))
    edges = np.flatnonzero(np.diff(clear.astype(np.int8)))  # starts and ends of clear runs
    if not len(edges):
        return None
    starts, ends = edges[::2], edges[1::2]
    widest = int(np.argmax(ends - starts))
    if ends[widest] - starts[widest] < MIN_GUTTER:
        return None
    gutter = left + lo + (starts[widest] + ends[widest]) / 2
    # Each column holds text on a good share of the rows; the two columns' baselines need not
    # line up (a heading in one shifts every line under it), so the sides are counted apart.
    left_rows = sum(1 for row in rows if row[0].x1 <= gutter)
    right_rows = sum(1 for row in rows if row[-1].x0 >= gutter)
    left_share, right_share = shares or (COLUMN_ROWS_SHARE, COLUMN_ROWS_SHARE)
    return gutter if left_rows >= left_share * len(rows) and right_rows >= right_share * len(rows) else None
