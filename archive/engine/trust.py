"""The index folder, authenticated before anything in it is unpickled.

Whoosh keeps the schema and the segment list as pickles in each table of contents
(`_MAIN_<generation>.toc`) and more pickles inside segment files, so opening an index folder that
someone else wrote can run their code. The archive therefore trusts only what it wrote itself:

1. Every table of contents is signed with HMAC-SHA256 under a key kept outside the index (see
   `key_path`: per user, created on first use, mode 0600). The signature (`<toc>.sig`) is written
   before Whoosh renames the table of contents into place, so no reader ever meets an unsigned
   one, and it is checked before the table of contents is read. A folder whose table of contents
   is unsigned, or signed with another key, is refused.
2. The folder must belong to this user (or root) and must not be writable by every user.
3. Every other pickle Whoosh reads (posting blocks, stored fields, term infos) goes through an
   unpickler that builds only the classes an index holds (`ALLOWED`), so even a tampered segment
   file cannot call a function.

Whoosh internals touched here, checked against whoosh-reloaded 2.7.5: `FileStorage.open_file`,
`rename_file` and `delete_file` (overridden), `whoosh.index.TOC` and `clean_files`, and the names
`loads`/`load_pickle`/`pickle` imported by `whoosh.columns`, `whoosh.formats`, `whoosh.codec.whoosh3`,
`whoosh.filedb.structfile` and `whoosh.index` (replaced by the restricted unpickler).
"""

from __future__ import annotations

import _compat_pickle
import contextlib
import hashlib
import hmac
import importlib
import io
import mmap
import os
import pickle
import re
import secrets
import shutil
import stat
import types
from functools import lru_cache
from pathlib import Path

import whoosh.codec.whoosh3
import whoosh.columns
import whoosh.filedb.structfile
import whoosh.formats
import whoosh.index
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import TOC, FileIndex, clean_files

from ..faults import fault

INDEX_NAME = "MAIN"
TOC_NAME = re.compile(rf"^_{INDEX_NAME}_(\d+)\.toc$")
TOC_TEMP = re.compile(rf"^_{INDEX_NAME}_\d+\.toc\..+$")  # Whoosh writes the TOC here, then renames it
SIGNATURE = ".sig"
KEY_BYTES = 32


class UntrustedIndex(Exception):
    """The folder was not written by this installation of the archive (or was changed since)."""


# --- the key ----------------------------------------------------------------------------------


def key_path() -> Path:
    """$ARCHIVE_KEY_FILE, else $XDG_CONFIG_HOME/archive/index.key (~/.config/archive/index.key)."""
    if configured := os.environ.get("ARCHIVE_KEY_FILE"):
        return Path(configured).expanduser()
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config) / "archive" / "index.key"


def index_key(create: bool = True) -> bytes:
    """This installation's signing key, created when an index is first written (0600). Reading
    never creates one: without the key that signed an index, the index cannot be trusted."""
    path = key_path()
    if not path.exists():
        if not create:
            raise UntrustedIndex(f"the key that signs indexes, {path}, is not there")
        _create_key(path)
    return _key(path)


@lru_cache(maxsize=4)
def _key(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        info = os.fstat(fd)
        if info.st_uid != os.geteuid() or info.st_mode & 0o077:
            raise UntrustedIndex(
                f"the archive's key {path} must belong to you and be private (chmod 600 {path})"
            )
        key = os.read(fd, 4 * KEY_BYTES).strip()
    finally:
        os.close(fd)
    if len(key) < KEY_BYTES:
        raise UntrustedIndex(f"the archive's key {path} is damaged; remove it and rebuild the index")
    return key


def _create_key(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(KEY_BYTES) + "\n")
    try:
        os.link(temporary, path)  # fails if another process created the key meanwhile: use theirs
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)


def signature(name: str, content: bytes, create_key: bool = True) -> str:
    key = index_key(create=create_key)
    return hmac.new(key, name.encode() + b"\0" + content, hashlib.sha256).hexdigest()


# --- the signed folder ------------------------------------------------------------------------


