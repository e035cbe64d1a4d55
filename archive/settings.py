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
    Setting(
        "ARCHIVE_CORPUS",
        "corpus",
        "Folder of articles (.md, .markdown, .txt, .qmd, .Rmd, .html, .htm, .pdf, JATS .xml).",
    ),
    Setting("ARCHIVE_INDEX", "index", "Folder of the built Whoosh index (created by the archive only)."),
    Setting("ARCHIVE_PAGE_SIZE", "20", "Search results per page in the web interface and the API."),
    Setting(
        "ARCHIVE_BASE_URL",
        "",
        "Public URL of the archive (https://host/path) for permalinks, citations and OpenSearch; "
        "without it, the request's Host (when valid).",
    ),
    Setting(
        "ARCHIVE_FILE_SECONDS", "20", "Time to parse one corpus file before it is skipped as over budget."
    ),
    Setting("ARCHIVE_FILE_MEMORY_MB", "2048", "Memory one file's parser may add before the file is skipped."),
    Setting(
        "ARCHIVE_PDF_SECONDS",
        "90",
        "Time to read one PDF before it is skipped (a 300-page PDF takes about 25 s on 2 cores).",
    ),
    Setting(
        "ARCHIVE_KEY_FILE",
        "~/.config/archive/index.key",
        "The key that signs the index (created on first use, 0600); see Reliability.",
    ),
)


SERVER_THREADS = 2  # per worker process: each thread keeps its own Whoosh searcher


def setting(name: str) -> str:
    """The environment's value of a setting, else its default."""
    default = next(s.default for s in SETTINGS if s.name == name)
    return os.environ.get(name) or default
