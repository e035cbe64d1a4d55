"""Article -> Whoosh documents; the index folder; one refreshed searcher per thread."""

from __future__ import annotations

import json
import os
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from whoosh.codec import whoosh3
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, DATETIME, ID, NUMERIC, STORED, TEXT, Schema
from whoosh.searching import Searcher

from ..addresses import article_of
from ..lru import LRU
from ..models import Article, Passage, Section
from ..synonyms import Synonyms, parse_synonyms
from . import trust
from .analysis import acronym_analyzer, exact_analyzer, stemming_analyzer
from .matching import Evaluator, Table, postings_cache
from .query import Built, build_parts

SCHEMA_VERSION = 5  # 3: compounds as parts and run together; 4: words in capitals; 5: notes, code
MARKER = "archive-index.json"
LOCK = ".reindex.lock"
ARTICLE_CACHE = 64
RECHECK_SECONDS = 1.0
METADATA_CACHE = 4096
SUGGESTIONS = 4096
SEARCHABLE = [("doctype", "passage"), ("doctype", "section")]  # what a search may return
FACET_COLUMNS = ("kind", "section_key", "article", "year")
SORT_COLUMNS = ("sort_date", "order")
RANGE_COLUMNS = ("year", "date_start", "date_end")


class IndexUnavailable(Exception):
    """The index folder cannot be used; the message says why and what to do."""


def _cached_reader(self, fieldname, column):
    """Whoosh's W3PerDocReader._cached_reader, remembering absent columns too: the original
    stat()s the disk again on every posting of a field that has no length column."""
    if fieldname not in self._readers:
        self._readers[fieldname] = (
            self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        )
    return self._readers[fieldname]


whoosh3.W3PerDocReader._cached_reader = _cached_reader


def make_schema() -> Schema:
    """Only what is searched or filtered is indexed: every indexed value is postings to write,
    and numbers cost several terms each. Sort keys are plain columns; the rest is stored."""
    stem, exact = stemming_analyzer(), exact_analyzer()
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
        exact=TEXT(analyzer=exact, multitoken_query="phrase"),
        caps=TEXT(analyzer=acronym_analyzer(), phrase=False),
        html=STORED,
        credit=STORED,
        source=STORED,
        digest=STORED,
        payload=STORED,
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


def passage_document(article: Article, passage: Passage) -> dict:
    return {
        **article_fields(article),
        "id": passage.id,
        "doctype": "passage",
        "kind": passage.kind,
        "section": passage.section,
        "section_key": passage.section or "",
        "section_number": passage.section_number,
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
        "html": passage.html,
        "credit": passage.credit,
        "fingerprint": passage.fingerprint,
    }


