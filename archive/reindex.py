"""Reindex: incremental by content hash, one atomic commit, one writer at a time, nothing lost."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from .check import CorpusScan, FileReport, check_files, claim, parsers, scan_corpus
from .cite import citation_parts, warm_citations
from .citeproc_js import CiteprocMissing
from .engine import pairs, writing
from .engine.documents import (
    COMMON_ID,
    SYNONYMS_ID,
    DamagedPayload,
    catalog_document,
    citations_document,
    common_document,
    common_words,
    documents,
    synonyms_document,
    unpack,
)
from .engine.folder import LOCK, IndexUnavailable, index_state, read_marker, write_marker
from .faults import fault
from .isolation import Pool
from .models import Article
from .parse import MAX_BYTES, PARSER_VERSION, existing_sidecar, sidecar_name, sidecar_status
from .synonyms import SYNONYMS_FILE, parse_synonyms, read_synonyms_text

PARALLEL_FROM = 16  # files: below this, starting worker processes costs more than it saves
# Articles from which a reindex renders their citations for their pages (cite.citation_parts):
# building the styles' engines takes a few seconds, so a smaller update leaves its articles to be
# cited when a page first asks (7 ms each), and one changed article is searchable in well under 1 s.
CITE_FROM = 100
CITE_QUEUE = 64  # articles waiting for their citations, at most
CITE_FAILURES = 3  # articles whose citations fail before the others are no longer tried


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


def indexed_articles(ix) -> tuple[dict[str, Indexed], bool]:
    """What the index holds of each article, and whether its catalog document said so (else it
    was read from every article record, and the catalog is written again)."""
    if (entries := writing.stored_catalog(ix)) is not None:
        return {article_id: Indexed(*entry) for article_id, entry in entries.items()}, True
    return records_of_articles(ix), False


def records_of_articles(ix) -> dict[str, Indexed]:
    return {
        d["article"]: Indexed(d["source"], d["digest"], d.get("indexed"))
        for d in writing.stored_records(ix, "article")
    }


def reindex(
    corpus_dir: Path,
    index_dir: Path,
    full: bool = False,
    wait: float = 5.0,
    progress: Callable[[Path], None] | None = None,
    cite: bool = True,
) -> ReindexReport:
    """Bring the index in line with the corpus in one atomic commit.

    Only added or changed files are parsed (by content hash) unless `full`; a changed file that no
    longer parses keeps its previous documents; files gone from the corpus lose theirs, leaving a
    tombstone so that their permalinks can say what they cited. With `cite`, a reindex of many
    articles renders their citations for their pages (see CITE_FROM); it starts V8 in this
    process, which must then never fork a process that cites.
    """
    started = time.monotonic()
    report = ReindexReport()
    with reindex_lock(index_dir, wait) as lock_fd:
        recover_swap(index_dir)
        index_dir.mkdir(exist_ok=True)
        job = Job(corpus_dir, full, wait, report, progress, (lock_fd,), cite)
        state = index_state(index_dir)
        if state.kind == "untrusted" and not full:
            raise IndexUnavailable(state.reason)
        if state.kind in ("outdated", "untrusted"):  # untrusted: rebuilt only when --full asks
            if state.kind == "outdated":  # every file is parsed and indexed again: say why
                report.warnings.append((str(index_dir), f"{state.reason}: it was built again"))
            rebuild(job, index_dir, keep=state.kind == "outdated")
        else:
            update_index(job, index_dir)
    report.passages = writing.count_passages(index_dir)
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
    cite: bool = True  # render the articles' citations in advance (see CITE_FROM)


def update_index(job: Job, index_dir: Path, kept=()) -> None:
    """The reindex itself, under the lock; `kept` are documents to carry over (see rebuild).
    A parsing worker starts first and warms up on another core while the corpus is listed and
    compared with the index."""
    with parsers(close_fds=job.close_fds) as pool:
        update_with(job, index_dir, kept, pool)


def update_with(job: Job, index_dir: Path, kept, pool: Pool) -> None:
    """update_index with its parsing workers started."""
    scan = scan_corpus(job.corpus_dir)
    files = scan.files
    job.report.skipped = [(str(path), reason) for path, reason in scan.skipped]
    ix = writing.open_or_create(index_dir, created=now(), index_id=secrets.token_hex(8))
    if removed := writing.remove_leftovers(index_dir):
        job.report.warnings.append((str(index_dir), f"removed {len(removed)} files of an unfinished commit"))
    known, cataloged = indexed_articles(ix)
    report = job.report
    reparse = job.full or (bool(known) and older_parser(index_dir, report))
    plan = Plan.make(files, known, reparse, remembered_digests(index_dir))
    parsed = check_files([path for path, _ in plan.todo], pool=pool)
    try:
        batch = writing.Batch(
            ix, index_dir, job.wait, parallel=len(plan.todo) >= PARALLEL_FROM, close_fds=job.close_fds
        )
    except BaseException:
        parsed.close()
        raise
    update = None
    # Started before the corpus's frequent words are counted: citeproc-js's engines are built on
    # its thread meanwhile, on the other core (3-6 s of V8 that held up the first articles)
    citing = Citing(report) if job.cite and len(plan.todo) >= CITE_FROM else None
    try:
        common = index_common_words(batch, known, [p for p, _ in plan.todo])
        update = Update(batch, known, report, common, citing)
        seen = update.files(plan, parsed, job.progress) | settled_files(plan, report)
        unseen = [a for a in known if a not in seen and not kept_while_unreadable(known[a].source, scan)]
        update.remove(unseen)
        update.keep(kept, seen)
        synonyms_changed = update.synonyms(job.corpus_dir)
        changed = synonyms_changed or report.added or report.changed or report.removed
        if reparse or kept or changed or not cataloged:  # no catalog of this generation: write it
            update.citations(wait=True)
            batch.put(catalog_document(update.catalog, batch.generation))
            batch.commit(optimize=job.full)
        else:  # nothing changed: no new generation, so open searchers stay current
            batch.cancel()
    except OSError as error:  # disk full, quota, I/O error: the old index stays as it was
        batch.abandon()
        raise IndexUnavailable(write_failure(index_dir, error)) from error
    except BaseException:
        batch.abandon()
        raise
    finally:
        parsed.close()  # stops the parsing workers, also on an error
        if citing is not None:
            citing.close()
        batch.close()
    write_marker(index_dir, updated=now(), parser_version=PARSER_VERSION)
    remember_digests(index_dir, plan.states, {**plan.settled, **update.outcomes} if update else {})


def settled_files(plan: Plan, report: ReindexReport) -> set[str]:
    """The files not read again (Plan.settled) in the report as they were found; returns the ids
    of the articles a failing file had, which stay indexed."""
    again = "unchanged since the last reindex, not read again (`reindex --full` reads it)"
    for path, (kind, reason) in plan.settled.items():
        (report.failed if kind == "failed" else report.skipped).append((str(path), f"{reason} ({again})"))
    return {
        plan.settled_ids[path]
        for path, (kind, _) in plan.settled.items()
        if kind == "failed" and path in plan.settled_ids
    }


def older_parser(index_dir: Path, report: ReindexReport) -> bool:
    """Whether the index's articles were parsed by another version of the parser (an index built
    before parsers had versions says none): their files are then parsed again, changed or not,
    and the report says why."""
    version = (read_marker(index_dir) or {}).get("parser_version")
    if version == PARSER_VERSION:
        return False
    then = f"version {version}" if version is not None else "an unversioned one"
    report.warnings.append(
        (
            str(index_dir),
            f"its articles were parsed by {then} of the parser, this is version "
            f"{PARSER_VERSION}: every file was parsed again",
        )
    )
    return True


def index_common_words(batch: writing.Batch, known: dict, files: list[Path]) -> frozenset[str]:
    """The words whose pairs the index holds (engine/pairs.py): those stored with it; for an index
    that has no articles yet, the function words and its corpus's most frequent words, now stored
    with it. They never change while it has articles (its pairs were written with them)."""
    if known:
        words = common_words(batch.stored(COMMON_ID))
        batch.use_common_words(words)
        return words
    words = pairs.COMMON | pairs.frequent_stems(sample_texts(files))
    batch.use_common_words(words)
    batch.put(common_document(words))  # whole: a later version's function words must not count
    return words


SAMPLE_FILES, SAMPLE_BYTES = 200, 200_000  # what is read of a corpus to find its frequent words
MARKUP = re.compile(r"<[^>]{0,2000}>")
# A page's scripts and styles, whose words ("function", "px", "var") are no prose's: taken out
# before the markup, or the corpus's frequent words would be a web page's code
SCRIPTS = re.compile(r"<(script|style)\b[^>]{0,2000}>.*?</\1\s*>", re.S | re.I)


def sample_texts(files: list[Path]) -> Iterator[str]:
    """The beginning of up to SAMPLE_FILES files spread over the list, markup, scripts and styles
    taken out (PDFs left out: their bytes are not their text)."""
    readable = [path for path in files if path.suffix.lower() != ".pdf"]
    for path in readable[:: max(1, len(readable) // SAMPLE_FILES)][:SAMPLE_FILES]:
        try:
            with open(path, "rb") as handle:
                raw = handle.read(SAMPLE_BYTES)
        except OSError:  # reported by the parser
            continue
        yield MARKUP.sub(" ", SCRIPTS.sub(" ", raw.decode("utf-8", errors="replace")))


def kept_while_unreadable(source: str, scan: CorpusScan) -> bool:
    """An indexed file that cannot be read now (its folder is unreadable, its link broken) is
    not a removed file: what was indexed stays indexed until it can be read again."""
    return any(source == str(path) or source.startswith(f"{path}/") for path, _ in scan.unreadable)


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
        return writing.kept_records(index_dir)
    except Exception as error:  # an index too old to read: the rebuild goes on without them
        report.warnings.append((str(index_dir), f"could not keep removed-article records: {error}"))
        return []


@dataclass
class Plan:
    """Which files a reindex must parse (added or changed) and which it can skip."""

    digests: dict[Path, str]
    states: dict[Path, tuple[list[int], str]]  # each file's state and digest, to remember
    todo: list[tuple[Path, str | None]]  # (file, the article id it had, if indexed before)
    unchanged: dict[str, Path]  # article id -> file
    # Files unchanged since the last reindex read them and found no article (failed, or no
    # article), with what it found: not read again (one too slow to parse took 20 s every time)
    settled: dict[Path, tuple[str, str]] = field(default_factory=dict)
    settled_ids: dict[Path, str] = field(default_factory=dict)  # their articles of before

    @classmethod
    def make(cls, files: list[Path], known: dict[str, Indexed], full: bool, remembered: dict) -> Plan:
        """`remembered`: the digests of the last reindex, by path, with the files' states then."""
        started = time.time_ns()
        states = {path: file_state(path) for path in files}
        digests = {path: known_digest(remembered.get(str(path)), states[path]) or digest_or_reason(path)
                   for path in files}  # fmt: skip
        by_source = {record.source: article_id for article_id, record in known.items()}
        remember = {
            p: (states[p], digests[p])
            for p in files
            if states[p] and not unreadable(digests[p]) and not racy(states[p], started)
        }
        plan = cls(digests, remember, [], {})
        for path in files:
            previous_id = by_source.get(str(path))
            outcome = None if full else known_outcome(remembered.get(str(path)), digests[path])
            if previous_id and not full and known[previous_id].digest == digests[path]:
                plan.unchanged[previous_id] = path
            elif outcome and path in remember:
                plan.settled[path] = outcome
                if previous_id:
                    plan.settled_ids[path] = previous_id
            else:
                plan.todo.append((path, previous_id))
        return plan


