"""Each corpus file handled in a worker process with a time and memory budget.

A file can make any parser hang (a regular expression that backtracks forever), recurse past
the stack, or allocate gigabytes; only a separate process can be stopped safely in all three
cases. Workers are forked (cheap: the parser's modules are already loaded), limited with
RLIMIT_AS, die with their parent (PR_SET_PDEATHSIG), and never hold the reindex lock. A worker
past its time is killed and replaced; the file is reported and the others go on.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from .settings import setting

# Defaults in settings.py: 20 s of wall-clock time to parse one file (real articles take well
# under 1 s) and 2 GiB of address space a worker may add while parsing it.
MAX_WORKERS = 4
PDF_BUDGET_FACTOR = 3  # a PDF's time when no ARCHIVE_PDF_SECONDS is given
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WARM_UP_SECONDS = 2  # added to a new worker's first file's time: it may still be warming up


@dataclass(frozen=True)
class Budget:
    """What parsing one file may cost before it is stopped and reported."""

    seconds: float
    memory: int
    pdf_seconds: float | None = None  # a PDF's pages are laid out one by one: it may take longer

    @classmethod
    def from_environment(cls) -> Budget:
        """ARCHIVE_FILE_SECONDS, ARCHIVE_FILE_MEMORY_MB and ARCHIVE_PDF_SECONDS (see settings.py)."""
        return cls(
            float(setting("ARCHIVE_FILE_SECONDS")),
            int(setting("ARCHIVE_FILE_MEMORY_MB")) * 2**20,
            float(setting("ARCHIVE_PDF_SECONDS")),
        )

    def seconds_for(self, path: Path) -> float:
        """The time one file may take: more for a PDF (300 pages take about 25 s here)."""
        if path.suffix.lower() == ".pdf":
            return self.pdf_seconds if self.pdf_seconds is not None else PDF_BUDGET_FACTOR * self.seconds
        return self.seconds


@dataclass(frozen=True)
class Outcome:
    """What `function(path)` returned in a worker, or why it returned nothing."""

    path: Path
    value: object = None
    error: str | None = None
    # The error would come again from the same file (its time, its nesting), not from this
    # machine's state (memory, a process that could not start or died)
    lasting: bool = True


def run_isolated(
    function: Callable[[Path], object],
    paths: Iterable[Path],
    budget: Budget | None = None,
    close_fds: tuple[int, ...] = (),
) -> Iterator[Outcome]:
    """`function` applied to each path in a worker within the budget; outcomes in input order.

    `close_fds`: descriptors the workers must not keep open (the reindex lock)."""
    paths = list(paths)
    if not paths:
        return
    with Pool(function, budget or Budget.from_environment(), close_fds) as pool:
        yield from pool.map(paths)


class Worker:
    """One forked parsing process and the file it is working on."""

    def __init__(
        self, function: Callable, budget: Budget, close_fds: tuple[int, ...], warm: Callable[[], None] | None
    ):
        context = multiprocessing.get_context("fork")
        self.conn, child_conn = context.Pipe()
        self.process = context.Process(
            target=serve,
            args=(function, child_conn, budget.memory, close_fds, os.getpid(), warm),
            daemon=True,
        )
        self.process.start()
        child_conn.close()
        self.task: int | None = None
        self.deadline = 0.0
        self.used = False

    def give(self, task: int, path: Path, seconds: float) -> None:
        """The file to parse in `seconds`, and the time a new worker's warm-up may still take."""
        grace = 0 if self.used else WARM_UP_SECONDS
        self.task, self.deadline, self.used = task, time.monotonic() + seconds + grace, True
        self.conn.send(str(path))

    def stop(self) -> None:
        """Let the worker finish and exit; one never given a file is killed at once (it may still
        be warming up, and holds nothing)."""
        if self.used:
            with contextlib.suppress(OSError):
                self.conn.send(None)
            self.process.join(timeout=1)
        self.kill()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