def section_document(article: Article, section: Section) -> dict:
    first = next(p for p in article.passages if p.id == section.passage_ids[0])
    return {
        **article_fields(article),
        "id": f"{article.id}-s{section.number}",
        "doctype": "section",
        "kind": "section",
        "section": section.title,
        "section_key": section.title,
        "section_number": section.number,
        "order": first.order or 0,
        "page_start": first.page_start,
        "sort_date": _sort_day(article.date),
        "text": section.text,
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
    return zlib.compress(json.dumps(article.to_dict(), ensure_ascii=False).encode("utf-8"), 6)


def unpack(payload: bytes) -> Article:
    return Article.from_dict(json.loads(zlib.decompress(payload).decode("utf-8")))


def payload_document(article: Article) -> dict:
    """The parsed Article itself, compressed, so the reader and citations never re-parse a file."""
    return {
        "id": f"payload:{article.id}",
        "doctype": "payload",
        "article": article.id,
        "payload": pack(article),
    }


def documents(article: Article, digest: str, indexed: str) -> Iterator[dict]:
    """Every Whoosh document of one article: record, payload, passages, sections."""
    yield article_document(article, digest, indexed)
    yield payload_document(article)
    for passage in article.passages:
        yield passage_document(article, passage)
    for section in article.sections:
        if section.passage_ids:  # a heading with no text of its own has nothing to find
            yield section_document(article, section)


SYNONYMS_ID = "config:synonyms"


def synonyms_document(text: str) -> dict:
    """The corpus's synonyms.txt, kept in the index so that searches and their caches follow the
    index's generation (see synonyms.py)."""
    return {"id": SYNONYMS_ID, "doctype": "config", "payload": text.encode("utf-8")}


# --- the index folder -------------------------------------------------------------------------


def read_marker(index_dir: Path) -> dict | None:
    try:
        return json.loads((index_dir / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def index_identity(index_dir: Path) -> str | None:
    """The random id written when the index was created (None for an index without one)."""
    return (read_marker(index_dir) or {}).get("index_id")


def write_marker(index_dir: Path, **values) -> None:
    marker = {**(read_marker(index_dir) or {}), **values, "schema_version": SCHEMA_VERSION}
    tmp = index_dir / f".{MARKER}.tmp"
    tmp.write_text(json.dumps(marker, indent=2), encoding="utf-8")
    os.replace(tmp, index_dir / MARKER)


UNTRUSTED = (
    "{folder} was not written by this archive installation ({reason}); nothing in it was read. "
    "If it is yours, rebuild it with `archive reindex --full`"
)


@dataclass(frozen=True)
class IndexState:
    """What a folder holds: 'missing' (nothing yet), 'foreign' (files the archive did not write),
    'untrusted' (marked, but not signed by this installation), 'outdated' (ours, but of another
    version or unreadable by this one: reindex rebuilds it), or 'current'."""

    kind: str
    reason: str = ""


def index_state(index_dir: Path) -> IndexState:
    marker = read_marker(index_dir)
    if marker is None:
        if index_dir.is_dir() and any(p.name not in (".gitkeep", LOCK) for p in index_dir.iterdir()):
            return IndexState("foreign", f"{index_dir} holds files the archive did not write")
        return IndexState("missing")
    try:
        trust.check_folder(index_dir)
    except (trust.UntrustedIndex, OSError) as error:  # fixed by its owner, not by a rebuild
        return IndexState("untrusted", f"the index folder cannot be trusted: {error}")
    try:
        trust.verify(index_dir)
    except (trust.UntrustedIndex, OSError) as error:
        return IndexState("untrusted", UNTRUSTED.format(folder=index_dir, reason=error))
    if trust.latest_generation(index_dir) < 0:
        return IndexState("missing")  # marked, but its first build never committed
    if marker.get("schema_version") != SCHEMA_VERSION:
        return IndexState("outdated", "built by another version of the archive")
    try:
        trust.open_folder(index_dir)
    except Exception as error:  # classes an older version pickled into it
        return IndexState("outdated", f"cannot be read by this version ({error})")
    return IndexState("current")


def open_index(index_dir: Path):
    """Open an index this installation built; refuse anything else (Whoosh unpickles what it opens)."""
    state = index_state(index_dir)
    if state.kind == "foreign":
        raise IndexUnavailable(f"{state.reason}; point --index at an empty or archive-built folder")
    if state.kind == "missing":
        raise IndexUnavailable(f"no index in {index_dir}; build it with `archive reindex`")
    if state.kind == "untrusted":
        raise IndexUnavailable(state.reason)
    if state.kind == "outdated":
        raise IndexUnavailable(f"{index_dir} {state.reason}; rebuild it: archive reindex")
    return trust.open_folder(index_dir)


def count_live(searcher: Searcher, doctype: str) -> int:
    """Documents of a type, deleted ones excluded (doc_frequency counts them until a merge)."""
    return sum(1 for _ in searcher.document_numbers(doctype=doctype))


class IndexHandle:
    """An opened index handing out one searcher per thread, refreshed (not reopened) per use."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.ix = open_index(self.index_dir)
        # Which index this is: a rebuild puts a new index (generations from 1 again) in the same
        # folder, so generations alone cannot tell a handle that its index was replaced.
        self.identity = index_identity(self.index_dir)
        self._local = threading.local()
        self._tables: dict[int, Table] = {}
        self._tables_lock = threading.Lock()
        self.postings = postings_cache()
        self.suggestions = LRU(SUGGESTIONS)  # (generation, query) -> did-you-mean
        self.articles = LRU(ARTICLE_CACHE)  # (generation, id) -> Article, shared by threads
        self.metadata = LRU(METADATA_CACHE)  # (generation, id) -> Article without passages
        self._stats: tuple[tuple[int, int], dict] | None = None
        self._synonyms: tuple[int, Synonyms] | None = None
        self._open: set[Searcher] = set()  # every thread's searcher, so close() reaches them all
        self._open_lock = threading.Lock()

    def searcher(self) -> Searcher:
        current = getattr(self._local, "searcher", None)
        # A commit adds a table-of-contents file, which changes the folder's mtime: one stat()
        # instead of Whoosh's listing of the folder on every call (a page makes dozens). Where
        # mtimes are coarse, the full check still runs at least once a second.
        stamp, now = os.stat(self.index_dir).st_mtime_ns, time.monotonic()
        if current is not None and (stamp, now // RECHECK_SECONDS) == getattr(self._local, "stamp", None):
            return current
        self._local.stamp = (stamp, now // RECHECK_SECONDS)
        identity = index_identity(self.index_dir)
        if identity != self.identity:
            self._reopen(identity)
        if current is not None and getattr(self._local, "identity", None) != self.identity:
            current = None  # opened on an index that has since been replaced
        if current is None or not current.up_to_date():
            # Not Searcher.refresh(): it reuses segment readers whose deletions have since
            # changed, so an article replaced by a reindex would show up twice.
            fresh = self.ix.searcher()
            with self._open_lock:
                if current is not None:
                    self._open.discard(current)
                    current.close()
                self._open.add(fresh)
            current = self._local.searcher = fresh
            self._local.identity = self.identity
        return current

    def _reopen(self, identity: str | None) -> None:
        """Open the index that replaced ours in the folder, forgetting everything cached of ours
        (threads drop their searchers on their next call)."""
        with self._tables_lock:
            if identity == self.identity:
                return
            self.ix = open_index(self.index_dir)
            self._tables = {}
            self.postings = postings_cache()
            self.suggestions, self.articles = LRU(SUGGESTIONS), LRU(ARTICLE_CACHE)
            self.metadata = LRU(METADATA_CACHE)
            self._stats = self._synonyms = None
            self.identity = identity

    def close(self) -> None:
        """Close every thread's searcher (their segment files stay open until then)."""
        with self._open_lock:
            for searcher in self._open:
                searcher.close()
            self._open.clear()
        self._local = threading.local()

    def __enter__(self) -> IndexHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_open", None):
            self.close()

    def table(self, searcher: Searcher) -> Table:
        """Live searchable documents, facet codes and sort keys of the searcher's generation,
        built once and shared by every thread (threads may briefly hold different generations)."""
        generation = searcher.reader().generation()
        table = self._tables.get(generation)
        if table is None:
            with self._tables_lock:
                table = self._tables.get(generation)
                if table is None:
                    table = Table.build(searcher, SEARCHABLE, FACET_COLUMNS, SORT_COLUMNS, RANGE_COLUMNS)
                    newest = sorted(self._tables)[-1:]  # a thread may still be on the previous one
                    self._tables = {g: self._tables[g] for g in newest}
                    self._tables[generation] = table
        return table

    def evaluator(self) -> Evaluator:
        """Query evaluation on this thread's searcher (see matching.py)."""
        searcher = self.searcher()
        return Evaluator(searcher, self.table(searcher), self.postings)

    def parse(self, text: str) -> Built:
        """A query string made into a query on this index (with its schema and synonyms)."""
        return build_parts(self.searcher(), text, self.synonyms())

    def article(self, article_id: str) -> Article | None:
        """The parsed Article stored at index time (the reader never re-parses a file)."""
        return self._remembered(self.articles, "payload", article_id)

    def passage(self, passage_id: str) -> tuple[Article, Passage] | None:
        """A passage by its id, with its article; None when either is unknown."""
        article_id = article_of(passage_id)
        article = self.article(article_id) if article_id else None
        passage = article.passage(passage_id) if article else None
        return (article, passage) if passage else None

    def article_metadata(self, article_id: str) -> Article | None:
        """The article without its passages: title, authors, journal, pages (a hit's citation
        data), unpacked from the small copy on its record instead of the whole article."""
        return self._remembered(self.metadata, "article", article_id)

    def _remembered(self, cache: LRU, prefix: str, article_id: str) -> Article | None:
        searcher = self.searcher()
        key = (searcher.reader().generation(), article_id)
        remembered = cache.get(key)
        if remembered is None:
            fields = searcher.document(id=f"{prefix}:{article_id}")
            remembered = (unpack(fields["payload"]) if fields else None,)
            cache.put(key, remembered)
        return remembered[0]

    def synonyms(self) -> Synonyms:
        """The synonyms stored by the last reindex, parsed once per generation."""
        searcher = self.searcher()
        generation = searcher.reader().generation()
        cached = self._synonyms
        if cached is None or cached[0] != generation:
            fields = searcher.document(id=SYNONYMS_ID)
            parsed = parse_synonyms(fields["payload"].decode("utf-8")) if fields else Synonyms()
            cached = self._synonyms = (generation, parsed)
        return cached[1]

    def removed_article(self, article_id: str) -> tuple[Article, str] | None:
        """An article removed from the corpus, as it last was, and when it was removed."""
        fields = self.searcher().document(id=f"tombstone:{article_id}")
        return (unpack(fields["payload"]), fields["indexed"]) if fields else None

    def earlier_version(self, article_id: str, fingerprint: str) -> dict | None:
        """A passage as it was before its article changed: text, number, when it was indexed."""
        fields = self.searcher().document(id=f"history:{article_id}:{fingerprint}")
        return json.loads(fields["payload"]) if fields else None

    def article_list(self) -> list[dict]:
        """Stored records of every article (id, title, author, year), newest first."""
        docs = self.searcher().documents(doctype="article")
        return sorted(docs, key=lambda d: (d.get("year") or 0, d["title"]), reverse=True)

    def article_titles(self) -> dict[str, str]:
        """article id -> title, cached until the index changes (facet labels on every query)."""
        searcher = self.searcher()
        generation = searcher.reader().generation()
        cached = getattr(self._local, "titles", None)
        if cached is None or cached[0] != (self.identity, generation):
            titles = {d["article"]: d["title"] for d in searcher.documents(doctype="article")}
            cached = ((self.identity, generation), titles)
            self._local.titles = cached
        return cached[1]

    def generation(self) -> int:
        """The index generation this thread searches; every reindex that changes anything adds one."""
        return self.searcher().reader().generation()

    def version(self) -> tuple[int, int]:
        """The generation, and when a reindex last ran (one that changed nothing still says so):
        what anything cached from the index must be keyed by."""
        try:
            marked = os.stat(self.index_dir / MARKER).st_mtime_ns
        except OSError:
            marked = 0
        return self.generation(), marked

    def stats(self) -> dict:
        """Articles and passages indexed, and when: counted once per version (the home page and
        the health check ask on every request)."""
        version = self.version()
        cached = self._stats
        if cached is None or cached[0] != version:
            searcher = self.searcher()
            marker = read_marker(self.index_dir) or {}
            counts = {
                "articles": count_live(searcher, "article"),
                "passages": count_live(searcher, "passage"),
                "sections": count_live(searcher, "section"),  # a search finds these too
                "updated": marker.get("updated"),
            }
            cached = self._stats = (version, counts)
        return dict(cached[1])


def iso_date(value) -> str | None:
    """A stored DATETIME back to an ISO date."""
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    return None