# Beside the index's own files: each corpus file's state and content hash at the last reindex, so
# that a reindex reads only the files whose state changed (hashing all 1,234 files of a 66 MB
# corpus was 0.4 s of the 1.3 s a one-article change took). Only a cache: lost or damaged, every
# file is hashed again.
DIGESTS = "archive-digests.json"


def file_state(path: Path) -> list[int] | None:
    """What changes whenever a file's content does, for the file and its sidecar: size, inode,
    and the change time, which the kernel sets on every write and no copying tool can set back.
    None when it cannot be read (then it is hashed, or reported)."""
    try:
        name = os.fspath(path)
        state = []
        for info in (os.stat(name), sidecar_status(sidecar_name(name, path.suffix))):
            if info is not None:  # a regular sidecar: its lstat is its stat
                state += [info.st_size, info.st_ino, info.st_ctime_ns, info.st_mtime_ns]
        return state
    except OSError:
        return None


def racy(state: list[int], started: int) -> bool:
    """Whether the file (or its sidecar) changed too shortly before it was read to be remembered:
    the kernel's change times are coarse (a few ms), so a write right after the read could leave
    the same state, as git's "racily clean" entries (they are hashed again next time)."""
    return any(changed >= started - RACY_SECONDS * 10**9 for changed in state[2::4])


