"""The index behind the app: opened once, a refreshed searcher per thread through get_handle()."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from ..index import IndexHandle
from ..reindex import ensure_index


def init_app(app: Flask) -> None:
    """Open the index (building it first when it is missing and the app is allowed to)."""
    corpus, index_dir = Path(app.config["CORPUS"]), Path(app.config["INDEX"])
    if app.config["BUILD_MISSING_INDEX"]:
        ensure_index(corpus, index_dir)
    handle = IndexHandle(index_dir)
    handle.evaluator()  # builds the per-generation table now, not on a user's first search
    app.extensions["archive"] = handle


def get_handle() -> IndexHandle:
    """The app's index. Its searchers live per thread and are refreshed, never reopened, per request."""
    return current_app.extensions["archive"]
