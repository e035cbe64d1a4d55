"""The shapes that cross layers: an Article with its Sections and Passages."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field

PASSAGE_KINDS = ("lead", "paragraph", "figure", "chronology")


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


@dataclass(frozen=True)
class Passage:
    id: str
    article_id: str
    kind: str
    number: int | None
    figure: int | None
    section: str | None
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

    @property
    def anchor(self) -> str:
        """The fragment id of this passage in the reader (p14, fig3)."""
        return f"fig{self.figure}" if self.kind == "figure" else f"p{self.number}"


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    passage_ids: tuple[str, ...]
    text: str


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
    sections: tuple[Section, ...] = ()
    passages: tuple[Passage, ...] = ()
    page_note: str | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date and self.date[:4].isdigit() else None

    def passage(self, passage_id: str) -> Passage | None:
        return next((p for p in self.passages if p.id == passage_id), None)

    def to_dict(self) -> dict:
        """The JSON shape of `archive parse --json`: article, sections, passages."""
        record = asdict(self)
        sections = record.pop("sections")
        passages = record.pop("passages")
        for section in sections:
            section.pop("text")
        # A JSON round trip turns tuples into lists: the shape other tools read.
        return json.loads(json.dumps({"article": record, "sections": sections, "passages": passages}))

    @classmethod
    def from_dict(cls, data: dict) -> Article:
        """Rebuild an Article from `to_dict()` output (section text is recomputed)."""
        record = dict(data["article"])
        record["authors"] = tuple(Author(**a) for a in record["authors"])
        record["warnings"] = tuple(record.get("warnings", ()))
        passages = tuple(Passage(**p) for p in data["passages"])
        by_id = {p.id: p for p in passages}
        sections = tuple(
            Section(
                number=s["number"],
                title=s["title"],
                passage_ids=tuple(s["passage_ids"]),
                text=" ".join(by_id[i].text for i in s["passage_ids"] if i in by_id),
            )
            for s in data["sections"]
        )
        return cls(**record, sections=sections, passages=passages)


class ParseError(Exception):
    """A corpus file that cannot become an Article; the message says what and where."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
