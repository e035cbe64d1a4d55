"""Article metadata: the journal's citation note, the ALL-CAPS header, front matter and sidecars."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date as Date
from pathlib import Path

from .dates import MAX_YEAR, MIN_YEAR, parse_issue_date
from .models import Author
from .names import author_from_name, csl_person, names_and_et_al, smart_title, split_names, unique_authors

SIDECAR_FIELDS = frozenset(
    "title authors author journal journal_subtitle relation volume issue date first_page last_page pages "
    "period language description type doi url publisher container-title site accessed pdf_url".split()
)
# CSL-JSON variables (CSL 1.0.2): those the archive reads into its own fields, and the others,
# which are carried into the CSL-JSON item as the source states them.
HANDLED_VARIABLES = frozenset(
    "title author container-title volume issue page issued accessed DOI URL publisher language "
    "abstract type id".split()
)
CSL_NAME_VARIABLES = frozenset(
    """chair collection-editor compiler composer container-author contributor curator director editor
    editorial-director executive-producer guest host illustrator interviewer narrator organizer
    original-author performer producer recipient reviewed-author script-writer series-creator
    translator""".split()
)
CSL_DATE_VARIABLES = frozenset("available-date event-date original-date submitted".split())
CSL_TEXT_VARIABLES = frozenset(
    """annote archive archive_collection archive_location archive-place authority call-number
    chapter-number citation-key collection-number collection-title container-title-short dimensions
    division edition event event-title event-place genre ISBN ISSN jurisdiction keyword license
    medium note number number-of-pages number-of-volumes original-publisher original-publisher-place
    original-title part part-title PMCID PMID printing publisher-place references reviewed-genre
    reviewed-title scale section source status supplement title-short version volume-title""".split()
)
CSL_CASE = {name.lower(): name for name in CSL_TEXT_VARIABLES | {"DOI", "URL"}}
MAX_EXTRA_KEYS = 200  # front-matter keys looked at for CSL variables

# CSL item types the archive cites, and the names sources give them.
CSL_TYPES = frozenset(
    "article-journal report webpage post-weblog article-magazine article-newspaper chapter article "
    "book thesis paper-conference speech interview manuscript".split()
)
TYPE_ALIASES = {
    "journal article": "article-journal", "journal": "article-journal", "scholarlyarticle": "article-journal",
    "web page": "webpage", "web": "webpage", "page": "webpage",
    "blog post": "post-weblog", "blog": "post-weblog", "post": "post-weblog", "blogposting": "post-weblog",
    "magazine": "article-magazine", "magazine article": "article-magazine",
    "newspaper": "article-newspaper", "news": "article-newspaper", "newsarticle": "article-newspaper",
    "newspaper article": "article-newspaper", "news article": "article-newspaper",
    "working paper": "report", "brief": "report", "policy brief": "report", "techreport": "report",
    "book chapter": "chapter",
    # Crossref's names (a DOI's metadata, JATS article-type) for the same types
    "journal-article": "article-journal", "research-article": "article-journal", "review-article": "article-journal",
    "book-chapter": "chapter", "proceedings-article": "paper-conference", "dissertation": "thesis",
}  # fmt: skip

_EXTRACTED = re.compile(
    r"This article is extracted from (?P<journal>[^:,]+?)(?::\s*(?P<subtitle>[^,]+?))?,\s*"
    r"Vol\.?\s*(?P<volume>\w+),\s*No\.?\s*(?P<issue>\w+),\s*(?P<date>[^.]+?\d{4})\.?",
    re.IGNORECASE,
)
_CITATION = re.compile(
    r"Preferred citation:\s*(?P<authors>[^“\"]+?),?\s*[“\"](?P<title>.+?),?[”\"],?\s*"
    r"(?P<journal>[^,]+),\s*Vol\.?\s*(?P<volume>\w+),\s*No\.?\s*(?P<issue>\w+)"
    r"(?:,\s*pp?\.?\s*(?P<first>\d+)\s*[-–]\s*(?P<last>\d+))?",
    re.IGNORECASE,
)
# Limits on metadata values: a real article never comes near them, and beyond them a value is
# a template or an attack (a 100,000-digit volume). Longer values are dropped with a warning.
MAX_SHORT_FIELD = 32  # volume, issue
MAX_TEXT_FIELD = 2000  # title, journal, description, …
MAX_AUTHORS = 500
MAX_PAGE = 1_000_000
SHORT_FIELDS = ("volume", "issue")
TEXT_FIELDS = (
    "title", "journal", "journal_subtitle", "relation", "period", "language", "description",
    "publisher", "doi", "url", "pdf_url",
)  # fmt: skip
# Metadata attributes that are bookkeeping, not values of the article.
NOT_VALUES = frozenset({"problems", "label", "sources"})
DOI = re.compile(r"\b(10\.\d{4,9}/\S*[^\s.,;)\]])")

NOTE_START = re.compile(r"^(This article is extracted from|Preferred citation:)", re.IGNORECASE)


@dataclass
class Metadata:
    """Article fields as they are gathered; later sources override earlier ones."""

    title: str | None = None
    authors: list[Author] = field(default_factory=list)
    journal: str | None = None
    journal_subtitle: str | None = None
    relation: str | None = None
    volume: str | None = None
    issue: str | None = None
    date: str | None = None
    first_page: int | None = None
    last_page: int | None = None
    period: str | None = None
    language: str | None = None
    description: str | None = None
    type: str | None = None
    doi: str | None = None
    url: str | None = None
    publisher: str | None = None
    accessed: str | None = None
    pdf_url: str | None = None
    authors_et_al: bool = False
    extra: dict = field(default_factory=dict)  # other CSL variables the source states
    # Where the values came from ("front matter", "Highwire tags", …), for check's report.
    label: str = field(default="", compare=False)
    sources: dict[str, str] = field(default_factory=dict, compare=False)
    # What was wrong with the source's values (dropped, so never indexed): check's warnings.
    problems: list[str] = field(default_factory=list, compare=False)

    def update(self, **values) -> None:
        for name, value in values.items():
            if value not in (None, "", [], False):
                setattr(self, name, value)

    def absorb(self, layer: Metadata, values: dict) -> None:
        """Take a later (stronger) source's values, remembering where each came from."""
        extra = values.pop("extra", None) or {}
        self.extra.update(extra)
        self.sources.update({name: layer.label or "text" for name in extra})
        for name, value in values.items():
            if value not in (None, "", [], False):
                setattr(self, name, value)
                self.sources[name] = layer.sources.get(name) or layer.label or "text"
        self.problems.extend(layer.problems)

    def set_date(self, raw, source: str) -> None:
        """The date from a source's raw value, or a problem saying why it was dropped."""
        if raw in (None, ""):
            return
        parsed = parse_issue_date(raw)
        if parsed is None:
            shown = str(raw)[:40]
            self.problems.append(
                f"{source} date {shown!r} is not a real date between {MIN_YEAR} and {MAX_YEAR} "
                "(YYYY, YYYY-MM or YYYY-MM-DD); ignored"
            )
        self.update(date=parsed)

    def validate(self) -> Metadata:
        """Drop values no real article has (see the MAX_ constants); each drop is a problem."""
        for name in SHORT_FIELDS + TEXT_FIELDS:
            value = getattr(self, name)
            limit = MAX_SHORT_FIELD if name in SHORT_FIELDS else MAX_TEXT_FIELD
            if value is not None and len(value) > limit:
                self.problems.append(f"{name} is {len(value):,} characters long (over {limit}); ignored")
                setattr(self, name, None)
        for name in ("first_page", "last_page"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= MAX_PAGE:
                self.problems.append(f"{name} {value} is not a page number; ignored")
                setattr(self, name, None)
        if self.first_page is not None and self.last_page is not None and self.last_page < self.first_page:
            self.problems.append(f"pages {self.first_page}-{self.last_page} end before they start; ignored")
            self.first_page = self.last_page = None
        self.authors = unique_authors(self.authors)
        if len(self.authors) > MAX_AUTHORS:
            self.problems.append(
                f"{len(self.authors)} authors (over {MAX_AUTHORS}); the first {MAX_AUTHORS} kept"
            )
            self.authors = self.authors[:MAX_AUTHORS]
        return self


def metadata_from_note(text: str) -> Metadata:
    """Fields from the journal's 'This article is extracted from … Preferred citation: …' note."""
    meta = Metadata(label="citation note")
    if match := _EXTRACTED.search(text):
        meta.update(
            journal=match["journal"].strip(),
            journal_subtitle=(match["subtitle"] or "").strip() or None,
            volume=match["volume"],
            issue=match["issue"],
        )
        meta.set_date(match["date"], "citation note")
    if match := _CITATION.search(text):
        meta.update(
            title=match["title"].strip(),
            authors=[author_from_name(n) for n in split_names(match["authors"])],
            journal=meta.journal or match["journal"].strip(),
            volume=match["volume"],
            issue=match["issue"],
            first_page=int(match["first"]) if match["first"] else None,
            last_page=int(match["last"]) if match["last"] else None,
        )
    return meta


def _clean_header(text: str) -> str:
    # PDF extraction leaves "CHINA- RUSSIA": a hyphen followed by a space inside a compound.
    return re.sub(r"(\w)- (\w)", r"\1-\2", " ".join(text.split()))


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def metadata_from_header(blocks: list[str], note: Metadata) -> Metadata:
    """Fields from the ALL-CAPS header blocks, using the citation note for casing and names."""
    blocks = [_clean_header(b) for b in blocks]
    meta = Metadata()
    if note.journal:  # the journal's name may be printed over several lines
        for n in range(1, len(blocks) + 1):
            if _squash(" ".join(blocks[:n])) == _squash(note.journal):
                blocks = blocks[n:]
                break
    if note.journal_subtitle and blocks and _squash(blocks[0]) == _squash(note.journal_subtitle):
        blocks = blocks[1:]
    authors: list[Author] = []
    known = {_squash(a.name): a for a in note.authors}
    while blocks and _looks_like_byline(blocks[-1], known):
        authors[:0] = _byline_authors(blocks.pop(), known)
    if authors:
        meta.authors = authors
    if blocks:
        title = blocks.pop()
        meta.title = (
            note.title if note.title and _squash(note.title) == _squash(title) else smart_title(title)
        )
    if blocks:
        meta.relation = smart_title(" ".join(blocks[-1:]))
        if not note.journal and len(blocks) > 1:
            meta.journal = smart_title(" ".join(blocks[:-1]))
    return meta


def _looks_like_byline(block: str, known: dict[str, Author]) -> bool:
    name = block.split(",")[0]
    if known:
        return any(_squash(part) in known for part in split_names(name))
    return "," in block and 2 <= len(name.split()) <= 4


def _byline_authors(block: str, known: dict[str, Author]) -> list[Author]:
    """'YU BIN, WITTENBURG UNIVERSITY' -> [Author('Yu Bin', affiliation='Wittenburg University')]."""
    lines = [line for line in re.split(r"\s{2,}|\n", block) if line.strip()] or [block]
    authors = []
    for line in lines:
        name, _, affiliation = line.partition(",")
        affiliation = smart_title(affiliation.strip()) if affiliation.strip() else None
        for part in split_names(name):
            base = known.get(_squash(part)) or author_from_name(part)
            authors.append(replace(base, affiliation=affiliation))
    return authors


def metadata_from_front_matter(data: dict, source: str = "front matter") -> Metadata:
    """Front matter of Jekyll, Hugo, Pandoc, Quarto and Pelican (and sidecars, which use the same
    names): title, authors, date, journal or site, pages, DOI, URL, publisher, CSL item type."""
    meta = Metadata(label=source)
    if isinstance(data.get("params"), dict):
        # Hugo (0.123 on) keeps a page's own fields under `params:`; those at the top come first
        data = {**data["params"], **{name: item for name, item in data.items() if name != "params"}}
    value = _lookup(data)
    names, et_al = _authors(value("authors", "author", "creator", "creators"))
    pages = _text(value("pages", "page"))
    meta.update(
        title=_text(value("title")),
        authors=names,
        authors_et_al=et_al,
        journal=_text(
            value("journal", "container-title", "container_title", "site", "publication", "website")
        ),
        volume=_text(value("volume")),
        issue=_text(value("issue", "number"))
        if value("volume") or value("journal")
        else _text(value("issue")),
        language=_text(value("lang", "language", "locale")),
        description=_text(value("description", "abstract", "summary", "subtitle")),
        type=item_type(_text(value("type", "item_type", "csl_type", "category_type"))),
        doi=clean_doi(_text(value("doi"))),
        url=absolute_url(_text(value("url", "canonical_url", "canonical", "link", "source_url"))),
        publisher=_text(value("publisher", "institution", "organization")),
        pdf_url=absolute_url(_text(value("pdf_url", "pdf"))),
    )
    if pages:
        first, _, last = pages.replace("–", "-").replace("—", "-").partition("-")
        meta.update(first_page=_int(first), last_page=_int(last or first))
        if meta.first_page is None:  # "A4", "e1234": a page CSL cites as written
            meta.extra["page"] = pages[:MAX_SHORT_FIELD]
    stated = _text(stated_date(value("date", "published", "pubdate", "issued", "date_published")))
    meta.set_date(stated or permalink_date(value("path", "permalink", "url", "aliases")), source)
    if accessed := _text(value("accessed", "access-date", "access_date", "retrieved")):
        meta.update(accessed=parse_issue_date(accessed))
    meta.extra.update(csl_variables(data))
    return meta


def csl_variables(data: dict) -> dict:
    """Every other CSL variable the source states by its CSL name (editor, translator,
    publisher-place, ISSN, ISBN, edition, number, genre, collection-title, original-date, …), as
    CSL-JSON: names as name objects, dates as date-parts, the rest as text."""
    found: dict = {}
    for key, raw in list(data.items())[:MAX_EXTRA_KEYS]:
        name = CSL_CASE.get(str(key).lower().replace("_", "-"), str(key).lower().replace("_", "-"))
        if name in HANDLED_VARIABLES:
            continue
        if name in CSL_NAME_VARIABLES:
            people, _ = _authors(raw)
            if people:
                found[name] = [csl_person(person) for person in people]
        elif name in CSL_DATE_VARIABLES:
            parsed = parse_issue_date(_text(raw) or "")
            if parsed:
                found[name] = {"date-parts": [[int(part) for part in parsed.split("-")]]}
        elif name in CSL_TEXT_VARIABLES and (text := _text(raw)):
            found[name] = text[:MAX_TEXT_FIELD]
    return found


def is_csl_variable(key: str) -> bool:
    name = CSL_CASE.get(key.lower().replace("_", "-"), key.lower().replace("_", "-"))
    return name in CSL_NAME_VARIABLES | CSL_DATE_VARIABLES | CSL_TEXT_VARIABLES | HANDLED_VARIABLES


# A permalink holding the date as Zola, Hugo and Jekyll write it: /2019/05/15/title/, /blog/2019/05/15/
PERMALINK_DATE = re.compile(r"(?:^|/)(\d{4})/(\d{2})/(\d{2})(?=/|$|\.)")


def permalink_date(paths) -> str | None:
    """YYYY-MM-DD from the first of a page's addresses (its path, permalink or aliases) that
    holds a date as /YYYY/MM/DD, for front matter that states the date only there."""
    for path in paths if isinstance(paths, list) else [paths]:
        found = PERMALINK_DATE.search(path.strip()) if isinstance(path, str) else None
        if found and parse_issue_date("-".join(found.groups())):  # not a real date: not one
            return "-".join(found.groups())
    return None


def _lookup(data: dict):
    """Front-matter keys as their tools spell them: any case, '-' or '_'."""
    folded = {str(k).lower().replace("_", "-"): v for k, v in data.items()}

    def value(*names: str):
        for name in names:
            found = folded.get(name.lower().replace("_", "-"))
            if found not in (None, "", []):
                return found
        return None

    return value


def item_type(value: str | None) -> str | None:
    """A CSL item type from what a source calls it; None for layout names (Hugo's 'type: page')
    that are not item types."""
    if not value:
        return None
    name = value.strip().lower()
    return name if name in CSL_TYPES else TYPE_ALIASES.get(name)


def clean_doi(value: str | None) -> str | None:
    """'https://doi.org/10.1/x', 'doi:10.1/x', '10.1/x' -> '10.1/x'; None if it is not a DOI."""
    match = DOI.search(value or "")
    return match[1] if match else None


def absolute_url(value: str | None) -> str | None:
    """An http(s) URL; a site-relative path ('/posts/x/') is not a citable address."""
    return value if value and re.match(r"^https?://[^\s/]+\S*$", value) else None


SCALARS = (str, int, float, Date)


def stated_date(value):
    """A date as front matter states it; MkDocs' blog writes a mapping ({created: 2026-02-18,
    updated: …}): its creation (publication) date."""
    if isinstance(value, dict):
        return next((value[key] for key in ("created", "published", "date") if value.get(key)), None)
    return value


def _text(value) -> str | None:
    """A scalar as one line of text; lists and mappings are not text (None)."""
    if value in (None, "") or not isinstance(value, SCALARS) or isinstance(value, bool):
        return None
    if isinstance(value, int) and abs(value) >= 10**MAX_SHORT_FIELD:
        return "9" * (MAX_SHORT_FIELD + 1)  # too long to be a value: validate() drops it
    return " ".join(str(value).split()) or None


def _authors(value) -> tuple[list[Author], bool]:
    """Authors from a string ('A, B and C, et al.'), a list of names, or CSL-style mappings
    ({family, given}, {literal}, {name}); and whether the list says it is cut short."""
    if not value:
        return [], False
    if isinstance(value, str):
        names, et_al = names_and_et_al(value[:MAX_TEXT_FIELD])
        return [author_from_name(n) for n in names], et_al
    if isinstance(value, dict):
        value = [value]
    authors, et_al = [], False
    for item in (value if isinstance(value, list) else [value])[: MAX_AUTHORS + 1]:
        if isinstance(item, dict):
            authors.append(_author_from_mapping(item))
        elif name := _text(item):
            names, cut = names_and_et_al(name[:MAX_TEXT_FIELD])
            et_al = et_al or cut
            authors.extend(author_from_name(n) for n in names)
    return [a for a in authors if a.name], et_al


def _author_from_mapping(item: dict) -> Author:
    affiliation = _text(item.get("affiliation"))
    if literal := _text(item.get("literal") or item.get("institution") or item.get("organization")):
        return Author(name=literal, affiliation=affiliation, literal=True)
    family, given = _text(item.get("family")), _text(item.get("given"))
    family_first = bool(item.get("family_first", False))
    name = _text(item.get("name")) or " ".join(
        p for p in ((family, given) if family_first else (given, family)) if p
    )
    if not (family or given):
        base = author_from_name(name or "")
        if base.literal:
            return replace(base, affiliation=affiliation)
        family, given, family_first = base.family, base.given, base.family_first
    return Author(name, family, given, affiliation, family_first)


def read_sidecar(path: Path) -> tuple[Metadata, list[str]]:
    """The librarian's corrections in NAME.meta.toml; returns them and warnings."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    warnings = [
        f"{path.name}: unknown field {key!r} ignored (known: {', '.join(sorted(SIDECAR_FIELDS))})"
        for key in data
        if key not in SIDECAR_FIELDS and not is_csl_variable(key)
    ]
    meta = metadata_from_front_matter(data, source=path.name)
    meta.update(
        journal_subtitle=_text(data.get("journal_subtitle")),
        relation=_text(data.get("relation")),
        period=_text(data.get("period")),
        first_page=_int(data.get("first_page")),
        last_page=_int(data.get("last_page")),
    )
    if (kind := _text(data.get("type"))) and not item_type(kind):
        warnings.append(f"{path.name}: type {kind!r} is not a CSL item type ({', '.join(sorted(CSL_TYPES))})")
    return meta, warnings


def _int(value) -> int | None:
    text = _text(value)
    if text is None or len(text) > MAX_SHORT_FIELD:
        return None
    try:
        return int(text)
    except ValueError:
        return None
