"""Article -> Whoosh documents; incremental, atomic, locked reindex; one refreshed searcher per thread.

Whoosh stays behind this module (and search.py's query building): nothing else imports it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema
from whoosh.searching import Searcher

from .analysis import exact_analyzer, stemming_analyzer
from .check import check_file, corpus_files
from .models import Article, Passage, Section
from .parse import sidecar_path

SCHEMA_VERSION = 1
MARKER = "archive-index.json"
LOCK = ".reindex.lock"


class IndexUnavailable(Exception):
    """The index folder cannot be used; the message says why and what to do."""


class ReindexBusy(IndexUnavailable):
    """Another reindex holds the lock."""


def make_schema() -> Schema:
    stem, exact = stemming_analyzer(), exact_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        doctype=ID(stored=True),
        kind=ID(stored=True, sortable=True),
        article=ID(stored=True, sortable=True),
        title=TEXT(analyzer=stem, stored=True, field_boost=2.0, multitoken_query="phrase"),
        author=TEXT(analyzer=exact, stored=True, multitoken_query="phrase"),
        year=NUMERIC(stored=True, sortable=True),
        section=TEXT(analyzer=stem, stored=True, field_boost=1.5, multitoken_query="phrase"),
        section_key=ID(stored=True, sortable=True),
        section_number=NUMERIC(stored=True),
        number=NUMERIC(stored=True),
        figure=NUMERIC(stored=True),
        order=NUMERIC(stored=True, sortable=True),
        page_start=NUMERIC(stored=True),
        page_end=NUMERIC(stored=True),
        date_start=DATETIME(stored=True, sortable=True),
        date_end=DATETIME(stored=True, sortable=True),
        sort_date=DATETIME(sortable=True),
        text=TEXT(analyzer=stem, stored=True, multitoken_query="phrase"),
        exact=TEXT(analyzer=exact, multitoken_query="phrase"),
        html=STORED,
        credit=STORED,
        source=STORED,
        digest=STORED,
        payload=STORED,
    )


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
        "figure": passage.figure,
        "order": passage.order,
        "page_start": passage.page_start,
        "page_end": passage.page_end,
        "date_start": _day(passage.date_start),
        "date_end": _day(passage.date_end),
        "sort_date": _day(passage.date_start or article.date),
        "text": passage.text,
        "exact": passage.text,
        "html": passage.html,
        "credit": passage.credit,
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
        "order": first.order,
        "page_start": first.page_start,
        "sort_date": _day(article.date),
        "text": section.text,
        "exact": section.text,
    }


def article_document(article: Article, digest: str) -> dict:
    """The article record: never a search hit; lists articles and detects changed files."""
    return {
        **article_fields(article),
        "id": f"article:{article.id}",
        "doctype": "article",
        "source": article.source,
        "digest": digest,
        "sort_date": _day(article.date),
    }


def payload_document(article: Article) -> dict:
    """The parsed Article itself, compressed, so the reader and citations never re-parse a file."""
    payload = json.dumps(article.to_dict(), ensure_ascii=False).encode("utf-8")
    return {
        "id": f"payload:{article.id}",
        "doctype": "payload",
        "article": article.id,
        "payload": zlib.compress(payload, 6),
    }


def documents(article: Article, digest: str) -> Iterator[dict]:
    """Every Whoosh document of one article: record, payload, passages, sections."""
    yield article_document(article, digest)
    yield payload_document(article)
    for passage in article.passages:
        yield passage_document(article, passage)
    for section in article.sections:
        yield section_document(article, section)


def source_digest(path: Path) -> str:
    """Content hash of an article file and its sidecar: either changing means reindex."""
    digest = hashlib.sha256(path.read_bytes())
    sidecar = sidecar_path(path)
    if sidecar.exists():
        digest.update(b"\0sidecar\0" + sidecar.read_bytes())
    return digest.hexdigest()


# --- the index folder -------------------------------------------------------------------------


def read_marker(index_dir: Path) -> dict | None:
    try:
        return json.loads((index_dir / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_marker(index_dir: Path, **values) -> None:
    marker = {**(read_marker(index_dir) or {}), **values, "schema_version": SCHEMA_VERSION}
    tmp = index_dir / f".{MARKER}.tmp"
    tmp.write_text(json.dumps(marker, indent=2), encoding="utf-8")
    os.replace(tmp, index_dir / MARKER)


def index_exists(index_dir: Path) -> bool:
    return read_marker(index_dir) is not None and whoosh_index.exists_in(str(index_dir))


def open_index(index_dir: Path):
    """Open an index the archive built; refuse anything else (Whoosh unpickles what it opens)."""
    marker = read_marker(index_dir)
    if marker is None:
        if index_dir.is_dir() and any(p.name not in (".gitkeep", LOCK) for p in index_dir.iterdir()):
            raise IndexUnavailable(
                f"{index_dir} holds files the archive did not write; "
                "point --index at an empty or archive-built folder"
            )
        raise IndexUnavailable(f"no index in {index_dir}; build it with `archive reindex`")
    if marker.get("schema_version") != SCHEMA_VERSION:
        raise IndexUnavailable(
            f"{index_dir} was built by another version; rebuild it: archive reindex --full"
        )
    try:
        return whoosh_index.open_dir(str(index_dir))
    except whoosh_index.EmptyIndexError as error:
        raise IndexUnavailable(f"no index in {index_dir}; build it with `archive reindex`") from error


# --- reindex ----------------------------------------------------------------------------------


@dataclass
class ReindexReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    passages: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed, "
            f"{len(self.failed)} failed, {len(self.unchanged)} unchanged; "
            f"{self.passages} passages indexed in {self.seconds:.2f} s"
        )


@contextmanager
def reindex_lock(index_dir: Path, wait: float) -> Iterator[None]:
    """One reindex at a time; a second one waits `wait` seconds, then says who holds the lock."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK, "a+", encoding="utf-8") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise ReindexBusy(
                        f"another reindex is running ({holder}); try again when it has finished"
                    ) from None
                time.sleep(0.1)
        handle.truncate(0)
        handle.write(f"pid {os.getpid()}, started {datetime.now().strftime('%H:%M:%S')}")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def indexed_articles(ix) -> dict[str, tuple[str, str]]:
    """article id -> (source path, digest) of what the index holds now."""
    with ix.searcher() as searcher:
        return {
            fields["article"]: (fields["source"], fields["digest"])
            for fields in searcher.documents(doctype="article")
        }


