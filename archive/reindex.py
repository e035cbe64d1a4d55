"""Reindex: incremental by content hash, one atomic commit, one writer at a time, nothing lost."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import queue
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

from . import trust
from .check import CorpusScan, FileReport, check_files, claim, scan_corpus
from .faults import fault
from .index import (
    LOCK,
    SYNONYMS_ID,
    IndexUnavailable,
    count_live,
    documents,
    index_state,
    make_schema,
    open_index,
    source_digest,
    synonyms_document,
    unpack,
    write_marker,
)
from .isolation import die_with_parent
from .models import Article
from .synonyms import SYNONYMS_FILE, parse_synonyms, read_synonyms_text

PARALLEL_FROM = 16  # files: below this, starting worker processes costs more than it saves
WRITER_MB = 1024  # per writer process, before Whoosh spills sorted postings to disk
SUBWRITER_WAIT = 120  # seconds a finished sub-writer may take to hand over its segment


class ReindexBusy(IndexUnavailable):
    """Another reindex holds the lock."""


@dataclass
class ReindexReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # not article files: links out, FIFOs, …
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


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextmanager
def reindex_lock(index_dir: Path, wait: float) -> Iterator[int]:
    """One reindex at a time; a second one waits `wait` seconds, then says who holds the lock.
    Yields the lock's descriptor, which child processes must close (see isolation.py)."""
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    # Beside the folder, not in it: a rebuild swaps the folder, and a lock inside it would be
    # swapped away while another reindex waits on it.
    with open(lock_path(index_dir), "a+", encoding="utf-8") as handle:
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
            yield handle.fileno()
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def lock_path(index_dir: Path) -> Path:
    return index_dir.with_name(f".{index_dir.name}{LOCK}")


def recover_swap(index_dir: Path) -> None:
    """Finish a rebuild that died between its two renames: the old index is put back."""
    old = index_dir.with_name(f".{index_dir.name}.old")
    if not index_dir.exists() and old.is_dir():
        os.rename(old, index_dir)


@dataclass
class Indexed:
    """What the index holds for one article before this reindex."""

    source: str
    digest: str
    indexed: str | None