class Pool:
    """Workers handing back outcomes in input order; a stuck or dead worker is replaced.

    `warm`, when given, is run by each worker as soon as it is forked: a pool started before the
    caller knows its files gets them parsed by a worker that warmed up meanwhile on another core
    (see reindex.update_index). `started` workers are forked at once; map() adds what it needs."""

    def __init__(
        self,
        function: Callable,
        budget: Budget,
        close_fds: tuple[int, ...] = (),
        warm: Callable[[], None] | None = None,
        started: int = 0,
    ):
        self.function, self.budget, self.close_fds, self.warm = function, budget, close_fds, warm
        self.workers: list[Worker] = []
        self.grow(started)

    def worker(self) -> Worker:
        return Worker(self.function, self.budget, self.close_fds, self.warm)

    def grow(self, size: int) -> None:
        while len(self.workers) < size:
            self.workers.append(self.worker())

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        for worker in self.workers:
            worker.stop()

    def map(self, paths: list[Path]) -> Iterator[Outcome]:
        if not paths:
            return
        self.grow(min(os.cpu_count() or 1, MAX_WORKERS, len(paths)))
        done: dict[int, Outcome] = {}
        todo = iter(enumerate(paths))
        following = 0
        for slot in range(len(self.workers)):
            self.feed(slot, todo, done)
        while following < len(paths):
            busy = [w for w in self.workers if w.task is not None]
            if not busy:  # every file left was reported by feed: no worker could take it
                yield done.pop(following)
                following += 1
                continue
            ready = wait(
                [w.conn for w in busy], timeout=max(0.0, min(w.deadline for w in busy) - time.monotonic())
            )
            for slot, worker in enumerate(self.workers):
                answered = worker.conn in ready
                if worker.task is None or not (answered or time.monotonic() >= worker.deadline):
                    continue
                task = worker.task
                done[task] = self.collect(worker, paths[task], answered)
                if not answered or not worker.process.is_alive():
                    worker.kill()
                    self.workers[slot] = self.worker()
                self.feed(slot, todo, done)
            while following in done:
                yield done.pop(following)
                following += 1

    def feed(self, slot: int, todo: Iterator[tuple[int, Path]], done: dict[int, Outcome]) -> None:
        """The worker in `slot` its next file, if any is left. A worker that died meanwhile (it
        may have waited since the pool started: see reindex.update_index) is replaced; a file
        that no new worker takes either is reported in `done`, and the next one tried."""
        self.workers[slot].task = None
        for number, path in todo:
            if self.handed(slot, number, path):
                return
            done[number] = Outcome(
                path, error="no parser process could be started for it; skipped", lasting=False
            )

    def handed(self, slot: int, number: int, path: Path) -> bool:
        for _ in range(2):
            try:
                self.workers[slot].give(number, path, self.budget.seconds_for(path))
                return True
            except OSError:  # its pipe is closed: the worker is gone
                self.workers[slot].kill()
                self.workers[slot] = self.worker()
        self.workers[slot].task = None
        return False

    def collect(self, worker: Worker, path: Path, answered: bool) -> Outcome:
        """The worker's outcome, or why it gave none."""
        if not answered:
            return Outcome(path, error=f"it took over {self.budget.seconds_for(path):g} s to parse; skipped")
        try:
            return worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=1)
            died = describe_exit(worker.process.exitcode)
            return Outcome(path, error=f"its parser process died ({died}); skipped", lasting=False)


def describe_exit(code: int | None) -> str:
    if code is not None and code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit status {code}"


def serve(
    function: Callable,
    conn: Connection,
    memory: int,
    close_fds: tuple[int, ...],
    parent: int,
    warm: Callable[[], None] | None = None,
) -> None:
    """A worker's life: warm up, then apply `function` to the paths it is sent, until told to stop."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    for fd in close_fds:
        with contextlib.suppress(OSError):
            os.close(fd)
    limit_memory(memory)
    if warm is not None:
        with contextlib.suppress(Exception):  # only a head start: the files still get parsed
            warm()
    while True:
        try:
            path = conn.recv()
        except EOFError:
            return
        if path is None:
            return
        outcome = guarded(function, Path(path), memory)
        try:
            conn.send(outcome)
        except Exception as error:  # pickled before anything is written: the pipe stays whole
            conn.send(
                Outcome(
                    outcome.path,
                    error=f"its result could not be handed over ({error}); skipped",
                    lasting=False,
                )
            )


def guarded(function: Callable, path: Path, memory: int) -> Outcome:
    """`function(path)`, with every failure an outcome: nothing a file holds may end the worker."""
    try:
        return Outcome(path, function(path))
    except MemoryError:
        return Outcome(
            path, error=f"parsing it needed over {memory // 2**20} MB of memory; skipped", lasting=False
        )
    except RecursionError:
        return Outcome(path, error="its structure nests too deeply to read; skipped")
    except Exception as error:  # a parser's bug, not the file's fault: still only this file
        return Outcome(path, error=f"it could not be parsed ({type(error).__name__}: {error}); skipped")


def die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies (a kill -9 of a reindex must not
    leave workers behind); elsewhere the closed pipe ends them at their next file."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def limit_memory(budget: int) -> None:
    """Address space capped at what the fork inherited plus the budget."""
    with contextlib.suppress(OSError, ValueError):
        pages = int(Path("/proc/self/statm").read_text().split()[0])
        inherited = pages * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (inherited + budget, inherited + budget))
