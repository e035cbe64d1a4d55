"""Pages: running headers and footers, printed page numbers, footnotes and the reading order of columns."""

from __future__ import annotations

import html
import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field, replace

from .lines import Line

SET_APART = 1.8  # a first or last line this many usual line gaps away from the text is apart
EDGE_SHARE = 0.08  # top and bottom of a page where running headers and footers stand


RUNNING_SHARE = 0.4  # a header/footer text repeated on this share of pages is furniture


FOOTNOTE_SIZE = 0.92  # footnotes are set smaller than the body text


PAGE_NUMBER = re.compile(r"^(?:page\s+)?(\d{1,4})(?:\s+of\s+\d{1,4})?$", re.I)


NUMBER_AT_EDGE = re.compile(r"(?:^(\d{1,4})\s*[|•·–—-]\s*\S)|(?:\S\s*[|•·–—-]\s*(\d{1,4})$)")


FOOTNOTE_START = re.compile(r"^(\d{1,3}|[*†‡§])[.)]?\s+\S")


@dataclass
class Page:
    number: int | None  # printed
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    notes: list[Line] = field(default_factory=list)
    edges: list[Line] = field(default_factory=list)  # header and footer lines
    gutter: float | None = None  # x between two columns, when the page has two
    side: float | None = None  # x right of a narrow side column of facts (a journal's sidebar)
    sidebar: list[Line] = field(default_factory=list)  # its lines, which are no text of the article


def body_font_size(pages: list[Page]) -> float:
    """The size most of the text is set in."""
    sizes: Counter = Counter()
    for page in pages:
        for line in page.lines:
            sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0]


def furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def edge_candidates(page: Page) -> list[Line]:
    """Lines that may be running headers or footers: in the page's top or bottom margin, or
    the first or last line of the page set apart from the text by a wider gap (LaTeX puts its
    page numbers 14% up from the bottom)."""
    lines = sorted(page.lines, key=lambda line: -line.baseline)
    found = [
        line
        for line in lines
        if line.baseline >= page.height * (1 - EDGE_SHARE) or line.baseline <= page.height * EDGE_SHARE
    ]
    if len(lines) >= 3:
        gaps = [a.baseline - b.baseline for a, b in itertools.pairwise(lines)]
        usual = statistics.median(gaps)
        for line, gap in ((lines[0], gaps[0]), (lines[-1], gaps[-1])):
            if gap > SET_APART * usual and line not in found:
                found.append(line)
    return found


def remove_furniture(pages: list[Page], body_size: float) -> None:
    """Running headers and footers (the same words on many pages) and bare page numbers move from
    the page's lines to its edges, where only the page numbering looks at them."""
    candidates = [edge_candidates(page) for page in pages]
    seen = Counter(key for lines in candidates for key in {furniture_key(line.text) for line in lines})
    repeated = {key for key, n in seen.items() if n >= max(2, RUNNING_SHARE * len(pages))}
    for page, lines in zip(pages, candidates, strict=True):
        edges = [
            line
            for line in lines
            if furniture_key(line.text) in repeated
            or PAGE_NUMBER.match(line.text)
            # the journal's line over a first page: small print in the top margin
            or (line.baseline >= page.height * (1 - EDGE_SHARE) and line.size < body_size)
        ]
        page.edges = edges
        page.lines = [line for line in page.lines if line not in edges]


FOOTNOTE_ZONE = 0.5  # footnotes start below this share of the page's height (from the bottom)
MAX_LABEL_DIGITS = 6  # a page label longer than this is no page number
PAGE_ORDER = "the order of its pages (no printed numbers found)"


def printed_pages(pages: list[Page], labels: list[str]) -> tuple[list[int | None], str]:
    """Each page's printed number (None for front matter numbered i, ii, …), and where the
    numbers came from."""
    if numbers := label_numbers(labels):
        return numbers, "the PDF's page labels"
    offsets: Counter = Counter()
    with_numbers = 0
    for index, page in enumerate(pages):
        found = {n - index for n in page_number_candidates(page)}
        with_numbers += bool(found)
        offsets.update(found)
    if offsets:
        offset, count = offsets.most_common(1)[0]
        if count >= max(1, 0.6 * with_numbers) and (count >= 2 or len(pages) == 1):
            numbers = [index + offset if index + offset >= 1 else None for index in range(len(pages))]
            return numbers, "the page numbers printed on its pages"
    return [index + 1 for index in range(len(pages))], PAGE_ORDER


