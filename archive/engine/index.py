"""An opened index: one refreshed searcher per thread, caches keyed by generation, the stored
articles and the counts (documents.py makes the documents, folder.py guards the folder)."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from whoosh.codec import whoosh3
from whoosh.searching import Searcher

from ..addresses import article_of
from ..lru import LRU
from ..models import Article, Passage
from ..synonyms import Synonyms, parse_synonyms
from .documents import PARSED, SYNONYMS_ID, DamagedPayload, passage_in_article, unpack, unpack_passage
from .folder import MARKER, index_identity, open_index, read_marker
from .matching import Evaluator, Table, postings_cache
from .positions import leaf_postings, leaf_reader, leaves
from .query import Built, build_parts

log = logging.getLogger(__name__)
REBUILD = "rebuild the index with: archive reindex --full"  # what mends a damaged article copy

ARTICLE_CACHE = 64
RECHECK_SECONDS = 1.0
SUGGESTIONS = 4096
PARSED_QUERIES = 4096
SEARCHABLE = [("doctype", "passage"), ("doctype", "section")]  # what a search may return
FACET_COLUMNS = ("kind", "section_key", "article", "year")
SORT_COLUMNS = ("sort_date", "order")
RANGE_COLUMNS = ("year", "date_start", "date_end")


def _cached_reader(self, fieldname, column):
    """Whoosh's W3PerDocReader._cached_reader, remembering absent columns too: the original
    stat()s the disk again on every posting of a field that has no length column."""
    if fieldname not in self._readers:
        self._readers[fieldname] = (
            self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        )
    return self._readers[fieldname]


whoosh3.W3PerDocReader._cached_reader = _cached_reader


def count_live(searcher: Searcher, doctype: str) -> int:
    """Documents of a type, deleted ones excluded. doc_frequency counts them until a merge, so
    the deleted documents among the type's postings are taken off it (listing the live
    documents took 0.2 s at 20,000 passages, after every reindex)."""
    total = 0
    for leaf, _ in searcher.reader().leaf_readers():
        if not leaf.doc_count_all():
            continue
        if not leaf.has_deletions():
            total += leaf.doc_frequency("doctype", doctype)  # 0 for a type the segment lacks
            continue
        postings = leaf_postings(leaf, "doctype", doctype)  # a trailer's arrays, for passages
        if postings is not None:
            deleted = np.fromiter(leaf.deleted_docs_set, dtype=np.int64)
            total += len(postings[0]) - int(np.isin(postings[0], deleted).sum())
    return total


def parsed_payload(searcher: Searcher, article_id: str) -> bytes | None:
    """An article's packed parse (documents.payload_document), read from its segment's column."""
    docnum = searcher.document_number(id=f"payload:{article_id}")
    if docnum is None:
        return None
    reader, local = leaf_reader(leaves(searcher), docnum)
    column = reader._perdoc._cached_reader(PARSED, searcher.schema[PARSED].column_type)
    return (column[local] if column is not None else b"") or None


class IndexHandle:
    """An opened index handing out one searcher per thread, refreshed (not reopened) per use."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.ix = open_index(self.index_dir, mapped=True)
        # Which index this is: a rebuild puts a new index (generations from 1 again) in the same
        # folder, so generations alone cannot tell a handle that its index was replaced.
        self.identity = index_identity(self.index_dir)
        self._local = threading.local()
        self._tables: dict[int, Table] = {}
        self._tables_lock = threading.Lock()
        self._segment_terms: dict = {}  # (segment id, field) -> its terms' statistics (vocabulary.py)
        self.postings = postings_cache()
        self.suggestions = LRU(SUGGESTIONS)  # (generation, query) -> did-you-mean
        self.articles = LRU(ARTICLE_CACHE)  # (generation, id) -> Article, shared by threads
        self.parsed = LRU(PARSED_QUERIES)  # (generation, query) -> Built
        self._stats: tuple[tuple[int, int], dict] | None = None
        self._synonyms: tuple[int, Synonyms] | None = None
        self._derived: dict[str, tuple[int, object]] = {}  # name -> (generation, value)
        self._derived_locks: dict[str, threading.Lock] = {}  # one a name: the lexicon's rebuild
        # must not hold up the titles every query needs
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
            self.ix = open_index(self.index_dir, mapped=True)
            self._tables, self._segment_terms = {}, {}
            self.postings = postings_cache()
            self.suggestions, self.articles = LRU(SUGGESTIONS), LRU(ARTICLE_CACHE)
            self.parsed = LRU(PARSED_QUERIES)
            self._stats = self._synonyms = None
            self._derived = {}
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
                    table = Table.build(
                        searcher, SEARCHABLE, FACET_COLUMNS, SORT_COLUMNS, RANGE_COLUMNS, self._segment_terms
                    )
                    newest = sorted(self._tables)[-1:]  # a thread may still be on the previous one
                    self._tables = {g: self._tables[g] for g in newest}
                    self._tables[generation] = table
        return table

    def evaluator(self) -> Evaluator:
        """Query evaluation on this thread's searcher (see matching.py)."""
        searcher = self.searcher()
        return Evaluator(searcher, self.table(searcher), self.postings)

    def parse(self, text: str) -> Built:
        """A query string made into a query on this index (with its schema and synonyms), kept
        per generation: the results page, its other pages and facets, the API and the reader's
        marks parse the same words (Whoosh's parser: about 1.5 ms a query)."""
        searcher = self.searcher()
        key = (searcher.reader().generation(), text)
        built = self.parsed.get(key)
        if built is None:
            built = build_parts(searcher, text, self.synonyms())
            self.parsed.put(key, built)
        return built

    def article(self, article_id: str) -> Article | None:
        """The parsed Article stored at index time (the reader never re-parses a file);
        DamagedPayload when its stored bytes cannot be read."""
        return self._remembered(self.articles, article_id, parsed_payload)

    def passage(self, passage_id: str) -> tuple[Article, Passage] | None:
        """A passage by its id, with its article; None when either is unknown."""
        article_id = article_of(passage_id)
        article = self.article(article_id) if article_id else None
        passage = article.passage(passage_id) if article else None
        return (article, passage) if passage else None

    def passage_in_place(self, passage_id: str) -> tuple[Article, Passage, tuple, tuple] | None:
        """(the article without its passages, the passage, the one before it, the one after it);
        None when either is unknown. From the whole article when it is in memory, else from the
        parts of its parse that hold the three (documents.unpack_passage): a passage's page never
        unpacks a whole article."""
        article_id = article_of(passage_id)
        if not article_id:
            return None
        searcher = self.searcher()
        cached = self.articles.get((searcher.reader().generation(), article_id))
        if cached is not None:
            return passage_in_article(cached[0], passage_id) if cached[0] else None
        payload = parsed_payload(searcher, article_id)
        return unpack_passage(payload, passage_id) if payload else None

    def article_records(self) -> dict[str, Article]:
        """Every article without its passages, by id (a hit's citation data): read one by one,
        the records of articles no search had shown yet were a fifth of a results page's time."""
        return self.derived("records", lambda _searcher: {a.id: a for a, _ in self.catalog()})

    def _remembered(self, cache: LRU, article_id: str, read) -> Article | None:
        """The article unpacked from read(searcher, article_id), kept per generation."""
        searcher = self.searcher()
        key = (searcher.reader().generation(), article_id)
        remembered = cache.get(key)
        if remembered is None:
            payload = read(searcher, article_id)
            remembered = (unpack(payload, f"article {article_id}") if payload else None,)
            cache.put(key, remembered)
        return remembered[0]

    def parsed_articles(self) -> Iterator[Article]:
        """Every article as parsed, in index order (DamagedPayload for one that cannot be read)."""
        searcher = self.searcher()
        for fields in searcher.documents(doctype="payload"):
            payload = parsed_payload(searcher, fields["article"])
            if payload:
                yield unpack(payload, f"article {fields['article']}")

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

    def stored_citations(self, article_id: str) -> bytes | None:
        """The article's citations as its last reindex rendered them, if it did."""
        fields = self.searcher().document(id=f"citations:{article_id}")
        return fields["payload"] if fields else None

    def removed_article(self, article_id: str) -> tuple[Article, str] | None:
        """An article removed from the corpus, as it last was, and when it was removed."""
        fields = self.searcher().document(id=f"tombstone:{article_id}")
        if not fields:
            return None
        try:
            return unpack(fields["payload"], f"removed article {article_id}"), fields["indexed"]
        except DamagedPayload as error:  # kept by every reindex as stored: no rebuild mends it
            log.error("%s; its address answers as if it had never been indexed", error)
            return None

    def earlier_version(self, article_id: str, fingerprint: str) -> dict | None:
        """A passage as it was before its article changed: text, number, when it was indexed."""
        fields = self.searcher().document(id=f"history:{article_id}:{fingerprint}")
        return json.loads(fields["payload"]) if fields else None

    def article_list(self) -> list[dict]:
        """Stored records of every article (id, title, author, year), newest first."""
        docs = self.searcher().documents(doctype="article")
        return sorted(docs, key=lambda d: (d.get("year") or 0, d["title"]), reverse=True)

    def catalog(self) -> list[tuple[Article, str]]:
        """Every article's record (without its passages) and when it was indexed, unpacked once
        per generation for all threads, one build the others wait for (the browse pages, the
        home page and every results page ask; a worker warms it)."""
        return self.derived("catalog", catalog_entries)

    def derived(self, name: str, build):
        """build(searcher), computed once per generation and shared by threads: structures made
        from the whole index's documents (the spelling lexicon), which a worker warms at start.
        A reindex that changed nothing adds no generation, so it rebuilds nothing."""
        searcher = self.searcher()  # first: it may find the index replaced, and reset _derived
        derived = self._derived
        version = searcher.reader().generation()  # built from the very searcher it is keyed by
        cached = derived.get(name)
        if cached is None or cached[0] != version:
            with self._derived_locks.setdefault(name, threading.Lock()):
                cached = derived.get(name)
                if cached is None or cached[0] != version:
                    built = (version, build(searcher))
                    # Kept unless a newer generation's is (a thread still on the previous one
                    # asked), or the index was replaced meanwhile (its dict is no longer ours)
                    if (cached is None or cached[0] < version) and derived is self._derived:
                        derived[name] = built
                    cached = built
        return cached[1]

    def article_titles(self) -> dict[str, str]:
        """article id -> title, once per index version for all threads (facet labels on every
        query)."""
        return self.derived(
            "titles",
            lambda searcher: {d["article"]: d["title"] for d in searcher.documents(doctype="article")},
        )

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


def catalog_entries(searcher: Searcher) -> list[tuple[Article, str]]:
    """Every article's record and when it was indexed, but those that cannot be read."""
    records = searcher.documents(doctype="article")
    return [entry for r in records if r.get("payload") and (entry := _catalog_entry(r))]


def _catalog_entry(record: dict) -> tuple[Article, str] | None:
    """(the article's record, when it was indexed); None, logged, for a record whose stored copy
    cannot be read: the other articles are still listed, and the damaged one's own pages say why."""
    try:
        article = unpack(record["payload"], f"the record of {record.get('id', 'an article')}")
    except DamagedPayload as error:
        log.error("%s; %s", error, REBUILD)
        return None
    return article, record.get("indexed") or ""
