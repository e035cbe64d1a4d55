"""Browsing the archive as a journal archive is browsed: by journal, then volume and issue (each
issue a table of contents in page order), by year, by author; the latest additions.

Works on a catalog (every article's record, without its passages) and knows nothing of HTTP."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from .models import Article
from .models import slug as models_slug

PAGE_SIZE = 50  # articles or names on one browse page
LATEST = 8  # latest additions on the home page
NO_JOURNAL = "Other articles"  # the shelf of articles that name no journal


@dataclass(frozen=True)
class Entry:
    """One article in the catalog, and when it was indexed."""

    article: Article
    indexed: str = ""


@dataclass(frozen=True)
class Shelf:
    """A group of articles with a name and an address: a journal, an issue, a year, an author."""

    key: str
    name: str
    count: int
    years: tuple[int, int] | None = None  # first and last year of its articles


@dataclass(frozen=True)
class Page:
    items: tuple
    page: int
    pages: int
    total: int


def slug(text: str) -> str:
    """An address for a name: 'Comparative Connections' -> 'comparative-connections'."""
    return models_slug(text) or "untitled"


def page_of(items: list, page: int, size: int | None = None) -> Page:
    """One page of a list (past the last page is the last page)."""
    size = size or PAGE_SIZE
    pages = max(1, math.ceil(len(items) / size))
    page = max(1, min(page, pages))
    return Page(tuple(items[(page - 1) * size : page * size]), page, pages, len(items))


def years_of(entries: list[Entry]) -> tuple[int, int] | None:
    years = [e.article.year for e in entries if e.article.year]
    return (min(years), max(years)) if years else None


def journal_of(article: Article) -> str:
    """The article's journal as shelves group it: its name in any case and spacing ("PLoS ONE"
    and "PLOS ONE" are one journal, as its publisher's renaming made it)."""
    return journal_name_key(article.journal or NO_JOURNAL)


def journal_name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def journals(catalog: list[Entry]) -> list[Shelf]:
    """Every journal, most articles first (articles without one on a shelf of their own, last),
    named as most of its articles name it (the latest spelling on a tie)."""
    grouped = defaultdict(list)
    for entry in catalog:
        grouped[journal_of(entry.article)].append(entry)
    named = [(_shelf_name(entries), entries) for entries in grouped.values()]
    named.sort(key=lambda item: (item[0] == NO_JOURNAL, -len(item[1]), item[0].lower()))
    keys = unique_keys([name for name, _ in named])
    return [Shelf(keys[name], name, len(entries), years_of(entries)) for name, entries in named]


def _shelf_name(entries: list[Entry]) -> str:
    spellings: Counter[str] = Counter()
    latest: dict[str, str] = {}
    for entry in entries:
        name = entry.article.journal or NO_JOURNAL
        spellings[name] += 1
        latest[name] = max(latest.get(name, ""), entry.article.date or "")
    return max(spellings, key=lambda name: (spellings[name], latest[name], name))


def unique_keys(names: list[str]) -> dict[str, str]:
    """An address for each name; names that slug alike ('Asia Policy', 'Asia-Policy') get -2, -3."""
    keys: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        key, n = slug(name), 1
        while key in taken:
            n += 1
            key = f"{slug(name)}-{n}"
        taken.add(key)
        keys[name] = key
    return keys


def find_shelf(shelves: list[Shelf], key: str) -> Shelf | None:
    return next((s for s in shelves if s.key == key), None)


@dataclass(frozen=True)
class Issue:
    volume: str | None
    issue: str | None
    date: str | None
    count: int

    @property
    def key(self) -> str:
        """'v21-n2' for volume 21, issue 2; 'v21' without an issue, 'n4' without a volume, 'none'."""
        parts = [f"v{slug(self.volume)}" if self.volume else "", f"n{slug(self.issue)}" if self.issue else ""]
        return "-".join(part for part in parts if part) or "none"


def issues(catalog: list[Entry], journal: str) -> list[Issue]:
    """A journal's issues, newest first (by volume and issue number, then date)."""
    grouped = defaultdict(list)
    wanted = journal_name_key(journal)
    for entry in catalog:
        if journal_of(entry.article) == wanted:
            grouped[(entry.article.volume, entry.article.issue)].append(entry.article)
    found = [
        Issue(volume, issue, max((a.date for a in articles if a.date), default=None), len(articles))
        for (volume, issue), articles in grouped.items()
    ]
    return sorted(found, key=lambda i: (number(i.volume), number(i.issue), i.date or ""), reverse=True)


def number(text: str | None) -> tuple[int, str]:
    """A volume or issue number for sorting: numbers as numbers, other labels after them."""
    digits = re.match(r"\d+", text or "")
    return (int(digits[0]) if digits else -1, text or "")


def issue_contents(catalog: list[Entry], journal: str, key: str) -> list[Article]:
    """An issue's table of contents: its articles in page order (then by title)."""
    found = [i for i in issues(catalog, journal) if i.key == key]
    if not found:
        return []
    volume, issue = found[0].volume, found[0].issue
    wanted = journal_name_key(journal)
    articles = [
        e.article
        for e in catalog
        if journal_of(e.article) == wanted and (e.article.volume, e.article.issue) == (volume, issue)
    ]
    return sorted(articles, key=lambda a: (a.first_page is None, a.first_page or 0, a.title.lower()))


def years(catalog: list[Entry]) -> list[Shelf]:
    """Every year with articles, newest first."""
    counts = Counter(e.article.year for e in catalog if e.article.year)
    return [Shelf(str(year), str(year), n, (year, year)) for year, n in sorted(counts.items(), reverse=True)]


def in_year(catalog: list[Entry], year: int) -> list[Article]:
    """A year's articles, in the order they appeared."""
    found = [e.article for e in catalog if e.article.year == year]
    return sorted(found, key=lambda a: (a.date or "", a.journal or "", a.first_page or 0, a.title.lower()))


def authors(catalog: list[Entry]) -> list[Shelf]:
    """Every author (people by family name, institutions by name), with their article counts."""
    counts: Counter = Counter()
    names: dict[str, str] = {}
    sort_keys: dict[str, str] = {}
    for entry in catalog:
        for author in entry.article.authors:
            key = slug(author.name)
            counts[key] += 1
            names.setdefault(key, author.name)
            sort_keys.setdefault(key, f"{author.family or author.name} {author.given or ''}".lower())
    return [Shelf(key, names[key], counts[key]) for key in sorted(counts, key=lambda k: sort_keys[k])]


def by_author(catalog: list[Entry], key: str) -> list[Article]:
    """An author's articles, newest first."""
    found = [e.article for e in catalog if any(slug(a.name) == key for a in e.article.authors)]
    by_title = sorted(found, key=lambda a: a.title.lower())
    return sorted(by_title, key=lambda a: a.date or "", reverse=True)  # stable: titles in order


def latest(catalog: list[Entry], count: int | None = None) -> list[Article]:
    """The articles indexed last (newest first; by date among those indexed together)."""
    count = count or LATEST
    ordered = sorted(catalog, key=lambda e: (e.indexed, e.article.date or ""), reverse=True)
    return [e.article for e in ordered[:count]]
