"""Writing the index: one batch of writes per reindex, on one core or on every core, committed
at once or not at all. reindex.py decides what to write; this module knows how Whoosh writes it."""

from __future__ import annotations

import contextlib
import gc
import os
import queue
from pathlib import Path

from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.reading import SegmentReader
from whoosh.writing import MERGE_SMALL, OPTIMIZE, SegmentWriter

from ..isolation import die_with_parent
from . import pairs, postings, trust
from .documents import CATALOG_ID, catalog_entries, make_schema
from .folder import index_state, open_index, write_marker
from .index import count_live, parsed_payload

WRITER_MB = 384  # per writer process, before its pool (postings.py) saves terms to disk: a build
# of 130,000 passages peaked at 1.4 GB a process with 1,024 (Whoosh's pool), 483 MB with this
SUBWRITER_WAIT = 120  # seconds a finished sub-writer may take to hand over its segment
MAX_WRITER_PROCESSES = 4
# A segment with at most this many live documents, at most one in SPARSE_SHARE of its own, is
# merged at the next commit, its live documents written again. Most are a change's segment of
# one article, holding only the record of the passages that changed; a large one is usually the
# old segment a re-parse of the whole corpus replaced but for its config and tombstone documents
# (130,000 passages: the merge read it in 31 s, once, and the index went from 1.2 GB to 798 MB).
SPARSE_LIVE_DOCS, SPARSE_SHARE = 100, 4

postings.install()  # before any writer process forks


def open_or_create(index_dir: Path, **marker):
    """The index in the folder, created there when it has none (never inside someone's files);
    a new index's marker gets `marker` (when and with which identity it was created)."""
    if index_state(index_dir).kind == "missing":
        ix = trust.create_folder(index_dir, make_schema())
        write_marker(index_dir, **marker)
        return ix
    return open_index(index_dir)


def stored_records(ix, doctype: str, names: tuple[str, ...] | None = None) -> list[dict]:
    """The stored fields of every document of a type (only `names`, when given)."""
    with ix.searcher() as searcher:
        return [
            {name: fields[name] for name in names if name in fields} if names else dict(fields)
            for fields in searcher.documents(doctype=doctype)
        ]


def stored_catalog(ix) -> dict[str, tuple] | None:
    """The catalog document's entries (documents.catalog_document), when the commit that made
    the index's current generation wrote it and it lists as many articles as the index holds;
    None otherwise (an index written before catalogs, or since by an older version)."""
    with ix.searcher() as searcher:
        found = catalog_entries(searcher.document(id=CATALOG_ID))
        if found is None or found[1] != searcher.reader().generation():
            return None
        entries = found[0]
        return entries if len(entries) == count_live(searcher, "article") else None


def kept_records(index_dir: Path) -> list[dict]:
    """Tombstones and passage history of an index built by another version, as stored (a rebuild
    carries them over: permalinks need them). Raises when the index is too old to read."""
    ix = trust.open_folder(index_dir)  # verified as ours by index_state
    names = ("id", "doctype", "payload", "indexed")
    return [record for doctype in ("tombstone", "history") for record in stored_records(ix, doctype, names)]


def count_passages(index_dir: Path) -> int:
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        return count_live(searcher, "passage")


def remove_leftovers(index_dir: Path) -> list[str]:
    """Files of a commit that never finished (see trust.py)."""
    return trust.remove_leftovers(index_dir)


class Batch:
    """The writes of one reindex, beside the index as it was before them: nothing is visible to
    searches until commit(); cancel() or abandon() leaves the index as it was."""

    def __init__(self, ix, index_dir: Path, wait: float, parallel: bool, close_fds: tuple[int, ...] = ()):
        self.index_dir = index_dir
        self.before = ix.searcher()
        try:
            self.writer = open_writer(ix, wait, parallel, close_fds)
        except BaseException:
            self.before.close()
            raise

    def stored(self, document_id: str) -> dict | None:
        """A document's stored fields as they were before this batch."""
        return self.before.document(id=document_id)

    def parsed(self, article_id: str) -> bytes | None:
        """An article's packed parse as it was before this batch."""
        return parsed_payload(self.before, article_id)

    def use_common_words(self, common: frozenset[str]) -> None:
        """The index's common words, with which the writer makes passages' word pairs (pairs.py):
        given before the first document, since writer processes take them when they start."""
        if getattr(self.writer, "tasks", None):
            raise RuntimeError("common words given after the writer processes started")
        self.writer.pair_words = common

    def add(self, document: dict) -> None:
        self.writer.add_document(**document)

    def put(self, document: dict) -> None:
        """Add the document, replacing any with the same id."""
        self.writer.update_document(**document)

    def delete(self, document_id: str) -> None:
        self.writer.delete_by_term("id", document_id)

    def delete_article(self, article_id: str) -> None:
        """Every document of an article: its record, payload, passages and sections."""
        self.writer.delete_by_term("article", article_id)

    @property
    def generation(self) -> int:
        """The generation the commit will make."""
        return self.writer.generation

    def commit(self, optimize: bool = False) -> None:
        self.writer.commit(mergetype=OPTIMIZE if optimize else merge_policy)

    def cancel(self) -> None:
        """Nothing written (and no new generation: open searchers stay current). The files the
        writer opened for its segment go too: left, the next reindex found them and warned of an
        unfinished commit after every reindex that had nothing to do."""
        self.writer.cancel()
        self.remove_leftovers()

    def abandon(self) -> None:
        """Cancel a batch whose commit failed or was interrupted, and remove what it wrote."""
        with contextlib.suppress(Exception):
            self.writer.cancel()
        self.remove_leftovers()

    def remove_leftovers(self) -> None:
        with contextlib.suppress(OSError):
            trust.remove_leftovers(self.index_dir)

    def close(self) -> None:
        self.before.close()


