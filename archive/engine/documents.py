"""Article -> engine documents: the schema (only what is searched or filtered is indexed) and the
documents of one article (its record, its parsed payload, its passages and sections)."""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime

import orjson
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from ..models import Article, Passage, Section, passage_from_dict
from . import pairs
from .analysis import acronym_analyzer, exact_analyzer, stemming_analyzer

PARSED = "parsed"  # the column of an article's whole parse


def make_schema() -> Schema:
    """Only what is searched or filtered is indexed: every indexed value is postings to write,
    and numbers cost several terms each. Sort keys are plain columns; the rest is stored."""
    stem, exact = stemming_analyzer(), exact_analyzer()
    # The passage's own words unstemmed: CJK bigrams are the same stemmed or not, so `text` holds
    # them already (in a third of a real archive's passages they were a quarter of all postings).
    unstemmed = exact_analyzer(cjk=False)
    return Schema(
        id=ID(stored=True, unique=True),
        doctype=ID(stored=True),
        kind=ID(stored=True, sortable=True),
        article=ID(stored=True, sortable=True),
        title=TEXT(analyzer=stem, stored=True, field_boost=2.0, multitoken_query="phrase"),
        author=TEXT(analyzer=exact, stored=True, multitoken_query="phrase"),
        year=NUMERIC(stored=True, sortable=True, shift_step=8),
        section=TEXT(analyzer=stem, stored=True, field_boost=1.5, multitoken_query="phrase"),
        section_key=ID(stored=True, sortable=True),
        section_number=STORED,
        # The section a passage is in (a section's own number for its document; 0: none): a
        # section's words are found in its paragraphs' postings (matching.py), not indexed again
        in_section=COLUMN(NumericColumn("i", default=0)),
        section_text=STORED,  # a section's text, stored for its hits' snippets
        number=STORED,
        ordinal=STORED,
        order=COLUMN(NumericColumn("i", default=0)),
        page_start=STORED,
        page_end=STORED,
        date_start=DATETIME(stored=True, sortable=True),
        date_end=DATETIME(stored=True, sortable=True),
        sort_date=COLUMN(NumericColumn("i", default=0)),
        fingerprint=STORED,
        text=TEXT(analyzer=stem, stored=True, multitoken_query="phrase"),
        exact=TEXT(analyzer=unstemmed, multitoken_query="phrase"),
        caps=TEXT(analyzer=acronym_analyzer(), phrase=False),
        pairs=KEYWORD(scorable=False),  # adjacent words as one term: phrases (see pairs.py)
        html=STORED,
        credit=STORED,
        source=STORED,
        digest=STORED,
        payload=STORED,
        # An article's whole parse, packed (see pack): a column, read as it was written. Stored,
        # Whoosh compressed and pickled it again with the document's other fields: 21% larger,
        # 0.5 ms more to read on every paragraph page, 2 ms more to write an article
        parsed=COLUMN(VarBytesColumn()),
        indexed=STORED,
    )


def _sort_day(iso: str | None) -> int:
    """An ISO date as a sortable number (20190705), 0 when there is none."""
    day = _day(iso)
    return int(day.strftime("%Y%m%d")) if day else 0


def _day(iso: str | None) -> datetime | None:
    if not iso:
        return None
    parts = [int(p) for p in iso.split("-")] + [1, 1]
    return datetime(parts[0], parts[1], parts[2])


def article_fields(article: Article) -> dict:
    """Metadata every document of an article carries, so a hit needs no second lookup."""
    return {
        "article": article.id,
        "title": article.title,
        "author": "; ".join(a.name for a in article.authors) or None,
        "year": article.year,
    }


