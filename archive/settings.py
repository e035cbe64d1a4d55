"""Settings as data: name, default, help. The README lists them; a test keeps it true."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS = (
    Setting("ARCHIVE_CORPUS", "corpus", "Folder of articles (.md, .markdown, .txt, .html, .htm)."),
    Setting("ARCHIVE_INDEX", "index", "Folder of the built Whoosh index (created by the archive only)."),
    Setting("ARCHIVE_PAGE_SIZE", "20", "Search results per page in the web interface and the API."),
)


SERVER_THREADS = 2  # per worker process: each thread keeps its own Whoosh searcher


def setting(name: str) -> str:
    """The environment's value of a setting, else its default."""
    default = next(s.default for s in SETTINGS if s.name == name)
    return os.environ.get(name) or default
