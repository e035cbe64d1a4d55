"""The index behind the app, opened lazily, once per process: get_handle() in a request; warm()
when a worker starts; close() when it stops. create_app() itself touches no file."""

from __future__ import annotations

import threading
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .. import search
from ..engine.index import IndexHandle
from ..reindex import ensure_index

STOP_WARMING_SECONDS = 5.0  # a warm-up under way is left to finish on its daemon thread after this


class Store:
    """The app's one IndexHandle, opened on first use (a worker process opens its own)."""

    def __init__(self, corpus: Path, index_dir: Path, build_missing: bool):
        self.corpus, self.index_dir, self.build_missing = corpus, index_dir, build_missing
        self._handle: IndexHandle | None = None
        self._lock = threading.Lock()
        self._warming: tuple[threading.Thread, threading.Event] | None = None

    def handle(self) -> IndexHandle:
        """The open index; building it first when it is missing and the app may (flask run).
        Raises IndexUnavailable, which the error pages explain, when it cannot be opened."""
        handle = self._handle
        if handle is None:
            with self._lock:
                if self._handle is None:
                    if self.build_missing:
                        ensure_index(self.corpus, self.index_dir)
                    self._handle = IndexHandle(self.index_dir)
                handle = self._handle
        return handle

    def keep_warm(self) -> None:
        """Warm each new version of the index on a thread of its own (search.keep_warm)."""
        with self._lock:
            if self._warming is None:
                stop = threading.Event()
                thread = threading.Thread(
                    target=search.keep_warm, args=(self.handle, stop), name="keep-warm", daemon=True
                )
                thread.start()
                self._warming = (thread, stop)

    def close(self) -> None:
        warming, self._warming = self._warming, None
        if warming is not None:  # stopped first: it would open a searcher again
            thread, stop = warming
            stop.set()
            thread.join(timeout=STOP_WARMING_SECONDS)
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None


def init_app(app: Flask) -> None:
    app.extensions["archive"] = Store(
        Path(app.config["CORPUS"]), Path(app.config["INDEX"]), bool(app.config["BUILD_MISSING_INDEX"])
    )
    app.cli.add_command(reindex_command)


def get_handle() -> IndexHandle:
    """The app's index. Its searchers live per thread and are refreshed, never reopened, per request."""
    return current_app.extensions["archive"].handle()


def warm(app: Flask) -> None:
    """Open the index and build what searches share before the first request, not during it."""
    search.warm(app.extensions["archive"].handle())


def keep_warm(app: Flask) -> None:
    """Warm each new version of the index as a reindex commits it, not in a request."""
    app.extensions["archive"].keep_warm()


def close(app: Flask) -> None:
    """Close the index's searchers (a stopping worker, the end of a test)."""
    app.extensions["archive"].close()


@click.command("reindex")
@click.option("--full", is_flag=True, help="Re-parse every file, not only added and changed ones.")
@with_appcontext
def reindex_command(full: bool) -> None:
    """Bring the app's index in line with its corpus (flask --app archive.web reindex)."""
    from ..cli import run_reindex  # the CLI's reporting, without importing the CLI with the app

    run_reindex(Path(current_app.config["CORPUS"]), Path(current_app.config["INDEX"]), full)