def passage_document(
    article: Article, passage: Passage, title_keys: set[str], common: frozenset[str]
) -> dict:
    """`title_keys`: the article's title pairs (the same in each of its documents); `common`: the
    index's common words (see pairs.py)."""
    keys = title_keys | pairs.heading_keys(passage.section, pairs.HEADING, common)
    return {
        **article_fields(article),
        "id": passage.id,
        "doctype": "passage",
        "kind": passage.kind,
        "section": passage.section,
        "section_key": passage.section or "",
        "section_number": passage.section_number,
        "in_section": passage.section_number or 0,
        "number": passage.number,
        "ordinal": passage.ordinal,
        "order": passage.order or 0,
        "page_start": passage.page_start,
        "page_end": passage.page_end,
        "date_start": _day(passage.date_start),
        "date_end": _day(passage.date_end),
        "sort_date": _sort_day(passage.date_start or article.date),
        "text": passage.text,
        "exact": passage.text,
        "caps": passage.text,
        "pairs": pairs.document_value(keys),
        pairs.BODY: passage.text,  # its pairs are added by the writer (pairs.with_body_pairs)
        "html": passage.html,
        "credit": passage.credit,
        "fingerprint": passage.fingerprint,
    }


def section_document(
    article: Article, section: Section, title_keys: set[str], common: frozenset[str]
) -> dict:
    """A section's text is stored, not indexed: its words and phrases are its paragraphs'
    (matching.py finds the section there). Indexed again, they were a fifth of the postings and,
    with their word pairs, a quarter of a build (20,000 passages: 52.5 -> 38.4 s)."""
    first = next(p for p in article.passages if p.id == section.passage_ids[0])
    keys = title_keys | pairs.heading_keys(section.title, pairs.HEADING, common)
    return {
        **article_fields(article),
        "id": f"{article.id}-s{section.number}",
        "doctype": "section",
        "kind": "section",
        "section": section.title,
        "section_key": section.title,
        "section_number": section.number,
        "in_section": section.number,
        "order": first.order or 0,
        "page_start": first.page_start,
        "sort_date": _sort_day(article.date),
        "section_text": section.text,
        "pairs": pairs.document_value(keys),
    }


def article_document(article: Article, digest: str, indexed: str) -> dict:
    """The article record: never a search hit; lists articles and detects changed files."""
    return {
        **article_fields(article),
        "id": f"article:{article.id}",
        "doctype": "article",
        "source": article.source,
        "digest": digest,
        "indexed": indexed,
        "payload": pack(replace(article, sections=(), passages=())),
        "sort_date": _sort_day(article.date),
    }


def pack(article: Article) -> bytes:
    """The article as compressed JSON (an article record's copy without its passages). zlib's
    fastest level: 0.9 ms an article of 150 KB against 3.2 at level 6, 10% larger, as fast to read.
    Zstandard read it 2.5 times as fast, but an older version of the archive could then not read
    an index this one had updated."""
    return zlib.compress(orjson.dumps(article.json_shape()), 1)


# An article's whole parse (its payload document's column) in parts: a head with the record, the
# sections and every passage's id, then the passages PART_PASSAGES at a time, each compressed on
# its own. A passage's page unpacks the head and the part or two that hold it and its neighbours:
# unpacking a whole article of 100 passages took 1.3 ms of every page of an article not read lately.
PARTS = b"archive-parts-1\n"
PART_PASSAGES = 16
_SIZE = struct.Struct(">I")


def pack_parts(article: Article) -> bytes:
    """The article's parse in parts (PARTS), read by unpack and unpack_passage."""
    shape = article.json_shape()
    passages = shape.pop("passages")
    parts = [
        zlib.compress(orjson.dumps(passages[start : start + PART_PASSAGES]), 1)
        for start in range(0, len(passages), PART_PASSAGES)
    ]
    head = {**shape, "ids": [p["id"] for p in passages], "sizes": [len(part) for part in parts]}
    packed_head = zlib.compress(orjson.dumps(head), 1)
    return b"".join((PARTS, _SIZE.pack(len(packed_head)), packed_head, *parts))


