"""Article metadata: the journal's citation note, the ALL-CAPS header, front matter and sidecars."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date as Date
from pathlib import Path

import yaml

from .dates import MAX_YEAR, MIN_YEAR, parse_issue_date
from .models import Author

# Common East Asian family names: a romanised name that starts with one is written family first.
EAST_ASIAN_FAMILY_NAMES = frozenset(
    """
    an bai cai cao chang chen cheng chiang chou chu chung cui dai deng ding dong du duan fan
    fang feng fu gao ge gong gu guo han hao he hong hou hu hua huang ji jia jiang jin kang kong
    lai lan lei li liang liao lin liu long lu luo lyu ma mao meng pan pang peng qian qiao qin qiu
    ren shao shen shi song su sun tan tang tao tian wan wang wei wen wu xia xiao xie xin xiong xu
    xue yan yang yao ye yi yin yu yuan zeng zhang zhao zheng zhong zhou zhu zou
    """.split()
)
ACRONYMS = frozenset(
    "US U.S. UK EU UN ASEAN DPRK ROK PRC ROC NATO SCO CICA APEC WTO G20 G7 PLA LNG INF 5G".split()
)
SMALL_WORDS = frozenset("a an and as at but by for from in into of on or the to via vs with".split())
SIDECAR_FIELDS = frozenset(
    "title authors journal journal_subtitle relation volume issue date first_page last_page pages "
    "period language description".split()
)

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
MAX_FRONT_MATTER = 256 * 1024  # bytes of YAML or TOML before the body
SHORT_FIELDS = ("volume", "issue")
TEXT_FIELDS = ("title", "journal", "journal_subtitle", "relation", "period", "language", "description")

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
    # What was wrong with the source's values (dropped, so never indexed): check's warnings.
    problems: list[str] = field(default_factory=list, compare=False)

    def update(self, **values) -> None:
        for name, value in values.items():
            if value not in (None, "", []):
                setattr(self, name, value)

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
        if len(self.authors) > MAX_AUTHORS:
            self.problems.append(
                f"{len(self.authors)} authors (over {MAX_AUTHORS}); the first {MAX_AUTHORS} kept"
            )
            self.authors = self.authors[:MAX_AUTHORS]
        return self


def smart_title(text: str) -> str:
    """Title case for ALL-CAPS header lines, keeping acronyms and small words."""
    words = text.split()
    out = []
    for i, word in enumerate(words):
        bare = word.strip("“”\"'()[],:;")
        if bare.upper() in ACRONYMS or bare.upper() in {f"{a}-" for a in ACRONYMS}:
            out.append(word)
        elif i and bare.lower() in SMALL_WORDS:
            out.append(word.lower())
        else:
            out.append("-".join(_capitalize(part) for part in word.split("-")))
    return " ".join(out)


def _capitalize(part: str) -> str:
    if part.upper() in ACRONYMS:
        return part.upper()
    lead = len(part) - len(part.lstrip("“”\"'(["))
    return part[:lead] + part[lead:].capitalize()


def is_all_caps(text: str) -> bool:
    cased = [c for c in text if c.isupper() or c.islower()]
    return len(cased) >= 2 and all(c.isupper() for c in cased)


def author_from_name(name: str, affiliation: str | None = None) -> Author:
    """An Author from a printed name, detecting family-name-first East Asian names."""
    name = " ".join(name.split()).strip(" ,")
    if name.isupper():
        name = " ".join(_capitalize(p) for p in name.split())
    if "," in name:  # "Family, Given"
        family, given = (part.strip() for part in name.split(",", 1))
        return Author(name=f"{given} {family}", family=family, given=given, affiliation=affiliation)
    parts = name.split()
    if len(parts) == 1:
        return Author(name=name, family=name, affiliation=affiliation)
    if (
        len(parts) in (2, 3)
        and parts[0].lower() in EAST_ASIAN_FAMILY_NAMES
        and parts[-1].lower() not in EAST_ASIAN_FAMILY_NAMES
        and not any(p.endswith(".") for p in parts)
    ):
        given = " ".join(parts[1:])
        return Author(name, parts[0], given, affiliation, family_first=True)
    family_start = len(parts) - 1
    while family_start > 1 and parts[family_start - 1].lower() in {
        "van",
        "von",
        "de",
        "der",
        "da",
        "del",
        "la",
        "le",
    }:
        family_start -= 1
    family = " ".join(parts[family_start:])
    if family.lower().rstrip(".") in {"jr", "sr", "ii", "iii"} and family_start > 1:
        family = f"{parts[family_start - 1]} {family}"
        family_start -= 1
    return Author(name, family, " ".join(parts[:family_start]), affiliation)


def split_names(text: str) -> list[str]:
    """'A, B and C' / 'A and B' / 'A & B' -> names."""
    text = re.sub(r"\s+(?:and|&)\s+", ", ", text.strip())
    return [n.strip() for n in text.split(",") if n.strip()]


def metadata_from_note(text: str) -> Metadata:
    """Fields from the journal's 'This article is extracted from … Preferred citation: …' note."""
    meta = Metadata()
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
    """Jekyll/Hugo/Pandoc front matter: title, author(s), date, description, journal fields."""
    meta = Metadata()
    raw_authors = data.get("authors", data.get("author"))
    meta.update(
        title=_text(data.get("title")),
        authors=_authors(raw_authors),
        journal=_text(data.get("journal") or data.get("container-title")),
        volume=_text(data.get("volume")),
        issue=_text(data.get("issue")),
        language=_text(data.get("lang") or data.get("language")),
        description=_text(data.get("description") or data.get("abstract") or data.get("summary")),
    )
    meta.set_date(_text(data.get("date")), source)
    return meta