RACY_SECONDS = 2


def known_digest(remembered, state: list[int] | None) -> str | None:
    """The remembered digest when the file is in the state it was then."""
    if state is None or not isinstance(remembered, list) or len(remembered) not in (2, 3):
        return None
    then, digest = remembered[:2]
    return digest if then == state and isinstance(digest, str) else None


def known_outcome(remembered, digest: str) -> tuple[str, str] | None:
    """What reading the file gave at the last reindex, when it gave no article ("failed" or
    "skipped", and why) and the file and parser are as they were then."""
    if not isinstance(remembered, list) or len(remembered) != 3 or remembered[1] != digest:
        return None
    outcome = remembered[2]
    if not isinstance(outcome, dict) or outcome.get("parser") != PARSER_VERSION:
        return None
    kind, reason = outcome.get("kind"), outcome.get("reason")
    return (kind, reason) if kind in ("failed", "skipped") and isinstance(reason, str) else None


def remembered_digests(index_dir: Path) -> dict:
    try:
        remembered = json.loads((index_dir / DIGESTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return remembered if isinstance(remembered, dict) else {}


def remember_digests(
    index_dir: Path, states: dict[Path, tuple[list[int], str]], outcomes: dict[Path, tuple[str, str]]
) -> None:
    """The files' states and digests, and for those that gave no article, why (see known_outcome)."""
    entries = {}
    for path, (state, digest) in states.items():
        entries[str(path)] = [state, digest]
        if path in outcomes:
            kind, reason = outcomes[path]
            entries[str(path)].append({"parser": PARSER_VERSION, "kind": kind, "reason": reason})
    temporary = index_dir / f".{DIGESTS}.tmp"
    try:
        temporary.write_text(json.dumps(entries), encoding="utf-8")
        os.replace(temporary, index_dir / DIGESTS)
    except OSError:  # only a cache: the next reindex hashes the files again
        temporary.unlink(missing_ok=True)


def source_digest(path: Path) -> str:
    """Content hash of an article file and its sidecar: either changing means reindex. Read in
    blocks: the size limit is the parser's to enforce, with a message, not the planner's."""
    info = path.stat()
    if info.st_size > MAX_BYTES:  # never read: the parser reports it; its size and time stand in
        return f"size:{info.st_size}:mtime:{info.st_mtime_ns}"
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        hashlib.file_digest(handle, lambda: digest)
    if sidecar := existing_sidecar(path):
        digest.update(b"\0sidecar\0")
        with open(sidecar, "rb") as handle:
            hashlib.file_digest(handle, lambda: digest)
    return digest.hexdigest()


def unreadable(digest: str) -> bool:
    return digest.startswith(UNREADABLE)


UNREADABLE = "unreadable: "


def digest_or_reason(path: Path) -> str:
    """The file's digest; for a file that cannot be read now, a value no digest equals, so that it
    is parsed (and reported by the parser) and keeps its old passages."""
    try:
        return source_digest(path)
    except OSError as error:
        return f"{UNREADABLE}{error.strerror or error}"


class Citing:
    """Each article's citations rendered (cite.citation_parts) on a thread of their own while the
    reindex goes on, as documents once done: V8 runs without the interpreter lock. Rendered in
    line, they held up the articles' way to the writers (the 130,000-passage build took 32 s
    more than without them, against 19 s more on a thread). An article whose citations fail is
    reported and left to its pages; after CITE_FAILURES of them, or without citeproc-js, the
    rest are too."""

    def __init__(self, report: ReindexReport):
        self.report = report
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="citations")
        self.pending: deque[tuple[Article, Future]] = deque()
        self.failures = 0
        # The engines built before the first article comes (a failure here is the first
        # article's to report: it is met again there)
        self.pool.submit(warm_citations)

    def add(self, article: Article) -> None:
        if self.failures < CITE_FAILURES:
            self.pending.append((article, self.pool.submit(citation_parts, article)))

    def ready(self, wait: bool) -> list[dict]:
        """The documents of the articles done, oldest first (all of them, when `wait`; the oldest
        anyway while too many wait: each holds its article)."""
        made = []
        while self.pending and (wait or self.pending[0][1].done() or len(self.pending) > CITE_QUEUE):
            article, future = self.pending.popleft()
            try:
                made.append(citations_document(article.id, future.result()))
            except CancelledError:
                continue
            except Exception as error:
                self.failed(article, error)
        return made

    def failed(self, article: Article, error: Exception) -> None:
        self.failures = CITE_FAILURES if isinstance(error, CiteprocMissing) else self.failures + 1
        stopped = "; the others are cited by their pages" if self.failures >= CITE_FAILURES else ""
        reason = f"its citations were not rendered in advance ({type(error).__name__}: {error}){stopped}"
        self.report.warnings.append((article.source, reason))
        if stopped:
            for _, future in self.pending:
                future.cancel()  # those done are kept

    def close(self) -> None:
        for _, future in self.pending:
            future.cancel()
        self.pending.clear()
        self.pool.shutdown(wait=True, cancel_futures=True)


class Update:
    """The writes of one reindex: articles replaced, their old passages remembered, tombstones."""

    def __init__(
        self,
        batch: writing.Batch,
        known: dict[str, Indexed],
        report: ReindexReport,
        common: frozenset[str],
        citing: Citing | None = None,
    ):
        self.batch, self.known, self.report = batch, known, report
        self.common = common  # the index's common words (see engine/pairs.py)
        self.citing = citing  # citations rendered in advance (see CITE_FROM)
        self.stamp = now()
        # What the index will hold of each article after the commit (documents.catalog_document)
        self.catalog = {key: (record.source, record.digest, record.indexed) for key, record in known.items()}
        self.outcomes: dict[Path, tuple[str, str]] = {}  # files read that gave no article, and why

    def files(self, plan: Plan, parsed: Iterator[FileReport], progress) -> set[str]:
        """Parsed added and changed files into the writer; returns the article ids still present.
        A file that fails at any stage is reported and keeps what it had in the index."""
        claimed = dict(plan.unchanged)
        self.report.unchanged.extend(str(path) for path in plan.unchanged.values())
        seen = set(claimed)
        for (path, previous_id), file_report in zip(plan.todo, parsed, strict=True):
            if progress:
                progress(path)
            # As read, whatever other files hold; not a failure of this machine's (memory, a process)
            if (file_report.error and file_report.lasting) or file_report.skipped:
                self.outcomes[path] = (
                    ("failed", file_report.error) if file_report.error else ("skipped", file_report.skipped)
                )
            file_report = claim(file_report, claimed)
            if file_report.skipped:  # read, and no article: gone from the index like a file removed
                self.report.skipped.append((str(path), file_report.skipped))
                continue
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
            if self.citing:
                self.citing.add(article)
                self.citations(wait=False)
            fault("parsed")
        return seen

    def citations(self, wait: bool) -> None:
        """Into the writer: the documents of the citations rendered so far (all, when `wait`)."""
        for document in self.citing.ready(wait) if self.citing else ():
            self.batch.add(document)

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
        stored = self.batch.stored(SYNONYMS_ID)
        if (stored["payload"].decode("utf-8") if stored else None) == text:
            return False
        if text is None:
            self.batch.delete(SYNONYMS_ID)
        else:
            self.batch.put(synonyms_document(text))
        return True

    def prepare(self, article: Article, digest: str) -> list[dict] | str:
        """The article's index documents, or why they cannot be made (the file is then skipped
        like one that does not parse: nothing of it reaches the writer)."""
        try:
            return list(documents(article, digest, self.stamp, self.common))
        except Exception as error:
            return f"its index documents could not be made ({type(error).__name__}: {error}); skipped"

    def replace(self, article: Article, prepared: list[dict]) -> None:
        try:
            previous = self.previous(article.id)
        except DamagedPayload as error:  # the new parse replaces it all the same
            self.report.warnings.append(
                (
                    article.source,
                    f"its earlier copy in the index could not be read ({error.reason}): the "
                    "permalinks of passages this change removed will not find their successors",
                )
            )
            previous = None
        self.batch.delete_article(article.id)
        self.batch.delete(f"tombstone:{article.id}")
        if previous is not None:
            self.remember(previous, {p.fingerprint for p in article.passages})
        for document in prepared:
            self.batch.add(document)
            if document["doctype"] == "article":  # the record, as written
                self.catalog[article.id] = (document["source"], document["digest"], document["indexed"])
        self.report.warnings.extend((article.source, w) for w in article.warnings)
        (self.report.changed if article.id in self.known else self.report.added).append(article.source)

    def previous(self, article_id: str) -> Article | None:
        payload = self.batch.parsed(article_id)
        return unpack(payload, f"article {article_id}") if payload else None

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
            self.batch.put(
                {
                    "id": f"history:{old.id}:{passage.fingerprint}",
                    "doctype": "history",
                    "payload": json.dumps(version, ensure_ascii=False),
                }
            )

    def keep(self, documents, present: set[str]) -> None:
        """Documents carried over from an older index, but no tombstone of an article now present."""
        for document in documents:
            if document.get("doctype") == "tombstone" and document["id"].split(":", 1)[1] in present:
                continue
            self.batch.add(document)

    def remove(self, article_ids: list[str]) -> None:
        for article_id in article_ids:
            old = self.batch.parsed(article_id)
            self.batch.delete_article(article_id)
            self.catalog.pop(article_id, None)
            if old is not None:
                self.batch.put(
                    {
                        "id": f"tombstone:{article_id}",
                        "doctype": "tombstone",
                        "payload": old,
                        "indexed": self.stamp,
                    }
                )
            if article_id in self.known and self.known[article_id].source not in self.report.removed:
                self.report.removed.append(self.known[article_id].source)


def ensure_index(corpus_dir: Path, index_dir: Path) -> ReindexReport | None:
    """Build the index when it is missing or was built by another version (serve and the library
    call this); None if it is ready."""
    state = index_state(index_dir)
    if state.kind == "current":
        return None
    if state.kind in ("untrusted", "foreign"):
        raise IndexUnavailable(state.reason)
    # Without citations in advance: `serve` builds the index in the process that then forks the
    # server's workers, and a worker that inherits a V8 context hangs for good when it frees it.
    return reindex(corpus_dir, index_dir, cite=False)
