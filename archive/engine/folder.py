"""The index folder: its marker (schema version, identity, last update), its state (missing,
foreign, untrusted, outdated, current) and opening it only when this installation wrote it."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from . import trust

SCHEMA_VERSION = 11  # 3: compounds as parts and run together; 4: words in capitals; 5: notes, code;
# 6: CJK no longer in the unstemmed field (the stemmed one has the same bigrams); 7: word pairs;
# 8: sections found by their paragraphs' words (their text stored, not indexed); 9: an article's
# parse in a column of its own; 10: that parse in parts (documents.pack_parts); 11: words ending in
# "++" or "#" (C++, C#)


MARKER = "archive-index.json"


LOCK = ".reindex.lock"


class IndexUnavailable(Exception):
    """The index folder cannot be used; the message says why and what to do."""


def read_marker(index_dir: Path) -> dict | None:
    try:
        return json.loads((index_dir / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def index_identity(index_dir: Path) -> str | None:
    """The random id written when the index was created (None for an index without one)."""
    return (read_marker(index_dir) or {}).get("index_id")


def write_marker(index_dir: Path, **values) -> None:
    marker = {**(read_marker(index_dir) or {}), **values, "schema_version": SCHEMA_VERSION}
    tmp = index_dir / f".{MARKER}.tmp"
    tmp.write_text(json.dumps(marker, indent=2), encoding="utf-8")
    os.replace(tmp, index_dir / MARKER)


UNTRUSTED = (
    "{folder} was not written by this archive installation ({reason}); nothing in it was read. "
    "If it is yours, rebuild it with `archive reindex --full`"
)


@dataclass(frozen=True)
class IndexState:
    """What a folder holds: 'missing' (nothing yet), 'foreign' (files the archive did not write),
    'untrusted' (marked, but not signed by this installation), 'outdated' (ours, but of another
    version or unreadable by this one: reindex rebuilds it), or 'current'."""

    kind: str
    reason: str = ""


def index_state(index_dir: Path) -> IndexState:
    marker = read_marker(index_dir)
    if marker is None:
        if index_dir.is_dir() and any(p.name not in (".gitkeep", LOCK) for p in index_dir.iterdir()):
            return IndexState("foreign", f"{index_dir} holds files the archive did not write")
        return IndexState("missing")
    try:
        trust.check_folder(index_dir)
    except (trust.UntrustedIndex, OSError) as error:  # fixed by its owner, not by a rebuild
        return IndexState("untrusted", f"the index folder cannot be trusted: {error}")
    try:
        trust.verify(index_dir)
    except (trust.UntrustedIndex, OSError) as error:
        return IndexState("untrusted", UNTRUSTED.format(folder=index_dir, reason=error))
    if trust.latest_generation(index_dir) < 0:
        return IndexState("missing")  # marked, but its first build never committed
    if marker.get("schema_version") != SCHEMA_VERSION:
        return IndexState("outdated", "built by another version of the archive")
    try:
        trust.open_folder(index_dir)
    except Exception as error:  # classes an older version pickled into it
        return IndexState("outdated", f"cannot be read by this version ({error})")
    return IndexState("current")


def open_index(index_dir: Path, mapped: bool = False):
    """Open an index this installation built; refuse anything else (Whoosh unpickles what it opens).
    `mapped`: for searching, its files memory-mapped (see trust.MappedFile)."""
    state = index_state(index_dir)
    if state.kind == "foreign":
        raise IndexUnavailable(f"{state.reason}; point --index at an empty or archive-built folder")
    if state.kind == "missing":
        raise IndexUnavailable(f"no index in {index_dir}; build it with `archive reindex`")
    if state.kind == "untrusted":
        raise IndexUnavailable(state.reason)
    if state.kind == "outdated":
        raise IndexUnavailable(f"{index_dir} {state.reason}; rebuild it: archive reindex")
    return trust.open_folder(index_dir, mapped)