class DamagedPayload(ValueError):
    """An article's stored copy in the index cannot be read (its bytes damaged on disk, or
    written by something else). `what` names the copy, `reason` says what reading it met."""

    def __init__(self, what: str, reason: str):
        super().__init__(f"the index's stored copy of {what} cannot be read ({reason})")
        self.what, self.reason = what, reason


# What reading damaged bytes raises: zlib's error, orjson's (a ValueError), struct's, and a
# record of the wrong shape's KeyError, TypeError or IndexError
UNREADABLE = (zlib.error, struct.error, ValueError, KeyError, TypeError, IndexError)


@contextmanager
def readable(what: str) -> Iterator[None]:
    """Raise DamagedPayload, naming `what`, for whatever reading damaged bytes raises."""
    try:
        yield
    except UNREADABLE as error:
        kind = type(error)
        name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
        raise DamagedPayload(what, f"{name}: {error}") from error


def unpack(payload: bytes, what: str = "an article") -> Article:
    """An article packed by pack or pack_parts (a record's copy, a parse, a tombstone's parse);
    DamagedPayload, naming `what`, when the bytes cannot be read. orjson parses its JSON in
    0.33 ms, json in 0.58."""
    with readable(what):
        return _unpacked(payload)


def _unpacked(payload: bytes) -> Article:
    if not payload.startswith(PARTS):
        return Article.from_dict(orjson.loads(zlib.decompress(payload)))
    head, body = _head(payload)
    passages = [p for part in _parts(head, body, range(len(head["sizes"]))) for p in part]
    return Article.from_dict({"article": head["article"], "sections": head["sections"], "passages": passages})


def unpack_passage(payload: bytes, passage_id: str) -> tuple[Article, Passage, tuple, tuple] | None:
    """(the article without its passages or sections, the passage, the one before it, the one
    after it) from an article's packed parse; None when the article has no such passage. Only the
    parts that hold the three are unpacked. DamagedPayload when those bytes cannot be read."""
    with readable(f"the article of {passage_id}"):
        return _passage_unpacked(payload, passage_id)