def reindex(
    corpus_dir: Path,
    index_dir: Path,
    full: bool = False,
    wait: float = 5.0,
    progress: Callable[[Path], None] | None = None,
) -> ReindexReport:
    """Bring the index in line with the corpus in one atomic commit.

    Only added or changed files are parsed (by content hash) unless `full`; a changed file that no
    longer parses keeps its previous documents; files gone from the corpus lose theirs.
    """
    started = time.monotonic()
    files = corpus_files(corpus_dir)
    report = ReindexReport()
    with reindex_lock(index_dir, wait):
        ix = _open_or_create(index_dir)
        known = indexed_articles(ix)
        by_source = {source: article_id for article_id, (source, _) in known.items()}
        writer = ix.writer(timeout=wait)
        try:
            seen = _update_files(writer, files, known, by_source, full, report, progress)
            for article_id, (source, _) in known.items():
                if article_id not in seen:
                    writer.delete_by_term("article", article_id)
                    report.removed.append(source)
            if full or report.added or report.changed or report.removed:
                writer.commit(optimize=full)
            else:  # nothing changed: no new generation, so open searchers stay current
                writer.cancel()
        except BaseException:
            writer.cancel()
            raise
        write_marker(index_dir, updated=datetime.now(UTC).isoformat(timespec="seconds"))
    report.passages = count_passages(index_dir)
    report.seconds = time.monotonic() - started
    return report


