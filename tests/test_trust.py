"""The index folder is trusted only when this installation signed it; nothing else is unpickled."""

from __future__ import annotations

import collections
import datetime
import os
import pickle
import struct
from pathlib import Path

import pytest
from expected import OTHER_PASSAGES, SEED_PASSAGES

from archive.cli import cli
from archive.engine import trust
from archive.engine.folder import IndexUnavailable
from archive.engine.index import IndexHandle
from archive.reindex import ensure_index, reindex
from archive.search import search


class Payload:
    """Unpickling this creates a file: proof that code ran."""

    def __init__(self, proof: Path):
        self.proof = proof

    def __reduce__(self):
        return (os.mkdir, (str(self.proof),))


def plant_payload(index_dir: Path, proof: Path) -> Path:
    """Replace the newest table of contents with one whose schema is a payload, as Whoosh would
    read it (its header, then the pickled schema), leaving the archive's marker in place."""
    toc = max(index_dir.glob("_MAIN_*.toc"))
    header = toc.read_bytes()[:20]  # sizes, byte-order check, versions: as Whoosh wrote them
    payload = pickle.dumps(Payload(proof), 2)
    toc.write_bytes(header + struct.pack(">i", len(payload)) + payload)
    return toc


def test_a_planted_pickle_is_refused_without_running(tmp_index, corpus_dir, tmp_path, runner):
    proof = tmp_path / "proof"
    plant_payload(tmp_index, proof)
    with pytest.raises(IndexUnavailable, match="was not written by this archive installation"):
        IndexHandle(tmp_index)
    for command in (["search", "Putin"], ["cite", "cc-2019-09-china-russia-p14"], ["reindex"]):
        result = runner.invoke(cli, [*command, "--index", str(tmp_index), "--corpus", str(corpus_dir)])
        assert result.exit_code == 1
        assert "archive reindex --full" in result.output
    with pytest.raises(IndexUnavailable, match="signed with another key, or was changed"):
        ensure_index(corpus_dir, tmp_index)
    assert not proof.exists()
    assert any(tmp_index.glob("_MAIN_*.toc"))  # refused, never silently rebuilt over


def test_reindex_full_rebuilds_a_folder_it_does_not_trust(tmp_index, corpus_dir, tmp_path):
    proof = tmp_path / "proof"
    plant_payload(tmp_index, proof)
    report = reindex(corpus_dir, tmp_index, full=True)
    assert report.ok and report.passages == SEED_PASSAGES + OTHER_PASSAGES
    assert not proof.exists()
    assert search(IndexHandle(tmp_index), "Putin").total > 0


def test_an_index_signed_with_another_key_is_refused(tmp_index, tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHIVE_KEY_FILE", str(tmp_path / "other.key"))
    with pytest.raises(IndexUnavailable, match=r"other\.key, is not there"):
        IndexHandle(tmp_index)  # reading never creates a key
    assert not (tmp_path / "other.key").exists()
    trust.index_key()  # another installation's key
    with pytest.raises(IndexUnavailable, match="signed with another key"):
        IndexHandle(tmp_index)


def test_an_unsigned_index_is_refused(tmp_index):
    for signature in tmp_index.glob("*.sig"):
        signature.unlink()
    with pytest.raises(IndexUnavailable, match="carries no signature"):
        IndexHandle(tmp_index)


def test_a_folder_every_user_can_write_to_is_refused(tmp_index):
    tmp_index.chmod(0o777)
    with pytest.raises(IndexUnavailable, match=r"writable by every user \(chmod o-w") as refused:
        IndexHandle(tmp_index)
    assert "--full" not in str(refused.value)  # the owner fixes it; no rebuild needed


def test_the_key_is_created_private_and_a_readable_one_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "config" / "index.key"
    monkeypatch.setenv("ARCHIVE_KEY_FILE", str(path))
    key = trust.index_key()
    assert len(key) >= trust.KEY_BYTES and path.stat().st_mode & 0o777 == 0o600
    assert trust.index_key() == key  # created once
    trust._key.cache_clear()
    path.chmod(0o644)
    with pytest.raises(trust.UntrustedIndex, match="must belong to you and be private"):
        trust.index_key()
    trust._key.cache_clear()


def test_the_index_unpickler_builds_only_index_classes(tmp_path):
    proof = tmp_path / "proof"
    with pytest.raises(pickle.UnpicklingError, match=r"pickled posix\.mkdir"):
        trust.restricted_loads(pickle.dumps(Payload(proof)))
    with pytest.raises(pickle.UnpicklingError, match=r"builtins\.eval"):
        trust.restricted_loads(b"cbuiltins\neval\n(S'1'\ntR.")
    with pytest.raises(pickle.UnpicklingError, match=r"collections\.namedtuple"):  # a function, no class
        trust.restricted_loads(pickle.dumps(collections.namedtuple))
    assert not proof.exists()
    stored = {"text": "Putin", "when": datetime.datetime(2019, 7, 1), "raw": b"\x00"}
    assert trust.restricted_loads(pickle.dumps(stored, 2)) == stored


def test_leftovers_of_an_unfinished_commit_are_removed(tmp_index):
    (tmp_index / "MAIN.tmp").mkdir()
    (tmp_index / "_MAIN_9.toc.1732860000.5").write_bytes(b"half a table of contents")
    (tmp_index / "_MAIN_9.toc.sig").write_text("0" * 64)
    (tmp_index / "MAIN_deadbeef.trm").write_bytes(b"a segment no table of contents names")
    removed = trust.remove_leftovers(tmp_index)
    assert sorted(removed) == ["MAIN.tmp", "MAIN_deadbeef.trm", "_MAIN_9.toc.1732860000.5", "_MAIN_9.toc.sig"]
    assert search(IndexHandle(tmp_index), "Putin").total > 0


def test_the_key_file_setting_may_start_with_a_tilde(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("ARCHIVE_KEY_FILE", "~/keys/index.key")
    assert trust.key_path() == tmp_path / "keys" / "index.key"


def test_a_table_of_contents_replaced_while_it_is_read_is_retried(tmp_index):
    """A commit removes the old table of contents and its signature between a reader's two reads:
    Whoosh's reader retries on a missing file, so that is what the reader must get."""
    toc = max(tmp_index.glob("_MAIN_*.toc"))
    storage = trust.storage(tmp_index)
    (tmp_index / (toc.name + ".sig")).unlink()
    toc.rename(tmp_index / "moved")
    with pytest.raises(FileNotFoundError):
        storage.verified(toc.name)


def test_searching_reads_segment_files_through_memory_maps(tmp_path, handle):
    """Random reads are slices of a map (for searching only; writers read plain files), the same
    bytes as a plain read, and an empty file still opens."""
    from archive.engine.trust import MappedFile

    reader = handle.searcher().reader()
    leaf = reader.leaf_readers()[0][0] if hasattr(reader, "leaf_readers") else reader
    assert isinstance(leaf._terms._dbfile, MappedFile)
    data = bytes(range(256)) * 40
    (tmp_path / "segment.pst").write_bytes(data)
    (tmp_path / "empty.pst").write_bytes(b"")
    mapped = MappedFile(open(tmp_path / "segment.pst", "rb"), name="segment.pst")  # noqa: SIM115
    assert mapped.get(5000, 300) == data[5000:5300] and mapped.get(len(data) - 2, 10) == data[-2:]
    mapped.close()
    empty = MappedFile(open(tmp_path / "empty.pst", "rb"), name="empty.pst")  # noqa: SIM115
    assert empty.get(0, 4) == b""
    empty.close()
