"""PDF articles: the text a reader sees, in reading order, with the printed page numbers.

PDFium (through pypdfium2, Apache-2.0/BSD) gives every character with its box, baseline, size and
font; the layout analysis is ours, and works from geometry alone:

- characters -> lines (by baseline; a gap wider than a column gutter splits a row in two; small
  raised digits are note calls);
- running headers and footers (lines at the top or bottom of pages whose text, digits aside,
  repeats on many pages) and bare page numbers are removed;
- columns: a page whose lines fall on either side of a common gutter is read left column first;
- a side column: a narrow column of short lines left of the text (JOSS's sidebar: DOI, Submitted,
  Published, License) is set apart, never read into the text; its publication date is the article's;
- lines -> blocks: a new paragraph after a larger gap, at a first-line indent, or after a line
  that stopped before the next one's first word; a heading is a short line in a larger or bold font; a paragraph broken
  by a page or a column is joined again; words hyphenated at line ends are rejoined unless the
  document writes them with the hyphen;
- footnotes (small text at the foot of a page, starting with their number) become notes;
- printed pages: from the PDF's page labels, else from the page numbers printed in headers or
  footers (a sequence consistent over the document), else the page order.

Modules: lines.py (characters -> lines), pages.py (furniture, page numbers, footnotes, columns),
blocks.py (lines -> blocks); this one reads the document and its metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pypdfium2 as pdfium

from ...dates import parse_issue_date
from ...metadata import Metadata, clean_doi
from ...names import author_from_name, names_and_et_al
from ...walk import Block
from .blocks import HEADING_SIZE, Assembler, vocabulary
from .lines import Line, _Fonts, document_lines, page_chars
from .pages import (
    PAGE_ORDER,
    Page,
    body_font_size,
    printed_pages,
    reading_order,
    remove_furniture,
    take_footnotes,
)
from .xmp import is_account_name, is_placeholder, xmp_metadata

MAX_PAGES = 2000  # a longer PDF is a book or a scan bundle, not an article
MAX_CHARS = 5_000_000  # characters in the whole document
PUBLISHED = re.compile(r"(?i)published(?: online)?\s*:?\s*(.+)")
VOLUME_ISSUE = re.compile(r"\bVol(?:ume)?\.?\s*(\d+)\s*,?\s*(?:No|Number|Issue|Iss)\.?\s*(\d+)", re.I)
MAX_BYLINE_WORDS = 12
# Headings that open an article's text: never part of the byline above them.
FRONT_HEADING = re.compile(
    r"^(?:\d+(?:\.\d+)*\.?\s+\S|abstract|summary|introduction|contents|keywords|key words|executive summary)",
    re.I,
)
# What stands before "Vol. 3, No. 2" when it is a journal's name (not a date or a page number).
JOURNAL = re.compile(r"^[^\W\d_][\w&'’.:, -]{2,120}$")


@dataclass
class PdfArticle:
    blocks: list[Block]
    metadata: list[Metadata]  # layers, the later winning (as parse.py merges every format's)
    page_source: str
    first_page: int | None  # the first printed page the passages carry


class PdfError(ValueError):
    """A PDF that cannot be read; the message says why."""


def read_pdf(data: bytes) -> PdfArticle:
    """A PDF's blocks in reading order (each with its printed pages), its metadata, and where its
    page numbers came from. Raises PdfError for a file PDFium cannot open or that has no text."""
    pages, labels, info = load_pages(data)
    if not any(page.lines for page in pages):
        raise PdfError("it has no text layer (a scanned PDF needs OCR first)")
    body_size = body_font_size(pages)
    remove_furniture(pages, body_size)
    numbers, page_source = printed_pages(pages, labels)
    for page, number in zip(pages, numbers, strict=True):
        page.number = number
    for page in pages:
        take_footnotes(page, body_size)
    byline = take_byline(pages, body_size)
    ordered = [reading_order(page) for page in pages]
    blocks = Assembler(body_size, vocabulary(pages)).run(pages, ordered)
    # Later layers win: what the first page prints, the Info dictionary, the XMP packet; then the
    # page range the passages carry, unless it is only the page order (XMP's pages win over that).
    metadata = [page_metadata(pages, body_size, byline), info_metadata(info), xmp_metadata(data)]
    printed = [number for number in numbers if number is not None]
    pages_layer = Metadata(label="PDF pages")
    if printed:
        pages_layer.update(first_page=printed[0], last_page=printed[-1])
    if page_source == PAGE_ORDER:
        metadata.insert(0, pages_layer)
    else:
        metadata.append(pages_layer)
    return PdfArticle(blocks, metadata, page_source, printed[0] if printed else None)


def load_pages(data: bytes) -> tuple[list[Page], list[str], dict]:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        reason = "it is encrypted with a password" if "password" in str(error).lower() else str(error)
        raise PdfError(f"it cannot be read as a PDF ({reason})") from None
    try:
        count = len(pdf)
        if count == 0:
            raise PdfError("it has no pages")
        if count > MAX_PAGES:
            raise PdfError(f"it has {count:,} pages, over the limit of {MAX_PAGES:,} for one article")
        fonts, page_chars_read, sizes, total = _Fonts(), [], [], 0
        for index in range(count):
            page = pdf[index]
            try:
                width, height = page.get_size()
                textpage = page.get_textpage()
                try:
                    chars = page_chars(textpage.raw, fonts)
                finally:
                    textpage.close()
            finally:
                page.close()
            total += len(chars)
            if total > MAX_CHARS:
                raise PdfError(f"it holds over {MAX_CHARS:,} characters, more than one article")
            page_chars_read.append(chars)
            sizes.append((width, height))
        pages = [
            Page(None, width, height, lines, gutter=gutter, side=side)
            for (width, height), (lines, gutter, side) in zip(
                sizes, document_lines(page_chars_read), strict=True
            )
        ]
        for page in pages:  # a side column's lines are facts about the article, not its text
            if page.side is not None:
                page.sidebar = [line for line in page.lines if line.x1 <= page.side]
                page.lines = [line for line in page.lines if line.x1 > page.side]
        labels = [pdf.get_page_label(i) for i in range(count)]
        info = pdf.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError as error:  # a page or a dictionary PDFium cannot read
        raise PdfError(f"part of it cannot be read ({error})") from None
    finally:
        pdf.close()
    return pages, labels, info


def take_byline(pages: list[Page], body_size: float) -> list[Line]:
    """The short lines right under the printed title, set larger than the text and smaller than
    the title (LaTeX's author and date): taken out of the text, for the metadata."""
    lines = sorted(pages[0].lines, key=lambda line: -line.baseline)
    title = printed_title_lines(pages, body_size)
    if not title:
        return []
    byline: list[Line] = []
    for line in lines[lines.index(title[-1]) + 1 :]:
        if (
            not (body_size * 1.05 < line.size < title[0].size)
            or line.words > MAX_BYLINE_WORDS
            or FRONT_HEADING.match(line.text)
        ):
            break
        byline.append(line)
    pages[0].lines = [line for line in pages[0].lines if line not in byline]
    return byline


def page_metadata(pages: list[Page], body_size: float, byline: list[Line]) -> Metadata:
    """What the first page prints: the title, the authors and date under it, the journal's line
    with its volume and issue, a DOI."""
    meta = Metadata(label="PDF first page")
    for line in byline:
        if (date := parse_issue_date(line.text)) and not meta.date:
            meta.update(date=date)
        elif not meta.authors:
            names, et_al = names_and_et_al(line.text)
            people = [n for n in names if 2 <= len(n.split()) <= 4 and n[:1].isupper()]
            if people:
                meta.update(authors=[author_from_name(n) for n in people], authors_et_al=et_al)
    first = pages[0]
    for line in first.sidebar:  # JOSS: "Published: 16 July 2018"
        if (found := PUBLISHED.match(line.text)) and (date := parse_issue_date(found[1])):
            meta.update(date=date)
    lines = sorted(first.lines + first.edges + first.sidebar, key=lambda line: -line.baseline)
    meta.update(doi=clean_doi(" ".join(line.text for line in lines)))
    for line in lines:
        if volume := VOLUME_ISSUE.search(line.text):
            journal = line.text[: volume.start()].strip(" ,.;:|–—-")
            meta.update(
                volume=volume[1], issue=volume[2], journal=journal if JOURNAL.match(journal) else None
            )
            break
    meta.update(title=printed_title(pages, body_size))
    return meta


def info_metadata(info: dict) -> Metadata:
    """What the PDF's Info dictionary says, placeholders ("Microsoft Word - draft.docx") aside."""
    meta = Metadata(label="PDF properties")
    title = " ".join((info.get("Title") or "").split())
    if not is_placeholder(title):
        meta.update(title=title)
    author = (info.get("Author") or "").strip()
    if not is_placeholder(author) and not is_account_name(author):
        names, et_al = names_and_et_al(author)
        meta.update(authors=[author_from_name(n) for n in names], authors_et_al=et_al)
    return meta


def printed_title(pages: list[Page], body_size: float) -> str | None:
    lines = printed_title_lines(pages, body_size)
    return " ".join(line.text for line in lines) if lines else None


def printed_title_lines(pages: list[Page], body_size: float) -> list[Line]:
    """The first page's largest line (and the lines of that size right below it), when no later
    page uses that size: a title, not the first of many section headings."""
    first = sorted(pages[0].lines, key=lambda line: -line.baseline)
    if not first:
        return []
    size = max(line.size for line in first)
    if size < HEADING_SIZE * body_size or any(line.size == size for page in pages[1:] for line in page.lines):
        return []
    start = next(i for i, line in enumerate(first) if line.size == size)
    lines = [first[start]]
    for line in first[start + 1 :]:
        if line.size != size or lines[-1].baseline - line.baseline > 2 * size:
            break
        lines.append(line)
    return lines