def label_numbers(labels: list[str]) -> list[int | None] | None:
    """Page numbers from the PDF's page labels when most are numbers counting up one a page
    (roman front matter and other labels give None); else None."""
    numbers = [
        int(label) if label.isdecimal() and len(label) <= MAX_LABEL_DIGITS else None for label in labels
    ]
    known = [(index, n) for index, n in enumerate(numbers) if n is not None]
    if len(known) < max(1, 0.5 * len(labels)):
        return None
    steady = all(b - a == j - i for (i, a), (j, b) in itertools.pairwise(known))
    return numbers if steady else None


def page_number_candidates(page: Page) -> list[int]:
    numbers = []
    for line in page.edges:
        if match := PAGE_NUMBER.match(line.text):
            numbers.append(int(match[1]))
        elif match := NUMBER_AT_EDGE.search(line.text):
            numbers.append(int(match[1] or match[2]))
    return numbers


def take_footnotes(page: Page, body_size: float) -> None:
    """Small lines at the foot of the page that start with a note's number become its notes."""
    lines = sorted(page.lines, key=lambda line: line.baseline)
    foot: list[Line] = []
    for line in lines:
        if line.size > FOOTNOTE_SIZE * body_size:
            break
        foot.append(line)
    foot.reverse()  # top to bottom
    if not foot or not (FOOTNOTE_START.match(foot[0].text) or leading_call(foot[0])):
        return
    # Footnotes stand under the text, in the lower part of the page: a page of small print
    # (a reference list in small type) is text, not notes.
    if len(foot) == len(lines) or foot[0].baseline > page.height * FOOTNOTE_ZONE:
        return
    notes: list[Line] = []
    for line in foot:
        mark = leading_call(line)
        start = FOOTNOTE_START.match(line.text)
        if mark or start or not notes:
            label = mark or (start[1] if start else "")
            text = line.text if mark else (line.text[start.end(1) :].lstrip(".) ") if start else line.text)
            body_html = (
                re.sub(r'^<sup class="note-call">[^<]*</sup>\s*', "", line.html)
                if mark
                else html.escape(text, quote=False)
            )
            notes.append(replace(line, text=text.strip(), html=body_html.strip(), calls=(label,)))
        else:
            last = notes[-1]
            notes[-1] = replace(last, text=f"{last.text} {line.text}", html=f"{last.html} {line.html}")
    page.notes = notes
    page.lines = [line for line in page.lines if line not in foot]


def leading_call(line: Line) -> str | None:
    """The note number a footnote line starts with when it is set raised."""
    return line.calls[0] if line.calls and line.html.startswith('<sup class="note-call">') else None


def reading_order(page: Page) -> list[list[Line]]:
    """The page's lines as runs read one after the other: a one-column page is one run; a
    two-column page is read band by band (full-width lines between bands), left column first."""
    lines = sorted(page.lines, key=lambda line: -line.baseline)
    if page.gutter is not None:  # found between the characters (lines.find_gutter)
        middle, margin = page.gutter, 0.0
    else:
        middle, margin = page.width / 2, 0.02 * page.width
    left = [line for line in lines if line.x1 <= middle + margin]
    right = [line for line in lines if line.x0 >= middle - margin]
    # Columns guessed at the page's middle must look like columns; a gutter found between the
    # characters is one, however little its right column holds (an article's last lines).
    guessed = page.gutter is None and (len(right) < 3 or len(left) < 3 or not shared_start(right))
    if guessed or not right or len(left) + len(right) < 0.5 * len(lines):
        return [lines] if lines else []
    runs: list[list[Line]] = []
    band_left: list[Line] = []
    band_right: list[Line] = []
    wide: list[Line] | None = None  # the full-width lines read since the last band
    for line in lines:
        if line in left or line in right:
            (band_left if line in left else band_right).append(line)
            wide = None
        elif wide is not None:  # an abstract across the page: one run, not a run a line
            wide.append(line)
        else:  # full width: ends the band above it
            runs.extend(run for run in (band_left, band_right) if run)
            band_left, band_right = [], []
            wide = [line]
            runs.append(wide)
    runs.extend(run for run in (band_left, band_right) if run)
    return runs


def shared_start(lines: list[Line]) -> bool:
    """Most lines start at one x: a column, not scattered short lines."""
    starts = Counter(round(line.x0) for line in lines)
    common = sum(n for x, n in starts.items() if abs(x - starts.most_common(1)[0][0]) <= 2)
    return common >= 0.5 * len(lines)