def _open_or_create(index_dir: Path):
    if read_marker(index_dir) is None:  # never let Whoosh read (unpickle) a folder we did not mark
        open_index_guard(index_dir)
        ix = whoosh_index.create_in(str(index_dir), make_schema())
        write_marker(index_dir, created=datetime.now(UTC).isoformat(timespec="seconds"))
        return ix
    return open_index(index_dir)


def open_index_guard(index_dir: Path) -> None:
    """Refuse to build inside a folder that holds someone else's files."""
    strangers = [p.name for p in index_dir.iterdir() if p.name not in (".gitkeep", LOCK)]
    if strangers:
        raise IndexUnavailable(
            f"{index_dir} is not empty ({', '.join(sorted(strangers)[:3])}…) and is not an archive index; "
            "choose an empty folder for --index"
        )


def _update_files(writer, files, known, by_source, full, report, progress) -> set[str]:
    """Parse added and changed files into the writer; returns the article ids still present."""
    digests = {path: source_digest(path) for path in files}
    claimed: dict[str, Path] = {}
    todo = []
    for path in files:
        previous_id = by_source.get(str(path))
        if previous_id and not full and known[previous_id][1] == digests[path]:
            claimed[previous_id] = path
            report.unchanged.append(str(path))
        else:
            todo.append((path, previous_id))
    seen = set(claimed)
    for path, previous_id in todo:
        if progress:
            progress(path)
        file_report = check_file(path, claimed)
        if file_report.article is None:
            report.failed.append((str(path), file_report.error))
            if previous_id:  # nothing lost: the old passages stay searchable
                seen.add(previous_id)
            continue
        article = file_report.article
        claimed[article.id] = path
        seen.add(article.id)
        writer.delete_by_term("article", article.id)
        if previous_id and previous_id != article.id:
            writer.delete_by_term("article", previous_id)
        for document in documents(article, digests[path]):
            writer.add_document(**document)
        report.warnings.extend((str(path), w) for w in article.warnings)
        (report.changed if article.id in known else report.added).append(str(path))
    return seen


def count_passages(index_dir: Path) -> int:
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        return searcher.doc_frequency("doctype", "passage")


def ensure_index(corpus_dir: Path, index_dir: Path) -> ReindexReport | None:
    """Build the index when it is missing (serve and the library call this); None if it exists."""
    if index_exists(index_dir):
        return None
    return reindex(corpus_dir, index_dir)


class IndexHandle:
    """An opened index handing out one searcher per thread, refreshed (not reopened) per use."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.ix = open_index(self.index_dir)
        self._local = threading.local()

    def searcher(self) -> Searcher:
        current = getattr(self._local, "searcher", None)
        if current is None:
            current = self.ix.searcher()
        else:
            current = current.refresh()
        self._local.searcher = current
        return current

    def article(self, article_id: str) -> Article | None:
        """The parsed Article stored at index time (the reader never re-parses a file)."""
        fields = self.searcher().document(id=f"payload:{article_id}")
        if not fields:
            return None
        return Article.from_dict(json.loads(zlib.decompress(fields["payload"]).decode("utf-8")))

    def article_list(self) -> list[dict]:
        """Stored records of every article (id, title, author, year), newest first."""
        docs = self.searcher().documents(doctype="article")
        return sorted(docs, key=lambda d: (d.get("year") or 0, d["title"]), reverse=True)

    def article_titles(self) -> dict[str, str]:
        """article id -> title, cached until the index changes (facet labels on every query)."""
        searcher = self.searcher()
        generation = searcher.reader().generation()
        cached = getattr(self._local, "titles", None)
        if cached is None or cached[0] != generation:
            titles = {d["article"]: d["title"] for d in searcher.documents(doctype="article")}
            cached = (generation, titles)
            self._local.titles = cached
        return cached[1]

    def stats(self) -> dict:
        searcher = self.searcher()
        marker = read_marker(self.index_dir) or {}
        return {
            "articles": searcher.doc_frequency("doctype", "article"),
            "passages": searcher.doc_frequency("doctype", "passage"),
            "updated": marker.get("updated"),
        }


def iso_date(value) -> str | None:
    """A stored DATETIME back to an ISO date."""
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    return None
