"""The production server: gunicorn, one worker process per core, a few threads each.

Measured on the search page (2 cores, wrk -t2 -c8, 10 s): gunicorn with 2 workers x 4 threads
served 147 requests/s at 56 ms mean latency; waitress (one process, 8 threads) 51 requests/s at
156 ms, because one process runs Python on one core at a time.

Keep-alive is off: a kept-alive connection stays with the worker that accepted it, and with 16
clients one worker often held most of them while the other core idled (90-190 requests/s from run
to run on new queries at 100k passages); a connection per request spreads them (180-190/s). The
cost is a TCP handshake per request, which a reverse proxy in front would hide.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Mapping

from gunicorn.app.base import BaseApplication
from gunicorn.http.errors import LimitRequestLine
from gunicorn.util import write_nonblock
from gunicorn.workers.gthread import ThreadWorker

from ..cite import warm_citations
from ..settings import SERVER_THREADS
from . import store
from .errors import address_too_long
from .warmup import warm_pages

WORKER_TIMEOUT = 60  # seconds a request may run before gunicorn restarts its worker
GRACEFUL_TIMEOUT = 10  # seconds a stopping worker has to finish its requests
# A pasted paragraph makes a long URL: gunicorn's largest request line (8,190 bytes, against 4,094
# by default) takes a query of 5,000 plain characters.
MAX_REQUEST_LINE = 8190


class ArchiveServer(BaseApplication):
    def __init__(self, config: Mapping, options: Mapping):
        self.archive_config = dict(config)
        self.options = dict(options)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from . import create_app

        return create_app(self.archive_config)


class ArchiveWorker(ThreadWorker):
    """gunicorn's threaded worker, with the archive's own page for an address too long to read
    (gunicorn answers it before the app sees the request, with an unstyled "Bad Request")."""

    def handle_error(self, req, client, addr, exc):
        if not isinstance(exc, LimitRequestLine):
            return super().handle_error(req, client, addr, exc)
        self.log.warning("a request line over %d bytes was refused", MAX_REQUEST_LINE)
        try:
            page = address_too_long(self.wsgi, MAX_REQUEST_LINE)
            body = page.get_data()
            page.headers["Content-Length"] = str(len(body))
            page.headers["Connection"] = "close"
            head = "".join(f"{name}: {value}\r\n" for name, value in page.headers.items())
            write_nonblock(client, f"HTTP/1.1 {page.status}\r\n{head}\r\n".encode("latin-1") + body)
        except Exception:  # the client has gone, or the page failed: gunicorn's own answer then
            self.log.exception("the page for a too-long address could not be sent")
            super().handle_error(req, client, addr, exc)


class Warmth:
    """Which of a server's workers have warmed up: their process ids, in memory the master shares
    with the workers it forks (each writes its own slot, by gunicorn's worker number). `/readyz`
    answers 200 only once `workers` live processes have: until then a query sent as soon as one
    worker answers competes for the CPU with the others' warm-up (a first query took 93 ms then at
    130,000 passages, 32-49 ms once both workers were warm). A worker that stops is taken off; one
    that died is not counted; a restarted one counts once warm again."""

    SLOTS = 64

    def __init__(self, workers: int):
        self.workers = workers
        self._pids = multiprocessing.RawArray("i", self.SLOTS)

    def add(self, number: int, pid: int) -> None:
        self._pids[number % self.SLOTS] = pid

    def remove(self, pid: int) -> None:
        for slot, each in enumerate(self._pids):
            if each == pid:
                self._pids[slot] = 0

    def count(self) -> int:
        """Live workers warmed up, at most `workers`."""
        return min(self.workers, len({pid for pid in self._pids if pid and _alive(pid)}))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):  # gone, or its number taken by another user's
        return False
    return True


def _warm(worker) -> None:
    """Open the index, build the citation engines and render each page kind once in each worker
    before it takes requests: the first search would otherwise pay for the index's tables and its
    templates, the first citation for V8 and citeproc-js (about 2 s)."""
    try:
        store.warm(worker.wsgi)
    except Exception:  # the requests then get the index's own message
        worker.log.exception("the index could not be opened")
    try:
        warm_citations()
    except Exception:  # citations then fail with their own message; serving search must not
        worker.log.exception("the citation engine could not be warmed")
    try:
        warm_pages(worker.wsgi)
    finally:  # a worker that could not warm still serves, with each page's own message
        # What warming made lives as long as the worker (the index's tables, the lexicon, the
        # templates): left to the collector, each full collection walked all of it again, a pause
        # of ~0.1 s for every thread of the worker (130,000 passages), 0.01 s once frozen
        gc.collect()  # warming's own garbage is freed, not frozen for the worker's life
        gc.freeze()
        worker.wsgi.config["WARMTH"].add(worker.age, worker.pid)
    try:
        store.keep_warm(worker.wsgi)
    except Exception:  # the searches then build each new version's tables themselves
        worker.log.exception("new versions of the index will not be warmed ahead")


def _close(server, worker) -> None:
    """Close the index's searchers when a worker stops (not when its app failed to load)."""
    app = getattr(worker, "wsgi", None)  # absent when the app failed to load, or in the master
    if "archive" in getattr(app, "extensions", {}):
        app.config["WARMTH"].remove(worker.pid)
        store.close(app)


def serve(
    config: Mapping, host: str, port: int, workers: int | None = None, threads: int = SERVER_THREADS
) -> None:
    """Serve create_app(config) until interrupted."""
    workers = workers or os.cpu_count() or 2
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": ArchiveWorker,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "warning",
        "timeout": WORKER_TIMEOUT,
        "keepalive": 0,  # see the module docstring
        "limit_request_line": MAX_REQUEST_LINE,
        "graceful_timeout": GRACEFUL_TIMEOUT,
        "post_worker_init": _warm,
        "worker_exit": _close,
    }
    ArchiveServer({**config, "WARMTH": Warmth(workers)}, options).run()
