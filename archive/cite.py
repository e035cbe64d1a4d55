"""Passage + Article -> citations: the CSL-JSON item and its locators, rendered by citeproc-js.

Every styled string is citeproc-js's output (archive/citeproc_js.py) for the CSL-JSON item the
archive also offers for download: Chicago notes-bibliography, APA 7 and MLA 9 ship with the archive
and any other CSL style is found by id (archive/styles.py). Tests compare the strings with
citeproc-js run in Node on the same items (tools/csl/generate.js -> tests/citations/expected.json).
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .citeproc_js import engine
from .models import Article, Author, Passage
from .names import csl_person
from .styles import Style, find_style

# The citation panel's styles by their short names.
STYLES = {"chicago": "chicago-notes-bibliography", "apa": "apa", "mla": "modern-language-association"}
FORMATS = (*STYLES, "bibtex", "ris", "csl-json")
CSL_ENTRY = re.compile(r'^<div class="csl-entry">|</div>$')
# A style that inverts every name (name-as-sort-order="all") and initialises given names.
INVERTS = re.compile(r'name-as-sort-order="all"')
INITIALISES = re.compile(r"initialize-with=")
MONTHS = "January February March April May June July August September October November December".split()
# Words a BibTeX key skips at the start of a title (citeproc-js's CSL.SKIP_WORDS).
SKIP_WORDS = frozenset(
    "about above across afore after against al along alongside amid amidst among amongst anenst apropos apud "
    "around as aside astride at athwart atop barring before behind below beneath beside besides between beyond "
    "but by circa despite down during et except for forenenst from given in inside into lest like modulo near "
    "next notwithstanding of off on onto out over per plus pro qua sans since than through thru throughout "
    "thruout till to toward towards under underneath until unto up upon versus vs. v. vs v via vis-à-vis with "
    "within without or yet so and nor a an the de d' von van c ca".split()
)


@dataclass(frozen=True)
class Locator:
    """Where in the article: a page (or range), a paragraph or a figure."""

    label: str  # "page", "paragraph" or "figure"
    value: str  # "115", "113-114", "14"


@dataclass(frozen=True)
class Citation:
    """One style's short citation (note or in-text) and full entry, as citeproc-js's HTML (with
    <i>, <b>, <sup>) and its plain text."""

    style: str
    citation: str
    entry: str
    citation_text: str
    entry_text: str


# --- CSL-JSON -------------------------------------------------------------------------------


def csl_name(author: Author) -> dict:
    return csl_person(author)


def date_parts(date: str | None) -> list[int] | None:
    if not date:
        return None
    parts = [int(p) for p in date.split("-") if p.isdigit()]
    return parts or None


def csl_item(article: Article) -> dict:
    """The article as a CSL-JSON item: its type (article-journal unless the source says
    otherwise) and every field the source states."""
    item: dict = {"id": article.id, "type": article.type or "article-journal", "title": article.title}
    if article.authors:
        item["author"] = [csl_name(a) for a in article.authors]
    optional = {
        "container-title": article.journal,
        "volume": article.volume,
        "issue": article.issue,
        "page": page_range(article),
        "language": article.language,
        "DOI": article.doi,
        "URL": article.url,
        # A blog or site that publishes itself is named once (Chicago printed "Lil'Log, Lil'Log")
        "publisher": article.publisher if not same_name(article.publisher, article.journal) else None,
        "abstract": article.description,
    }
    item.update({k: v for k, v in optional.items() if v})
    if parts := date_parts(article.date):
        item["issued"] = {"date-parts": [parts]}
    if parts := date_parts(article.accessed):
        item["accessed"] = {"date-parts": [parts]}
    for name, value in article.csl_extra.items():  # what the source states beyond these
        item.setdefault(name, value)
    return item


def same_name(a: str | None, b: str | None) -> bool:
    return bool(a and b) and a.casefold().strip() == b.casefold().strip()


def page_range(article: Article) -> str | None:
    if article.first_page is None:
        return None
    if article.last_page in (None, article.first_page):
        return str(article.first_page)
    return f"{article.first_page}-{article.last_page}"


def locators(passage: Passage) -> list[Locator]:
    """Every way to point at a passage, the page first when it is known."""
    found = []
    if passage.page_start is not None:
        end = passage.page_end if passage.page_end not in (None, passage.page_start) else None
        found.append(Locator("page", f"{passage.page_start}-{end}" if end else str(passage.page_start)))
    if passage.kind in ("figure", "note"):
        found.append(Locator(passage.kind, str(passage.ordinal)))
    elif passage.number is not None:
        found.append(Locator("paragraph", str(passage.number)))
    return found


LOCATOR_KINDS = ("page", "paragraph")  # what a user may ask to cite by


def locator_of(passage: Passage, kind: str | None = None) -> Locator | None:
    """The locator of the asked kind ('paragraph' also means a figure's or a note's number),
    else the first one known (the page when there is one)."""
    options = locators(passage)
    if kind == "paragraph":
        return next((o for o in options if o.label != "page"), None)
    if kind == "page":
        return next((o for o in options if o.label == "page"), None)
    return options[0] if options else None


def csl_citation(article: Article, locator: Locator | None) -> dict:
    """The CSL-JSON item plus the citation item that points into it."""
    cite = {"id": article.id}
    if locator:
        cite.update(locator=locator.value, label=locator.label)
    return {"item": csl_item(article), "citation": cite}


# --- rendering: citeproc-js ----------------------------------------------------------------


def _for_style(item: dict, style: Style) -> dict:
    """The item as a style gets it. Names written family name first carry "static-ordering" so
    that Chicago and MLA print "Yu Bin"; a style that inverts and initialises every name (APA:
    "Yu, B.") gets them without it, because citeproc-js drops that comma for static-ordering names
    ("Yu B."). This is the one adjustment; tools/csl/generate.js makes the same."""
    if not _inverts_and_initialises(style.xml()):
        return item
    names = [{k: v for k, v in name.items() if k != "static-ordering"} for name in item.get("author", [])]
    return {**item, "author": names} if names else item


@cache
def _inverts_and_initialises(xml: str) -> bool:
    """Read once per style text (this runs for every citation rendered)."""
    return bool(INVERTS.search(xml) and INITIALISES.search(xml))


def format_citation(style: str, item: dict, locator: Locator | None, corpus: Path | None = None) -> Citation:
    """One item's citation at a locator, and its bibliography entry, in any CSL style (by id or
    short name), exactly as citeproc-js prints them."""
    found = find_style(STYLES.get(style, style), corpus)
    return _citation(style, engine().render(found, [_for_style(item, found)], [_cite(item, locator)]))


def _cite(item: dict, locator: Locator | None) -> dict:
    cite = {"id": item["id"]}
    if locator:
        cite.update(locator=locator.value, label=locator.label)
    return cite


def _citation(style: str, rendered) -> Citation:
    entry_html = rendered.entries_html[0] if rendered.entries_html else ""
    return Citation(
        style,
        rendered.citation_html or "",
        CSL_ENTRY.sub("", entry_html).strip(),
        rendered.citation_text or "",
        rendered.entries_text[0] if rendered.entries_text else "",
    )


def citations(
    article: Article,
    locator: Locator | None,
    styles: tuple[str, ...] = tuple(STYLES),
    corpus: Path | None = None,
) -> dict[str, Citation]:
    """The article's citation at one locator in each style (Chicago, APA and MLA by default)."""
    return citation_table(article, (locator,), styles, corpus)[locator]