def merge_policy(writer, segments: list) -> list:
    """Whoosh's default merge policy (MERGE_SMALL), after two of its own: a segment whose
    documents are all deleted is left out, and one with few live documents (SPARSE_LIVE_DOCS) is
    merged into the commit's new segment. Whoosh kept both until the fifth to ninth small segment
    made it merge them all, and a large one for ever: an article changed and changed back left
    one each time, and every word of every search was looked up in each (an index of 2 segments
    and 9 such took 15% more CPU a paragraph page than the same passages in 3)."""
    kept = []
    for segment in segments:
        live, documents = segment.doc_count(), segment.doc_count_all()
        if not live:
            continue
        if live <= SPARSE_LIVE_DOCS and live * SPARSE_SHARE <= documents:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            try:
                writer.add_reader(reader)
            finally:
                reader.close()
            continue
        kept.append(segment)
    return MERGE_SMALL(writer, kept)


def open_writer(ix, wait: float, parallel: bool, close_fds: tuple[int, ...] = ()):
    """A writer; for big batches one that analyses and writes postings on every core."""
    procs = min(os.cpu_count() or 1, MAX_WRITER_PROCESSES)
    if not parallel or procs < 2:
        return ix.writer(timeout=wait, limitmb=WRITER_MB, compound=False)
    writer = ParallelWriter(
        ix, procs=procs, multisegment=True, timeout=wait, limitmb=WRITER_MB, compound=False
    )
    writer.close_fds = close_fds
    return writer


class _Results:
    """MpWriter's result queue as its commit reads it, failing loudly: Whoosh waits 1 s for each
    sub-writer's segment and commits without it when it is late or its process died, which would
    lose passages."""

    def __init__(self, results, tasks):
        self.results, self.tasks = results, tasks

    def get(self, timeout=None):
        try:
            return self.results.get(timeout=SUBWRITER_WAIT)
        except queue.Empty:
            codes = [task.exitcode for task in self.tasks]
            raise RuntimeError(
                f"an indexing process failed (exit codes {codes}); nothing was committed"
            ) from None


class GuardedTask(SubWriterTask):
    """Whoosh's sub-writer process, dying with its parent and without the parent's lock."""

    def __init__(self, *args, close_fds: tuple[int, ...] = (), pair_words: frozenset[str] | None = None):
        super().__init__(*args)
        self.parent, self.close_fds, self.pair_words = os.getpid(), close_fds, pair_words

    def run(self):
        die_with_parent(self.parent)
        # The pool holds millions of lists and tuples, none of them in a cycle: the collector's
        # full passes over them took a fifth of a writer's time. Its pool collects once it has
        # saved its terms to disk (TermPool.save), when little is left to look at.
        gc.disable()
        for fd in self.close_fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        super().run()

    def _process_file(self, filename, doc_count):
        self.writer.pair_words = self.pair_words  # the writer this process made (see adding.py)
        super()._process_file(filename, doc_count)


class ParallelWriter(MpWriter):
    """Whoosh's multi-process writer with a cancel that stops its processes (Whoosh's only flags
    them in the parent, leaving them blocked forever), a commit that never drops a segment, and
    processes that end with the reindex (a kill -9 of it must not leave them holding its lock)."""

    close_fds: tuple[int, ...] = ()
    pair_words: frozenset[str] | None = None

    def _new_task(self):
        task = GuardedTask(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
            close_fds=self.close_fds,
            pair_words=self.pair_words,
        )
        self.tasks.append(task)
        task.start()
        return task

    def add_document(self, **fields):
        # Refused here, not in a writer process, where the error would end the process and the
        # commit would wait SUBWRITER_WAIT for its segment
        if pairs.BODY in fields and self.pair_words is None:
            raise RuntimeError("the writer was not given the index's common words")
        super().add_document(**fields)

    def _commit(self, mergetype, optimize, merge):
        if self.docbuffer:  # hand the last documents over before the queue is wrapped
            self._enqueue()
        self.resultqueue = _Results(self.resultqueue, self.tasks)
        super()._commit(mergetype, optimize, merge)

    def cancel(self):
        for task in self.tasks:
            task.terminate()
            task.join()
        SegmentWriter.cancel(self)