def indexed_articles(ix) -> dict[str, Indexed]:
    with ix.searcher() as searcher:
        return {
            d["article"]: Indexed(d["source"], d["digest"], d.get("indexed"))
            for d in searcher.documents(doctype="article")
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
    longer parses keeps its previous documents; files gone from the corpus lose theirs, leaving a
    tombstone so that their permalinks can say what they cited.
    """
    started = time.monotonic()
    report = ReindexReport()
    with reindex_lock(index_dir, wait) as lock_fd:
        recover_swap(index_dir)
        index_dir.mkdir(exist_ok=True)
        job = Job(corpus_dir, full, wait, report, progress, (lock_fd,))
        state = index_state(index_dir)
        if state.kind == "untrusted" and not full:
            raise IndexUnavailable(state.reason)
        if state.kind in ("outdated", "untrusted"):  # untrusted: rebuilt only when --full asks
            rebuild(job, index_dir, keep=state.kind == "outdated")
        else:
            update_index(job, index_dir)
    report.passages = count_passages(index_dir)
    report.seconds = time.monotonic() - started
    return report


@dataclass
class Job:
    """What one reindex was asked to do, and where it reports."""

    corpus_dir: Path
    full: bool
    wait: float
    report: ReindexReport
    progress: Callable[[Path], None] | None
    close_fds: tuple[int, ...]  # for child processes: the lock is the parent's alone


def update_index(job: Job, index_dir: Path, kept=()) -> None:
    """The reindex itself, under the lock; `kept` are documents to carry over (see rebuild)."""
    scan = scan_corpus(job.corpus_dir)
    files = scan.files
    job.report.skipped = [(str(path), reason) for path, reason in scan.skipped]
    ix = open_or_create(index_dir)
    if removed := trust.remove_leftovers(index_dir):
        job.report.warnings.append((str(index_dir), f"removed {len(removed)} files of an unfinished commit"))
    known = indexed_articles(ix)
    report = job.report
    with ix.searcher() as before:
        plan = Plan.make(files, known, job.full)
        parsed = check_files([path for path, _ in plan.todo], close_fds=job.close_fds)
        writer = open_writer(ix, job.wait, parallel=len(plan.todo) >= PARALLEL_FROM, close_fds=job.close_fds)
        try:
            update = Update(writer, before, known, report)
            seen = update.files(plan, parsed, job.progress)
            unseen = [a for a in known if a not in seen and not kept_while_unreadable(known[a].source, scan)]
            update.remove(unseen)
            update.keep(kept, seen)
            synonyms_changed = update.synonyms(job.corpus_dir)
            if job.full or kept or synonyms_changed or report.added or report.changed or report.removed:
                writer.commit(optimize=job.full)
            else:  # nothing changed: no new generation, so open searchers stay current
                writer.cancel()
        except OSError as error:  # disk full, quota, I/O error: the old index stays as it was
            abandon(writer, index_dir)
            raise IndexUnavailable(write_failure(index_dir, error)) from error
        except BaseException:
            abandon(writer, index_dir)
            raise
        finally:
            parsed.close()  # stops the parsing workers, also on an error
    write_marker(index_dir, updated=now())


def kept_while_unreadable(source: str, scan: CorpusScan) -> bool:
    """An indexed file that cannot be read now (its folder is unreadable, its link broken) is
    not a removed file: what was indexed stays indexed until it can be read again."""
    return any(source == str(path) or source.startswith(f"{path}/") for path, _ in scan.unreadable)


def abandon(writer, index_dir: Path) -> None:
    """Cancel a writer whose commit failed or was interrupted, and remove what it wrote."""
    with contextlib.suppress(Exception):
        writer.cancel()
    with contextlib.suppress(OSError):
        trust.remove_leftovers(index_dir)


def write_failure(index_dir: Path, error: OSError) -> str:
    what = error.strerror or str(error)
    hint = "free some space, then" if error.errno in (errno.ENOSPC, errno.EDQUOT) else "then"
    return (
        f"the index in {index_dir} could not be written ({what}); nothing was changed and the "
        f"previous index is still searchable; {hint} run `archive reindex` again"
    )


def rebuild(job: Job, index_dir: Path, keep: bool) -> None:
    """An index built by another version of the archive: build a new one beside it, carry over
    its records of removed articles and changed passages (permalinks need them), then swap the
    folders. Until the swap the old index stays in place; a failed build leaves it untouched."""
    kept = kept_documents(index_dir, job.report) if keep else []
    fresh = index_dir.with_name(f".{index_dir.name}.rebuild")
    old = index_dir.with_name(f".{index_dir.name}.old")
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    fresh.mkdir()
    update_index(replace(job, full=True, wait=0), fresh, kept)
    os.rename(index_dir, old)
    os.rename(fresh, index_dir)
    shutil.rmtree(old, ignore_errors=True)


def kept_documents(index_dir: Path, report: ReindexReport) -> list[dict]:
    """Tombstones and passage history of an index of another version, as stored."""
    try:
        ix = trust.open_folder(index_dir)  # verified as ours by index_state
        with ix.searcher() as searcher:
            return [
                {name: fields[name] for name in ("id", "doctype", "payload", "indexed") if name in fields}
                for doctype in ("tombstone", "history")
                for fields in searcher.documents(doctype=doctype)
            ]
    except Exception as error:  # an index too old to read: the rebuild goes on without them
        report.warnings.append((str(index_dir), f"could not keep removed-article records: {error}"))
        return []


def open_or_create(index_dir: Path):
    """The index in the folder, created there when it has none (never inside someone's files)."""
    if index_state(index_dir).kind == "missing":
        ix = trust.create_folder(index_dir, make_schema())
        write_marker(index_dir, created=now(), index_id=secrets.token_hex(8))
        return ix
    return open_index(index_dir)


@dataclass
class Plan:
    """Which files a reindex must parse (added or changed) and which it can skip."""

    digests: dict[Path, str]
    todo: list[tuple[Path, str | None]]  # (file, the article id it had, if indexed before)
    unchanged: dict[str, Path]  # article id -> file

    @classmethod
    def make(cls, files: list[Path], known: dict[str, Indexed], full: bool) -> Plan:
        digests = {path: digest_or_reason(path) for path in files}
        by_source = {record.source: article_id for article_id, record in known.items()}
        plan = cls(digests, [], {})
        for path in files:
            previous_id = by_source.get(str(path))
            if previous_id and not full and known[previous_id].digest == digests[path]:
                plan.unchanged[previous_id] = path
            else:
                plan.todo.append((path, previous_id))
        return plan


def digest_or_reason(path: Path) -> str:
    """The file's digest; for a file that cannot be read now, a value no digest equals, so that it
    is parsed (and reported by the parser) and keeps its old passages."""
    try:
        return source_digest(path)
    except OSError as error:
        return f"unreadable: {error.strerror or error}"


def open_writer(ix, wait: float, parallel: bool, close_fds: tuple[int, ...] = ()):
    """A writer; for big batches one that analyses and writes postings on every core."""
    procs = min(os.cpu_count() or 1, 4)
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

    def __init__(self, *args, close_fds: tuple[int, ...] = ()):
        super().__init__(*args)
        self.parent, self.close_fds = os.getpid(), close_fds

    def run(self):
        die_with_parent(self.parent)
        for fd in self.close_fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        super().run()


class ParallelWriter(MpWriter):
    """Whoosh's multi-process writer with a cancel that stops its processes (Whoosh's only flags
    them in the parent, leaving them blocked forever), a commit that never drops a segment, and
    processes that end with the reindex (a kill -9 of it must not leave them holding its lock)."""

    close_fds: tuple[int, ...] = ()

    def _new_task(self):
        task = GuardedTask(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
            close_fds=self.close_fds,
        )
        self.tasks.append(task)
        task.start()
        return task

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


class Update:
    """The writes of one reindex: articles replaced, their old passages remembered, tombstones."""

    def __init__(self, writer, before, known: dict[str, Indexed], report: ReindexReport):
        self.writer, self.before, self.known, self.report = writer, before, known, report
        self.stamp = now()

    def files(self, plan: Plan, parsed: Iterator[FileReport], progress) -> set[str]:
        """Parsed added and changed files into the writer; returns the article ids still present.
        A file that fails at any stage is reported and keeps what it had in the index."""
        claimed = dict(plan.unchanged)
        self.report.unchanged.extend(str(path) for path in plan.unchanged.values())
        seen = set(claimed)
        for (path, previous_id), file_report in zip(plan.todo, parsed, strict=True):
            if progress:
                progress(path)
            file_report = claim(file_report, claimed)
            article = file_report.article
            prepared = self.prepare(article, plan.digests[path]) if article is not None else None
            if isinstance(prepared, str) or article is None:
                self.report.failed.append((str(path), file_report.error or prepared))
                if previous_id:  # nothing lost: the old passages stay searchable
                    seen.add(previous_id)
                continue
            claimed[article.id] = path
            seen.add(article.id)
            if previous_id and previous_id != article.id:
                self.remove([previous_id])
            self.replace(article, prepared)
            fault("parsed")
        return seen

    def synonyms(self, corpus_dir: Path) -> bool:
        """Store the corpus's synonyms.txt when it changed; True if it did. An unreadable file
        keeps the synonyms stored before."""
        try:
            text = read_synonyms_text(corpus_dir)
        except ValueError as error:
            self.report.warnings.append((str(corpus_dir / SYNONYMS_FILE), str(error)))
            return False
        if text is not None:
            where = str(corpus_dir / SYNONYMS_FILE)
            self.report.warnings.extend((where, problem) for problem in parse_synonyms(text).problems)
        stored = self.before.document(id=SYNONYMS_ID)
        if (stored["payload"].decode("utf-8") if stored else None) == text:
            return False
        if text is None:
            self.writer.delete_by_term("id", SYNONYMS_ID)
        else:
            self.writer.update_document(**synonyms_document(text))
        return True

    def prepare(self, article: Article, digest: str) -> list[dict] | str:
        """The article's index documents, or why they cannot be made (the file is then skipped
        like one that does not parse: nothing of it reaches the writer)."""
        try:
            return list(documents(article, digest, self.stamp))
        except Exception as error:
            return f"its index documents could not be made ({type(error).__name__}: {error}); skipped"

    def replace(self, article: Article, prepared: list[dict]) -> None:
        previous = self.previous(article.id)
        self.writer.delete_by_term("article", article.id)
        self.writer.delete_by_term("id", f"tombstone:{article.id}")
        if previous is not None:
            self.remember(previous, {p.fingerprint for p in article.passages})
        for document in prepared:
            self.writer.add_document(**document)
        self.report.warnings.extend((article.source, w) for w in article.warnings)
        (self.report.changed if article.id in self.known else self.report.added).append(article.source)

    def previous(self, article_id: str) -> Article | None:
        fields = self.before.document(id=f"payload:{article_id}")
        return unpack(fields["payload"]) if fields else None

    def remember(self, old: Article, current: set[str]) -> None:
        """Keep the passages a change removes, so old permalinks find their closest successor."""
        indexed = self.known[old.id].indexed if old.id in self.known else None
        for passage in old.passages:
            if passage.fingerprint in current:
                continue
            version = {
                "number": passage.number,
                "ordinal": passage.ordinal,
                "kind": passage.kind,
                "text": passage.text,
                "indexed": indexed,
                "replaced": self.stamp,
            }
            self.writer.update_document(
                id=f"history:{old.id}:{passage.fingerprint}",
                doctype="history",
                payload=json.dumps(version, ensure_ascii=False),
            )

    def keep(self, documents, present: set[str]) -> None:
        """Documents carried over from an older index, but no tombstone of an article now present."""
        for document in documents:
            if document.get("doctype") == "tombstone" and document["id"].split(":", 1)[1] in present:
                continue
            self.writer.add_document(**document)

    def remove(self, article_ids: list[str]) -> None:
        for article_id in article_ids:
            old = self.before.document(id=f"payload:{article_id}")
            self.writer.delete_by_term("article", article_id)
            if old is not None:
                self.writer.update_document(
                    id=f"tombstone:{article_id}",
                    doctype="tombstone",
                    payload=old["payload"],
                    indexed=self.stamp,
                )
            if article_id in self.known and self.known[article_id].source not in self.report.removed:
                self.report.removed.append(self.known[article_id].source)


def count_passages(index_dir: Path) -> int:
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        return count_live(searcher, "passage")


def ensure_index(corpus_dir: Path, index_dir: Path) -> ReindexReport | None:
    """Build the index when it is missing or was built by another version (serve and the library
    call this); None if it is ready."""
    state = index_state(index_dir)
    if state.kind == "current":
        return None
    if state.kind in ("untrusted", "foreign"):
        raise IndexUnavailable(state.reason)
    return reindex(corpus_dir, index_dir)