SCALARS = (str, int, float, Date)


def _text(value) -> str | None:
    """A scalar as one line of text; lists and mappings are not text (None)."""
    if value in (None, "") or not isinstance(value, SCALARS) or isinstance(value, bool):
        return None
    if isinstance(value, int) and abs(value) >= 10**MAX_SHORT_FIELD:
        return "9" * (MAX_SHORT_FIELD + 1)  # too long to be a value: validate() drops it
    return " ".join(str(value).split()) or None


def _authors(value) -> list[Author]:
    if not value:
        return []
    if isinstance(value, str):
        return [author_from_name(n) for n in split_names(value[:MAX_TEXT_FIELD])]
    if isinstance(value, dict):
        value = [value]
    authors = []
    for item in (value if isinstance(value, list) else [value])[: MAX_AUTHORS + 1]:
        if isinstance(item, dict):
            authors.append(_author_from_mapping(item))
        elif name := _text(item):
            authors.append(author_from_name(name[:MAX_TEXT_FIELD]))
    return [a for a in authors if a.name]


def _author_from_mapping(item: dict) -> Author:
    family, given = _text(item.get("family")), _text(item.get("given"))
    family_first = bool(item.get("family_first", False))
    name = _text(item.get("name")) or " ".join(
        p for p in ((family, given) if family_first else (given, family)) if p
    )
    if not (family or given):
        base = author_from_name(name or "")
        family, given, family_first = base.family, base.given, base.family_first
    return Author(name, family, given, _text(item.get("affiliation")), family_first)


def read_sidecar(path: Path) -> tuple[Metadata, list[str]]:
    """The librarian's corrections in NAME.meta.toml; returns them and warnings."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    warnings = [
        f"{path.name}: unknown field {key!r} ignored (known: {', '.join(sorted(SIDECAR_FIELDS))})"
        for key in data
        if key not in SIDECAR_FIELDS
    ]
    meta = metadata_from_front_matter(data, source=path.name)
    meta.update(
        journal_subtitle=_text(data.get("journal_subtitle")),
        relation=_text(data.get("relation")),
        period=_text(data.get("period")),
        first_page=_int(data.get("first_page")),
        last_page=_int(data.get("last_page")),
    )
    if pages := _text(data.get("pages")):
        first, _, last = pages.replace("–", "-").partition("-")
        meta.update(first_page=_int(first), last_page=_int(last or first))
    return meta, warnings


def _int(value) -> int | None:
    text = _text(value)
    if text is None or len(text) > MAX_SHORT_FIELD:
        return None
    try:
        return int(text)
    except ValueError:
        return None


class FrontMatterLoader(yaml.SafeLoader):
    """YAML as front matter needs it: no aliases (an alias bomb expands a few lines into
    gigabytes), and numbers and dates kept as written (strings), so that '0000-00-00' or a
    100,000-digit volume reach the validation in Metadata instead of crashing the loader."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "aliases (*name) are not allowed in front matter", event.start_mark
            )
        return super().compose_node(parent, index)


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag.rsplit(":", 1)[-1] in ("bool", "null")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def split_front_matter(text: str) -> tuple[dict, str, list[str]]:
    """Front matter (YAML between --- lines, or TOML between +++), the body, and warnings."""
    match = re.match(r"\A(---|\+\+\+)[ \t]*\r?\n(.*?)\r?\n(---|\.\.\.|\+\+\+)[ \t]*(\r?\n|\Z)", text, re.S)
    if not match:
        return {}, text, []
    body = text[match.end() :]
    if len(match[2]) > MAX_FRONT_MATTER:
        return {}, body, [f"front matter is over {MAX_FRONT_MATTER // 1024} KB and was ignored"]
    try:
        if match[1] == "+++":
            data = tomllib.loads(match[2])
        else:
            data = yaml.load(match[2], Loader=FrontMatterLoader)
    except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError) as error:
        reason = str(error).splitlines()[0]
        return {}, body, [f"front matter is not valid and was ignored ({reason})"]
    except RecursionError:
        return {}, body, ["front matter nests too deeply to read and was ignored"]
    if not isinstance(data, dict):
        return {}, body, ["front matter is not a mapping and was ignored"]
    return data, body, []