class SignedStorage(FileStorage):
    """Whoosh's file storage, signing each table of contents as it is put in place and checking
    the signature before one is read; for searching (`mapped`), segment files are memory-mapped."""

    def __init__(self, path: str, mapped: bool = False):
        super().__init__(path)
        self.mapped = mapped

    def open_file(self, name, **kwargs):
        if TOC_NAME.match(name):
            return StructFile(io.BytesIO(self.verified(name)), name=name, **kwargs)
        if self.mapped:
            return MappedFile(open(self._fpath(name), "rb"), name=name, **kwargs)
        return super().open_file(name, **kwargs)

    def verified(self, name: str) -> bytes:
        """The table of contents' bytes, read once and checked (never reopened after the check)."""
        with open(self._fpath(name), "rb") as handle:
            content = handle.read()
        try:
            signed = Path(self._fpath(name + SIGNATURE)).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            if not os.path.exists(self._fpath(name)):  # a commit replaced it meanwhile: Whoosh retries
                raise FileNotFoundError(self._fpath(name)) from None
            raise UntrustedIndex(f"{name} in {self.folder} carries no signature") from None
        if not hmac.compare_digest(signed, signature(name, content, create_key=False)):
            raise UntrustedIndex(f"{name} in {self.folder} is signed with another key, or was changed")
        return content

    def rename_file(self, oldname, newname, safe=False):
        if not TOC_NAME.match(newname):
            return super().rename_file(oldname, newname, safe)
        fault("segments")
        if safe and os.path.exists(self._fpath(newname)):  # never re-sign a generation in place
            raise NameError(f"File {newname!r} exists")
        with open(self._fpath(oldname), "rb") as handle:
            content = handle.read()
        self.write_signature(newname, content)
        fault("before-toc")
        super().rename_file(oldname, newname, safe)
        fault("after-toc")
        return None

    def write_signature(self, name: str, content: bytes) -> None:
        temporary = self._fpath(f".{name}{SIGNATURE}.tmp")
        with open(temporary, "w", encoding="ascii") as handle:
            handle.write(signature(name, content) + "\n")
        os.replace(temporary, self._fpath(name + SIGNATURE))

    def delete_file(self, name):
        super().delete_file(name)
        if TOC_NAME.match(name):
            with contextlib.suppress(FileNotFoundError):
                super().delete_file(name + SIGNATURE)


def check_folder(index_dir: Path) -> None:
    """Refuse a folder another user owns or every user may write to (as ssh refuses keys)."""
    info = os.stat(index_dir)
    if info.st_uid not in (os.geteuid(), 0):
        raise UntrustedIndex(f"{index_dir} belongs to another user")
    if info.st_mode & stat.S_IWOTH:
        raise UntrustedIndex(f"{index_dir} is writable by every user (chmod o-w {index_dir})")


def storage(index_dir: Path, mapped: bool = False) -> SignedStorage:
    return SignedStorage(str(index_dir), mapped)