def _passage_unpacked(payload: bytes, passage_id: str) -> tuple[Article, Passage, tuple, tuple] | None:
    if not payload.startswith(PARTS):
        return passage_in_article(_unpacked(payload), passage_id)
    head, body = _head(payload)
    try:
        index = head["ids"].index(passage_id)
    except ValueError:  # not this article's (caught here: readable() would call it damage)
        return None
    first, last = max(0, index - 1), min(len(head["ids"]), index + 2)
    wanted = range(first // PART_PASSAGES, (last - 1) // PART_PASSAGES + 1)
    read = [p for part in _parts(head, body, wanted) for p in part]
    nearby = [passage_from_dict(data) for data in read[first - wanted[0] * PART_PASSAGES :][: last - first]]
    here = index - first
    article = Article.from_dict({"article": head["article"], "sections": [], "passages": []})
    return article, nearby[here], tuple(nearby[:here]), tuple(nearby[here + 1 :])


def passage_in_article(article: Article, passage_id: str) -> tuple[Article, Passage, tuple, tuple] | None:
    """unpack_passage's answer from an article already unpacked."""
    passage = article.passage(passage_id)
    if passage is None:
        return None
    return replace(article, sections=(), passages=()), passage, *article.neighbours(passage)


def _head(payload: bytes) -> tuple[dict, memoryview]:
    """A parse's head (pack_parts) and the bytes of its parts."""
    start = len(PARTS) + _SIZE.size
    (size,) = _SIZE.unpack_from(payload, len(PARTS))
    return orjson.loads(zlib.decompress(payload[start : start + size])), memoryview(payload)[start + size :]


def _parts(head: dict, body: memoryview, wanted: range) -> Iterator[list[dict]]:
    """The passages of each wanted part, as JSON data."""
    sizes = head["sizes"]
    offset = sum(sizes[: wanted.start])
    for number in wanted:
        yield orjson.loads(zlib.decompress(body[offset : offset + sizes[number]]))
        offset += sizes[number]


def payload_document(article: Article) -> dict:
    """The parsed Article itself, compressed, so the reader and citations never re-parse a file."""
    return {
        "id": f"payload:{article.id}",
        "doctype": "payload",
        "article": article.id,
        PARSED: pack_parts(article),
    }


def citations_document(article_id: str, parts: bytes) -> dict:
    """An article's citations as a build rendered them (cite.citation_parts), for its pages."""
    return {"id": f"citations:{article_id}", "doctype": "citations", "article": article_id, "payload": parts}


def documents(article: Article, digest: str, indexed: str, common: frozenset[str]) -> Iterator[dict]:
    """Every Whoosh document of one article: record, payload, passages, sections. `common`: the
    index's common words (see pairs.py and common_words); no default, since documents written
    with other words than the index's would lack the pairs its phrase queries look up."""
    yield article_document(article, digest, indexed)
    yield payload_document(article)
    title_keys = pairs.heading_keys(article.title, pairs.TITLE, common)
    for passage in article.passages:
        yield passage_document(article, passage, title_keys, common)
    for section in article.sections:
        if section.passage_ids:  # a heading with no text of its own has nothing to find
            yield section_document(article, section, title_keys, common)


SYNONYMS_ID = "config:synonyms"


def synonyms_document(text: str) -> dict:
    """The corpus's synonyms.txt, kept in the index so that searches and their caches follow the
    index's generation (see synonyms.py)."""
    return {"id": SYNONYMS_ID, "doctype": "config", "payload": text.encode("utf-8")}


COMMON_ID = "config:common-words"


def common_document(words: frozenset[str]) -> dict:
    """The index's common words (see pairs.py), kept with the index built with them."""
    return {"id": COMMON_ID, "doctype": "config", "payload": json.dumps(sorted(words)).encode("utf-8")}


CATALOG_ID = "config:articles"


def catalog_document(entries: dict[str, tuple[str, str, str | None]], generation: int) -> dict:
    """Each indexed article's source, digest and indexing time in one document, written with the
    commit that changes them (that commit's `generation`): a reindex reads it instead of the
    stored fields of every article record (0.1 s at 1,234 articles, for a one-article change of
    0.6). A commit that did not write it (an older version of the archive) leaves it stale: it
    is then not used."""
    catalog = {"generation": generation, "articles": entries}
    payload = zlib.compress(json.dumps(catalog, ensure_ascii=False).encode("utf-8"), 6)
    return {"id": CATALOG_ID, "doctype": "config", "payload": payload}


def catalog_entries(stored: dict | None) -> tuple[dict[str, tuple[str, str, str | None]], int] | None:
    """The entries of a catalog_document's stored fields and the generation that wrote them;
    None when there is none or it cannot be read (the article records are then read one by one)."""
    try:
        catalog = json.loads(zlib.decompress(stored["payload"]).decode("utf-8")) if stored else None
        entries, generation = catalog["articles"], catalog["generation"]
    except (KeyError, TypeError, zlib.error, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(entries, dict) or not isinstance(generation, int):
        return None
    valid = all(
        isinstance(value, list)
        and len(value) == 3
        and all(isinstance(part, str) for part in value[:2])
        and isinstance(value[2], str | None)
        for value in entries.values()
    )
    return ({key: tuple(value) for key, value in entries.items()}, generation) if valid else None


def common_words(stored: dict | None) -> frozenset[str]:
    """An index's common words (the stored fields of its common_document); the function words for
    an index without them (or with them damaged), as it was built."""
    try:
        words = json.loads(stored["payload"].decode("utf-8")) if stored else None
    except (KeyError, AttributeError, UnicodeDecodeError, ValueError):
        words = None
    if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
        return pairs.COMMON
    return frozenset(words)


def iso_date(value) -> str | None:
    """A stored DATETIME back to an ISO date."""
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    return None