def citation_table(
    article: Article,
    locators: tuple[Locator | None, ...],
    styles: tuple[str, ...] = tuple(STYLES),
    corpus: Path | None = None,
    known: Mapping | None = None,
) -> dict[Locator | None, dict[str, Citation]]:
    """The article's citation at each locator in each style, rendered together (see
    citeproc_js.Engine.render_many); `known`: its parts stored by a build (citation_parts)."""
    item = csl_item(article)
    found = {style: find_style(STYLES.get(style, style), corpus) for style in styles}
    requests = [
        (found[s], [_for_style(item, found[s])], [_cite(item, place)]) for place in locators for s in styles
    ]
    rendered = iter(engine().render_many(requests, known))
    return {place: {style: _citation(style, next(rendered)) for style in styles} for place in locators}


def citation_parts(
    article: Article, styles: tuple[str, ...] = tuple(STYLES), corpus: Path | None = None
) -> bytes:
    """What citing any passage of the article in the shipped styles takes, rendered now: each
    style's bibliography entry and its citations at the template numbers, for each kind of
    locator the passages have (see citeproc_js.TEMPLATE_NUMBERS). A build stores them, so that a
    passage's page calls no V8 (7 ms of CPU for an article's first page). They are keyed by the
    style file and the item, so a changed style or article is rendered anew."""
    kinds = sorted({place.label for passage in article.passages for place in locators(passage)})
    examples = [Locator(kind, "1") for kind in kinds] or [None]
    item = csl_item(article)
    found = [find_style(STYLES.get(style, style), corpus) for style in styles]
    requests = [
        (style, [_for_style(item, style)], [_cite(item, place)]) for place in examples for style in found
    ]
    parts = engine().parts(requests)
    return zlib.compress(json.dumps([[f, list(key), value] for (f, key), value in parts.items()]).encode(), 6)


def stored_parts(data: bytes | None) -> dict:
    """citation_parts' bytes as citation_table's `known` ({} for none, or for what it cannot read)."""
    if not data:
        return {}
    try:
        return {(f, tuple(key)): value for f, key, value in json.loads(zlib.decompress(data))}
    except (zlib.error, ValueError, TypeError):
        return {}


SAMPLE_ITEM = {
    "id": "sample",
    "type": "article-journal",
    "title": "Sample",
    "issued": {"date-parts": [[2000]]},
}


def check_style(style: str, corpus: Path | None = None) -> None:
    """Raise StyleNotFound or CiteprocError unless the style exists and citeproc-js renders it
    (a sample citation, cached like any other)."""
    format_citation(style, SAMPLE_ITEM, Locator("page", "1"), corpus)


def warm_citations() -> None:
    """Build the engines of the shipped styles now (a server worker calls this at start)."""
    for style in STYLES:
        check_style(style)


def bibliography(
    articles: list[Article], style: str, corpus: Path | None = None
) -> tuple[list[str], list[str]]:
    """The bibliography of several articles in a style, sorted as the style sorts: HTML and text."""
    found = find_style(STYLES.get(style, style), corpus)
    items = [_for_style(csl_item(a), found) for a in articles]
    rendered = engine().render(found, items, [])
    return [CSL_ENTRY.sub("", e).strip() for e in rendered.entries_html], list(rendered.entries_text)


# --- permalinks -----------------------------------------------------------------------------


def text_fragment(text: str, words: int = 8) -> str:
    """A Text Fragment directive (#:~:text=start,end) that browsers scroll to and highlight."""
    from urllib.parse import quote

    tokens = text.split()
    if len(tokens) <= 2 * words:
        return ":~:text=" + quote(text, safe="")
    start, end = " ".join(tokens[:words]), " ".join(tokens[-words:])
    return f":~:text={quote(start, safe='')},{quote(end, safe='')}"
