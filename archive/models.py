"""The shapes that cross layers: an Article with its Sections and Passages."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field, fields, replace

from . import addresses
from .addresses import PASSAGE_KINDS, anchor, label, position, segment

PATH_SEPARATOR = " › "


def slug(text: str) -> str:
    """A URL-safe form of a name: 'CC 2019/09 China–Russia' -> 'cc-2019-09-china-russia' ('' when
    nothing of it is a letter or a digit)."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^\w]+|_+", "-", folded).strip(
        "-"
    )  # between the headings of a section's path: "Findings › Trade"


__all__ = ["PASSAGE_KINDS", "Article", "Author", "ParseError", "Passage", "Section", "fingerprint"]


def fingerprint(text: str) -> str:
    """A short hash of a passage's words: stable across spacing and case edits, not rewording."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower())
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Author:
    name: str
    family: str | None = None
    given: str | None = None
    affiliation: str | None = None
    # True for names written family name first (Yu Bin): citation styles must not invert them.
    family_first: bool = False
    # An institution ("Office of the Secretary of Defense"): one name, never split (CSL "literal").
    literal: bool = False


@dataclass(frozen=True)
class Passage:
    id: str
    article_id: str
    kind: str
    number: int | None  # ¶ number, for body text (addresses.PARAGRAPH_KINDS)
    ordinal: int | None  # number in its own series, for figures, notes, code and references
    section: str | None  # the section path: "Events › Military events"
    section_number: int | None
    text: str
    html: str
    order: int
    page_start: int | None = None
    page_end: int | None = None
    date_start: str | None = None
    date_end: str | None = None
    credit: str | None = None
    fingerprint: str = ""
    image: str | None = None  # a figure's picture (its address, as the source wrote it)
    label: str | None = None  # a note's printed mark
    called_from: str | None = None  # the passage whose text calls this note

    @property
    def anchor(self) -> str:
        """The fragment id of this passage in the reader (p14, fig3, note2)."""
        return anchor(self.kind, self.number, self.ordinal)

    @property
    def label_text(self) -> str:
        """As a reader names it: ¶ 14, Fig. 3, Note 2."""
        return label(self.kind, self.number, self.ordinal)

    @property
    def pages(self) -> str:
        """'p. 115', 'pp. 113–114', or ''."""
        return addresses.pages(self.page_start, self.page_end)

    @property
    def place(self) -> str:
        """'¶ 14, p. 115'."""
        return addresses.place(self.label_text, self.page_start, self.page_end)

    @property
    def segment(self) -> str:
        """Its series in permalinks: p, fig, note, code, ref."""
        return segment(self.kind)

    @property
    def position(self) -> int | None:
        """Its number in that series."""
        return position(self.kind, self.number, self.ordinal)


@dataclass(frozen=True)
class Section:
    number: int
    title: str  # the path of headings down to this one: "Events › Military events"
    passage_ids: tuple[str, ...]
    text: str
    level: int = 1  # 1 for top-level sections


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    source: str
    sha256: str
    authors: tuple[Author, ...] = ()
    journal: str | None = None
    journal_subtitle: str | None = None
    relation: str | None = None
    volume: str | None = None
    issue: str | None = None
    date: str | None = None
    first_page: int | None = None
    last_page: int | None = None
    period: str | None = None
    language: str = "en"
    description: str | None = None
    type: str | None = None  # CSL item type: article-journal, report, webpage, post-weblog, …
    doi: str | None = None
    url: str | None = None
    publisher: str | None = None
    accessed: str | None = None
    pdf_url: str | None = None
    authors_et_al: bool = False  # the source's author list ends "et al." or "and others"
    # Other CSL variables the source states (editor, ISSN, publisher-place, …), as CSL-JSON.
    csl_extra: dict = field(default_factory=dict, compare=False)
    metadata_sources: dict[str, str] = field(default_factory=dict, compare=False)
    sections: tuple[Section, ...] = ()
    passages: tuple[Passage, ...] = ()
    page_note: str | None = None
    page_source: str | None = None  # where printed page numbers came from, when the format states them
    warnings: tuple[str, ...] = field(default=(), compare=False)
    # What the parser left out of the passages on purpose, and why (pull quotes, share widgets).
    dropped: tuple[str, ...] = field(default=(), compare=False)

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date and self.date[:4].isdigit() else None

    def passage(self, passage_id: str) -> Passage | None:
        return next((p for p in self.passages if p.id == passage_id), None)

    def neighbours(self, passage: Passage) -> tuple[tuple[Passage, ...], tuple[Passage, ...]]:
        """The passage just before this one and the one just after (none at either end)."""
        index = self.passages.index(passage)
        return self.passages[max(0, index - 1) : index], self.passages[index + 1 : index + 2]

    def to_dict(self) -> dict:
        """The JSON shape of `archive parse --json`: article, sections, passages."""
        # A JSON round trip turns tuples into lists: the shape other tools read.
        return json.loads(json.dumps(self.json_shape()))

    def json_shape(self) -> dict:
        """to_dict() as json.dumps writes it, made without its round trip or asdict's deep copy of
        every value (a build packs every article: 150 passages on average)."""
        record = {name: getattr(self, name) for name in ARTICLE_RECORD_FIELDS}
        record["authors"] = [vars(author) for author in self.authors]
        sections = [
            {"number": s.number, "title": s.title, "passage_ids": s.passage_ids, "level": s.level}
            for s in self.sections
        ]
        return {"article": record, "sections": sections, "passages": [vars(p) for p in self.passages]}

    @classmethod
    def from_dict(cls, data: dict) -> Article:
        """Rebuild an Article from `to_dict()` output (section text is recomputed)."""
        record = dict(data["article"])
        record["authors"] = tuple(Author(**a) for a in record["authors"])
        record["warnings"] = tuple(record.get("warnings", ()))
        record["dropped"] = tuple(record.get("dropped", ()))
        passages = tuple(map(passage_from_dict, data["passages"]))
        by_id = {p.id: p for p in passages}
        sections = tuple(
            Section(
                number=s["number"],
                title=s["title"],
                passage_ids=tuple(s["passage_ids"]),
                text=" ".join(by_id[i].text for i in s["passage_ids"] if i in by_id),
                level=s.get("level", 1),
            )
            for s in data["sections"]
        )
        return cls(**record, sections=sections, passages=passages)


PASSAGE_FIELDS = frozenset(f.name for f in fields(Passage))
ARTICLE_RECORD_FIELDS = tuple(f.name for f in fields(Article) if f.name not in ("sections", "passages"))


def renamed_article(article: Article, new_id: str) -> Article:
    """The article under another id, its passages' ids (which start with it) renamed alike."""

    def moved(passage_id: str | None) -> str | None:
        if passage_id is None or not passage_id.startswith(article.id):
            return passage_id
        return new_id + passage_id[len(article.id) :]

    passages = tuple(
        replace(p, id=moved(p.id), article_id=new_id, called_from=moved(p.called_from))
        for p in article.passages
    )
    sections = tuple(replace(s, passage_ids=tuple(map(moved, s.passage_ids))) for s in article.sections)
    return replace(article, id=new_id, passages=passages, sections=sections)


def passage_from_dict(data: dict) -> Passage:
    """Passage(**data), without the frozen dataclass's __init__ (a setattr a field) when the data
    has every field: an article's page rebuilds the whole article from the index (150 passages
    on average), and this was half of it."""
    if data.keys() != PASSAGE_FIELDS:  # written before a field was added, or not a passage
        return Passage(**data)
    passage = object.__new__(Passage)
    passage.__dict__.update(data)
    return passage


class ParseError(Exception):
    """A corpus file that cannot become an Article; the message says what and where."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class NotAnArticle(ParseError):
    """A page of a site that is no article (a redirect, a list of the site's posts): skipped
    and said why, never a failure."""