class MappedFile(StructFile):
    """A segment file whose random reads (get: Whoosh reads terms and posting blocks with it) are
    slices of a memory map: on a plain file each was a seek and a read through Python's buffered
    file, a third of a term lookup, and two threads sharing the file could interleave them. The
    writer's files stay plain: a merge reading through maps would count them as its memory."""

    def __init__(self, fileobj, name=None, onclose=None):
        super().__init__(fileobj, name, onclose)
        try:  # an empty file cannot be mapped, nor can some file systems' files: read them plainly
            self._map = mmap.mmap(fileobj.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            self._map = None

    def get(self, position, length):
        if self._map is None:
            return super().get(position, length)
        return self._map[position : position + length]

    def close(self):
        super().close()
        if self._map is not None:
            self._map.close()


def latest_generation(index_dir: Path) -> int:
    """The newest table of contents' generation, -1 when there is none."""
    try:
        names = os.listdir(index_dir)
    except OSError:
        return -1
    return max((int(m[1]) for m in map(TOC_NAME.match, names) if m), default=-1)


def verify(index_dir: Path) -> None:
    """Raise UntrustedIndex unless the folder and its newest table of contents are ours."""
    check_folder(index_dir)
    generation = latest_generation(index_dir)
    if generation >= 0:
        storage(index_dir).verified(TOC._filename(INDEX_NAME, generation))


def open_folder(index_dir: Path, mapped: bool = False) -> FileIndex:
    """Whoosh's index in the folder, after `verify`; raises UntrustedIndex or Whoosh's errors.
    `mapped`: for searching (see MappedFile)."""
    check_folder(index_dir)
    return FileIndex(storage(index_dir, mapped), indexname=INDEX_NAME)


def create_folder(index_dir: Path, schema) -> FileIndex:
    """A new, signed, empty index in the folder, writable by its owner only."""
    index_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(index_dir, os.stat(index_dir).st_mode & ~(stat.S_IWGRP | stat.S_IWOTH))
    return FileIndex.create(storage(index_dir), schema, indexname=INDEX_NAME)


def remove_leftovers(index_dir: Path) -> list[str]:
    """Files of a commit that never completed (killed, or the disk filled up): temporary folders
    and tables of contents, segment files no table of contents names, stray signatures. Only
    called under the reindex lock, when no other writer exists; returns what was removed."""
    folder = storage(index_dir)
    removed = []
    for name in os.listdir(index_dir):
        path = index_dir / name
        if name.endswith(".tmp") and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(name)
        elif (
            (TOC_TEMP.match(name) and not name.endswith(SIGNATURE))
            or name.endswith(f"{SIGNATURE}.tmp")
            or (name.endswith(SIGNATURE) and not (index_dir / name.removesuffix(SIGNATURE)).exists())
        ):
            path.unlink(missing_ok=True)
            removed.append(name)
    generation = latest_generation(index_dir)
    if generation >= 0:
        before = set(os.listdir(index_dir))
        toc = TOC.read(folder, INDEX_NAME, generation)
        clean_files(folder, INDEX_NAME, generation, toc.segments)
        removed += sorted(before - set(os.listdir(index_dir)))
    return removed


# --- the restricted unpickler -----------------------------------------------------------------

# Modules whose classes (classes only, never functions) an index's pickles may build.
ALLOWED_MODULES = re.compile(
    r"^(whoosh\.(fields|formats|columns|idsets|codec\.(base|whoosh3)|analysis(\..+)?|lang(\..+)?)"
    r"|archive\.engine\.analysis|datetime|collections|array)$"
)
# Where the archive's own pickled classes lived before: an index built then stays readable.
MOVED_MODULES = {"archive.analysis": "archive.engine.analysis"}
ALLOWED = {
    ("builtins", name)
    for name in "set frozenset bytearray complex slice range list dict tuple str bytes int float bool".split()
} | {
    # Pure functions pickles use to rebuild values: bytes (protocol 2), regexes, arrays, objects.
    ("_codecs", "encode"),
    ("re", "_compile"),
    ("array", "_array_reconstructor"),
    ("copyreg", "_reconstructor"),
}


class IndexUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        # Whoosh pickles the schema with protocol 2, which names builtins the Python 2 way.
        module, name = _compat_pickle.NAME_MAPPING.get((module, name), (module, name))
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        module = MOVED_MODULES.get(module, module)
        if (module, name) in ALLOWED:
            return super().find_class(module, name)
        if "." not in name and ALLOWED_MODULES.match(module):
            found = getattr(importlib.import_module(module), name, None)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(
            f"the index holds a pickled {module}.{name}, which the archive never writes"
        )


def restricted_loads(data, *args, **kwargs):
    return IndexUnpickler(io.BytesIO(data)).load()


def restricted_load(file, *args, **kwargs):
    return IndexUnpickler(file).load()


def install_restricted_unpickler() -> None:
    """Point every place Whoosh unpickles index data at IndexUnpickler."""
    whoosh.columns.loads = restricted_loads
    whoosh.formats.loads = restricted_loads  # positions, when Whoosh's own matchers read them
    whoosh.codec.whoosh3.loads = restricted_loads
    whoosh.filedb.structfile.load_pickle = restricted_load
    whoosh.index.pickle = types.SimpleNamespace(
        loads=restricted_loads, dumps=pickle.dumps, PicklingError=pickle.PicklingError
    )


install_restricted_unpickler()
