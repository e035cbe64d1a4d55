"""Reindexing: incremental by content hash, atomic, locked, and never losing what was indexed."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from expected import OTHER_PASSAGES, SEED_ID, SEED_PASSAGES, passages_per_article

from archive.cli import cli
from archive.engine import pairs, trust
from archive.engine.folder import SCHEMA_VERSION, IndexUnavailable, read_marker
from archive.engine.index import IndexHandle
from archive.engine.writing import count_passages
from archive.parse import PARSER_VERSION
from archive.reindex import (
    PARALLEL_FROM,
    ReindexBusy,
    ensure_index,
    reindex,
    reindex_lock,
)
from archive.search import search


def test_first_build_indexes_every_file(tmp_path, corpus_dir):
    report = reindex(corpus_dir, tmp_path / "index")
    assert report.ok and len(report.added) == 3
    assert report.passages == SEED_PASSAGES + OTHER_PASSAGES
    handle = IndexHandle(tmp_path / "index")
    assert handle.stats()["articles"] == 3
    assert handle.article(SEED_ID).passages[13].id == f"{SEED_ID}-p14"


def test_unchanged_files_are_skipped(tmp_index, corpus_dir):
    report = reindex(corpus_dir, tmp_index)
    assert (report.added, report.changed, report.removed, len(report.unchanged)) == ([], [], [], 3)
    assert report.summary().startswith("0 added, 0 changed, 0 removed, 0 failed, 3 unchanged; 88 passages")


def test_a_reindex_with_nothing_to_do_leaves_no_files_and_the_next_warns_of_nothing(tmp_index, corpus_dir):
    files = set(os.listdir(tmp_index)) - {"archive-digests.json"}
    for _ in range(2):
        report = reindex(corpus_dir, tmp_index)
        assert report.warnings == [] and len(report.unchanged) == 3
        assert set(os.listdir(tmp_index)) - {"archive-digests.json"} == files


def test_any_spelling_of_the_same_folder_is_the_same_corpus(tmp_index, corpus_dir, tmp_path, monkeypatch):
    """Built with an absolute path; a relative path, a path through a symlink and one with `..`
    find every file unchanged (files are keyed by their resolved path), and nothing is re-parsed."""
    (tmp_path / "link").symlink_to(corpus_dir, target_is_directory=True)
    monkeypatch.chdir(corpus_dir.parent)
    spellings = [Path(corpus_dir.name), tmp_path / "link", corpus_dir / ".." / corpus_dir.name]
    for spelling in spellings:
        report = reindex(spelling, tmp_index)
        assert (report.added, report.changed, report.removed, len(report.unchanged)) == ([], [], [], 3), (
            spelling
        )


def test_added_changed_and_removed_files(tmp_index, corpus_dir):
    handle = IndexHandle(tmp_index)
    (corpus_dir / "new-note.md").write_text("# A note\n\nThe zeppelin arrived in Omsk.\n", encoding="utf-8")
    markdown = corpus_dir / "regular-markdown.md"
    markdown.write_text(
        markdown.read_text(encoding="utf-8").replace("Economic", "Aardvark"), encoding="utf-8"
    )
    (corpus_dir / "arms-control.html").unlink()
    report = reindex(corpus_dir, tmp_index)
    assert [Path(p).name for p in report.added] == ["new-note.md"]
    assert [Path(p).name for p in report.changed] == ["regular-markdown.md"]
    assert [Path(p).name for p in report.removed] == ["arms-control.html"]
    assert search(handle, "zeppelin").total == 1
    assert search(handle, "aardvark").total >= 1
    assert search(handle, "Intermediate-Range").total == 0
    assert handle.article("arms-control") is None


def test_an_open_handle_sees_a_replaced_article_once(tmp_index, corpus_dir):
    handle = IndexHandle(tmp_index)
    assert search(handle, "Orenburg").total == 1  # the paragraph (its section is its heading)
    ironic = search(handle, "ironically").total
    seed = corpus_dir / "cc-2019-09-china-russia.md"
    seed.write_text(seed.read_text(encoding="utf-8").replace("Ironically", "Paradoxically"), encoding="utf-8")
    assert reindex(corpus_dir, tmp_index).passages == SEED_PASSAGES + OTHER_PASSAGES
    assert search(handle, "Orenburg").total == 1 and passages_per_article(handle)[SEED_ID] == SEED_PASSAGES
    assert search(handle, "paradoxically").total == ironic and search(handle, "ironically").total == 0
    assert handle.stats()["passages"] == SEED_PASSAGES + OTHER_PASSAGES


def test_a_segment_whose_documents_were_replaced_goes_with_its_files(tmp_index, corpus_dir):
    """Each reindex of a changed article writes a segment; when the article changes again, the
    segment's documents are deleted but for a record of what changed, and it goes at the next
    commit, its record moved to the new segment (Whoosh kept it until a merge, and every search
    looked each word up in it)."""
    markdown = corpus_dir / "regular-markdown.md"
    original = markdown.read_text(encoding="utf-8")
    files_before = segment_files(tmp_index)
    for text in (original.replace("Economic", "Aardvark"), original, original.replace("Economic", "Okapi")):
        markdown.write_text(text, encoding="utf-8")
        reindex(corpus_dir, tmp_index)
    handle = IndexHandle(tmp_index)
    counts = [
        (leaf.doc_count_all(), leaf.doc_count()) for leaf, _ in handle.searcher().reader().leaf_readers()
    ]
    assert len(counts) == 2 and all(live for _, live in counts), counts  # the first build's, the last
    assert search(handle, "okapi").total >= 1 and search(handle, "aardvark").total == 0
    assert files_before < segment_files(tmp_index)  # the first build's files are still there
    assert len({name.split(".")[0] for name in segment_files(tmp_index)}) == 2  # and the last one's


def test_a_segment_a_reparse_replaced_goes_in_the_same_commit(tmp_index, corpus_dir):
    """A newer parser re-parses every article into a new segment; the old one keeps only the
    documents written once (the index's common words, tombstones), and is merged away in that
    commit: kept, it would double the index and every search would look each word up in it."""
    before = IndexHandle(tmp_index)
    common = before.table(before.searcher()).common
    before.close()
    marker = tmp_index / "archive-index.json"
    marker.write_text(
        json.dumps({**json.loads(marker.read_text(encoding="utf-8")), "parser_version": 0}), encoding="utf-8"
    )
    report = reindex(corpus_dir, tmp_index)
    assert len(report.changed) == 3 and report.passages == SEED_PASSAGES + OTHER_PASSAGES
    handle = IndexHandle(tmp_index)
    counts = [
        (leaf.doc_count_all(), leaf.doc_count()) for leaf, _ in handle.searcher().reader().leaf_readers()
    ]
    assert len(counts) == 1 and counts[0][0] == counts[0][1], counts
    assert handle.table(handle.searcher()).common == common != pairs.COMMON  # carried over
    assert search(handle, '"China and Russia"').total > 0


def test_sidecar_change_triggers_reindex(tmp_index, corpus_dir):
    (corpus_dir / "regular-markdown.meta.toml").write_text('title = "Renamed"\n', encoding="utf-8")
    report = reindex(corpus_dir, tmp_index)
    assert [Path(p).name for p in report.changed] == ["regular-markdown.md"]
    assert IndexHandle(tmp_index).article("regular-markdown").title == "Renamed"


def test_a_changed_file_that_breaks_keeps_its_old_passages(tmp_index, corpus_dir, runner):
    (corpus_dir / "regular-markdown.md").write_bytes(b"\x00\x01binary now")
    report = reindex(corpus_dir, tmp_index)
    assert report.failed == [
        (str(corpus_dir / "regular-markdown.md"), "file is binary (it contains NUL bytes), not text")
    ]
    assert not report.ok and report.passages == SEED_PASSAGES + OTHER_PASSAGES
    assert search(IndexHandle(tmp_index), "Discontents").total > 0
    result = runner.invoke(cli, ["reindex", "--corpus", str(corpus_dir), "--index", str(tmp_index)])
    assert result.exit_code == 1
    assert "failed: " in result.output and "regular-markdown.md: file is binary" in result.output
    assert "previously indexed passages, if any, are kept" in result.output


def test_full_rebuild_reparses_everything(tmp_index, corpus_dir):
    report = reindex(corpus_dir, tmp_index, full=True)
    assert len(report.changed) == 3 and report.passages == SEED_PASSAGES + OTHER_PASSAGES


class FakeClock:
    """time.monotonic and time.sleep on a clock that only sleep() moves."""

    def __init__(self):
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_second_reindex_is_refused_plainly(tmp_index, corpus_dir, runner, monkeypatch):
    clock = FakeClock()
    with reindex_lock(tmp_index, wait=0):
        with monkeypatch.context() as patch:
            patch.setattr("archive.reindex.time", clock)
            with pytest.raises(ReindexBusy, match=r"another reindex is running \(pid \d+, started"):
                reindex(corpus_dir, tmp_index, wait=0.3)
        assert 0.3 <= clock.now < 0.45  # it waited as long as it was asked, in short naps
        result = runner.invoke(cli, ["reindex", "--corpus", str(corpus_dir), "--index", str(tmp_index)])
        assert result.exit_code == 1 and "another reindex is running" in result.output


def test_refuses_a_folder_it_did_not_build(tmp_path, corpus_dir):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "_MAIN_1.toc").write_bytes(b"not ours")
    with pytest.raises(IndexUnavailable, match="holds files the archive did not write"):
        IndexHandle(foreign)
    with pytest.raises(IndexUnavailable, match="holds files the archive did not write"):
        reindex(corpus_dir, foreign)


def test_ensure_index_builds_only_when_missing(tmp_path, corpus_dir):
    assert ensure_index(corpus_dir, tmp_path / "index").passages == SEED_PASSAGES + OTHER_PASSAGES
    assert ensure_index(corpus_dir, tmp_path / "index") is None


def test_searches_during_reindex_see_old_or_new_never_an_error(tmp_index, corpus_dir, monkeypatch):
    """A search at every step of the reindex (after each file, and at each point of the commit:
    segments written, before and after the table of contents) finds the old index or the new one."""
    for n in range(6):
        shutil.copy(corpus_dir / "cc-2019-09-china-russia.md", corpus_dir / f"copy-{n}.md")
    handle = IndexHandle(tmp_index)
    seen: dict[str, int] = {}

    def search_now(point: str) -> None:
        results = search(handle, "Orenburg")
        assert results.error is None
        seen[point] = len(results.facets.get("article", {}))

    monkeypatch.setattr("archive.reindex.fault", search_now)
    monkeypatch.setattr("archive.engine.trust.fault", search_now)
    reindex(corpus_dir, tmp_index)
    assert set(seen) == {"parsed", "segments", "before-toc", "after-toc"}
    assert seen == {"parsed": 1, "segments": 1, "before-toc": 1, "after-toc": 7}  # old, then all at once
    assert search(handle, "Orenburg").facets["article"] == {SEED_ID: 1, **{f"copy-{n}": 1 for n in range(6)}}


REINDEX = """
import sys
from pathlib import Path
from archive.reindex import reindex
reindex(Path(sys.argv[1]), Path(sys.argv[2]), full=True)
"""


def run_reindex(corpus_dir: Path, index_dir: Path, fault: str, **popen) -> subprocess.Popen:
    """A full reindex in another process, made to fail at a named point of its commit."""
    env = {**os.environ, "ARCHIVE_FAULT": fault}
    return subprocess.Popen(
        [sys.executable, "-c", REINDEX, str(corpus_dir), str(index_dir)], env=env, **popen
    )


@pytest.mark.parametrize(
    ("point", "committed"), [("segments", False), ("before-toc", False), ("after-toc", True)]
)
def test_a_reindex_that_dies_mid_commit_leaves_a_complete_index(tmp_index, corpus_dir, point, committed):
    """The process ends at once (os._exit) at each point of the commit: before its segments are
    named, after the signature but before the table of contents, and after it."""
    for n in range(3):
        shutil.copy(corpus_dir / "cc-2019-09-china-russia.md", corpus_dir / f"copy-{n}.md")
    assert run_reindex(corpus_dir, tmp_index, f"{point}:exit").wait(timeout=120) == 70
    counts = passages_per_article(IndexHandle(tmp_index))
    assert {counts[a] for a in counts if a.startswith(("cc-", "copy-"))} == {SEED_PASSAGES}  # whole
    expected = 4 * SEED_PASSAGES if committed else SEED_PASSAGES
    assert count_passages(tmp_index) == expected + OTHER_PASSAGES
    report = reindex(corpus_dir, tmp_index)  # and the next reindex completes, cleaning up
    assert report.ok and report.passages == 4 * SEED_PASSAGES + OTHER_PASSAGES
    assert not [p.name for p in tmp_index.iterdir() if re.search(r"\.tmp$|\.toc\.[0-9.]+$", p.name)]


def test_a_full_disk_during_the_commit_changes_nothing(tmp_index, corpus_dir, monkeypatch):
    shutil.copy(corpus_dir / "cc-2019-09-china-russia.md", corpus_dir / "copy.md")
    before = sorted(p.name for p in tmp_index.iterdir())
    monkeypatch.setenv("ARCHIVE_FAULT", "before-toc:enospc")
    with pytest.raises(IndexUnavailable, match=r"No space left on device.*free some space, then run"):
        reindex(corpus_dir, tmp_index)
    assert sorted(p.name for p in tmp_index.iterdir()) == before  # no partial files left
    assert count_passages(tmp_index) == SEED_PASSAGES + OTHER_PASSAGES
    monkeypatch.delenv("ARCHIVE_FAULT")  # space is back
    assert reindex(corpus_dir, tmp_index).passages == 2 * SEED_PASSAGES + OTHER_PASSAGES


def children_of(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def process_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def wait_for(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_after_kill_9_of_a_reindex_its_processes_die_and_the_next_one_starts(tmp_index, corpus_dir):
    """Stopped while its parsing processes are alive, then killed."""
    for n in range(PARALLEL_FROM + 1):
        shutil.copy(corpus_dir / "cc-2019-09-china-russia.md", corpus_dir / f"copy-{n}.md")
    process = run_reindex(corpus_dir, tmp_index, "parsed:stop")
    try:
        assert wait_for(lambda: process_state(process.pid) == "T", 120)
        children = children_of(process.pid)
        assert children  # the parsing workers, at least
    finally:
        process.kill()
        process.wait()
    assert wait_for(lambda: all(process_state(pid) in ("gone", "Z") for pid in children), 10)
    report = reindex(corpus_dir, tmp_index, wait=5)  # the lock was the parent's alone
    assert report.ok and report.passages == (PARALLEL_FROM + 2) * SEED_PASSAGES + OTHER_PASSAGES


def test_reindex_command_prints_a_summary(runner, corpus_dir, tmp_path):
    result = runner.invoke(cli, ["reindex", "--corpus", str(corpus_dir), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert re.search(
        r"^3 added, 0 changed, 0 removed, 0 failed, 0 unchanged; 88 passages indexed in \d+\.\d\d s$",
        result.output,
        re.MULTILINE,
    )


def test_paths_come_from_environment(runner, corpus_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHIVE_CORPUS", str(corpus_dir))
    monkeypatch.setenv("ARCHIVE_INDEX", str(tmp_path / "env-index"))
    result = runner.invoke(cli, ["reindex"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "env-index" / "archive-index.json").exists()
    assert read_marker(tmp_path / "env-index")["schema_version"] == SCHEMA_VERSION


def segment_files(index_dir: Path) -> set[str]:
    return {p.name for p in index_dir.glob("MAIN_*") if p.name != "MAIN_WRITELOCK"}


def mark_as_older_version(index_dir: Path) -> None:
    marker = index_dir / "archive-index.json"
    values = json.loads(marker.read_text(encoding="utf-8"))
    marker.write_text(json.dumps({**values, "schema_version": SCHEMA_VERSION - 1}), encoding="utf-8")


def test_an_index_of_another_version_is_rebuilt_keeping_removal_records(tmp_index, corpus_dir):
    (corpus_dir / "arms-control.html").unlink()
    reindex(corpus_dir, tmp_index)  # leaves a tombstone for arms-control
    mark_as_older_version(tmp_index)
    with pytest.raises(IndexUnavailable, match="another version of the archive; rebuild it: archive reindex"):
        IndexHandle(tmp_index)
    old_segments = segment_files(tmp_index)

    report = reindex(corpus_dir, tmp_index)

    assert report.ok and len(report.added) == 2
    assert report.warnings == [
        (str(tmp_index), "built by another version of the archive: it was built again")
    ]
    assert read_marker(tmp_index)["schema_version"] == SCHEMA_VERSION
    assert old_segments and not old_segments & segment_files(tmp_index)
    left = [p.name for p in tmp_index.parent.glob(".index.*") if p.name != ".index.reindex.lock"]
    assert not left  # no rebuild or old folder left behind
    handle = IndexHandle(tmp_index)
    assert search(handle, "Putin").total > 0
    assert handle.removed_article("arms-control")[0].title == "Arms Control After the Cold War"


def test_an_outdated_index_is_rebuilt_by_serve_startup(tmp_index, corpus_dir):
    mark_as_older_version(tmp_index)
    report = ensure_index(corpus_dir, tmp_index)
    assert report is not None and report.passages == SEED_PASSAGES + OTHER_PASSAGES
    assert ensure_index(corpus_dir, tmp_index) is None


def test_a_failed_rebuild_leaves_the_old_index_in_place(tmp_index, corpus_dir, monkeypatch):
    mark_as_older_version(tmp_index)
    before = sorted(p.name for p in tmp_index.iterdir())

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("archive.reindex.Update.keep", broken)
    with pytest.raises(IndexUnavailable, match=r"could not be written \(disk full\); nothing was changed"):
        reindex(corpus_dir, tmp_index)
    assert sorted(p.name for p in tmp_index.iterdir()) == before


def test_many_files_are_indexed_by_parallel_writers(tmp_path, corpus_dir, monkeypatch):
    """Big batches go through one writer process per core; nothing may be lost on the way."""
    monkeypatch.setattr("os.cpu_count", lambda: 3)  # the same test on any machine
    seed = next(corpus_dir.glob("cc-*.md")).read_text(encoding="utf-8")
    for i in range(PARALLEL_FROM + 4):
        (corpus_dir / f"copy-{i:02}.md").write_text(seed.replace("Putin", f"Putin{i:02}"), encoding="utf-8")
    report = reindex(corpus_dir, tmp_path / "index")
    assert report.ok and len(report.added) == PARALLEL_FROM + 7
    assert report.passages == (PARALLEL_FROM + 5) * SEED_PASSAGES + OTHER_PASSAGES
    handle = IndexHandle(tmp_path / "index")
    assert all(search(handle, f"Putin{i:02}").total > 0 for i in range(PARALLEL_FROM + 4))
    assert len(handle.searcher().reader().leaf_readers()) == 3  # one segment per writer process


def test_parallel_writers_merge_a_replaced_segment_without_losing_its_records(
    tmp_index, corpus_dir, monkeypatch
):
    """A big batch's commit merges a segment a change emptied (but for its record of the changed
    passages) through the parallel writer: the record survives, the segment goes."""
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    seed_file = next(corpus_dir.glob("cc-*.md"))
    original = seed_file.read_text(encoding="utf-8")
    first = IndexHandle(tmp_index)
    ironic = search(first, "ironically").total  # the passage and its section
    replaced = next(p for p in first.article(SEED_ID).passages if "Ironically" in p.text)
    seed_file.write_text(original.replace("Ironically", "Flibbertigibbet"), encoding="utf-8")
    reindex(corpus_dir, tmp_index)  # a segment of the seed's documents
    changed = IndexHandle(tmp_index).article(SEED_ID).passages
    cited = next(p for p in changed if "Flibbertigibbet" in p.text)
    seed_file.write_text(original.replace("Ironically", "Snollygoster"), encoding="utf-8")
    for i in range(PARALLEL_FROM):  # and a big batch in the same reindex
        (corpus_dir / f"note-{i:02}.md").write_text(f"# Note {i}\n\nZeppelin number {i}.\n", encoding="utf-8")
    report = reindex(corpus_dir, tmp_index)
    assert report.ok and len(report.added) == PARALLEL_FROM and len(report.changed) == 1
    handle = IndexHandle(tmp_index)
    counts = [
        (leaf.doc_count_all(), leaf.doc_count()) for leaf, _ in handle.searcher().reader().leaf_readers()
    ]
    assert all(live * 4 > documents for documents, live in counts), counts
    assert (
        search(handle, "zeppelin").total == PARALLEL_FROM and search(handle, "snollygoster").total == ironic
    )
    assert search(handle, "flibbertigibbet").total == 0
    for earlier in (replaced, cited):  # each change's record, the first one's from the merged segment
        assert handle.earlier_version(SEED_ID, earlier.fingerprint)["text"] == earlier.text
    assert report.passages == SEED_PASSAGES + OTHER_PASSAGES + PARALLEL_FROM


def test_a_failed_parallel_build_stops_its_processes_and_commits_nothing(tmp_index, corpus_dir, monkeypatch):
    for i in range(PARALLEL_FROM + 1):
        (corpus_dir / f"note-{i:02}.md").write_text(f"# Note {i}\n\nZeppelin number {i}.\n", encoding="utf-8")

    def interrupted(self, plan, parsed, progress):
        # Enough documents for several batches, so that the writer processes are started.
        for i in range(3 * 100):
            self.batch.add({"id": f"note-{i}", "doctype": "passage", "text": "zeppelin"})
        assert self.batch.writer.tasks and all(task.is_alive() for task in self.batch.writer.tasks)
        raise KeyboardInterrupt

    monkeypatch.setattr("archive.reindex.Update.files", interrupted)
    with pytest.raises(KeyboardInterrupt):
        reindex(corpus_dir, tmp_index)
    assert not multiprocessing.active_children()
    assert search(IndexHandle(tmp_index), "zeppelin").total == 0
    assert count_passages(tmp_index) == SEED_PASSAGES + OTHER_PASSAGES


# Whoosh leaves the table of contents open when unpickling it fails.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_an_unreadable_index_is_rebuilt(tmp_index, corpus_dir):
    """An older version pickled classes this one no longer has into the index's table of contents."""
    toc = next(tmp_index.glob("_MAIN_*.toc"))
    older = toc.read_bytes().replace(b"MixedScriptAnalyzer", b"MixedScriptTokenizer")
    toc.write_bytes(older)
    trust.storage(tmp_index).write_signature(toc.name, older)  # written by this installation
    with pytest.raises(
        IndexUnavailable, match=r"cannot be read by this version.*rebuild it: archive reindex"
    ):
        IndexHandle(tmp_index)
    report = ensure_index(corpus_dir, tmp_index)
    assert report is not None and report.ok
    assert search(IndexHandle(tmp_index), "Putin").total > 0


def test_a_writer_process_that_hands_over_nothing_fails_the_commit(tmp_index, corpus_dir, monkeypatch):
    """Whoosh's own commit waits 1 s for each writer process's segment, then commits without it."""
    for i in range(PARALLEL_FROM + 1):
        (corpus_dir / f"note-{i:02}.md").write_text(f"# Note {i}\n\nZeppelin number {i}.\n", encoding="utf-8")
    monkeypatch.setattr("archive.engine.writing.SUBWRITER_WAIT", 1)

    def run_and_lose_the_segment(task):  # runs in the forked writer processes
        while task.jobqueue.get() is not None:
            pass

    monkeypatch.setattr("whoosh.multiproc.SubWriterTask.run", run_and_lose_the_segment)
    with pytest.raises(RuntimeError, match=r"an indexing process failed .*; nothing was committed"):
        reindex(corpus_dir, tmp_index)
    assert not multiprocessing.active_children()
    assert search(IndexHandle(tmp_index), "zeppelin").total == 0
    assert count_passages(tmp_index) == SEED_PASSAGES + OTHER_PASSAGES


def test_a_symlinked_or_huge_sidecar_is_not_read(tmp_index, corpus_dir, tmp_path):
    outside = tmp_path / "outside.toml"
    outside.write_text('title = "Secret title from outside"\n', encoding="utf-8")
    (corpus_dir / "regular-markdown.meta.toml").symlink_to(outside)
    reindex(corpus_dir, tmp_index)
    assert IndexHandle(tmp_index).article("regular-markdown").title != "Secret title from outside"


def test_files_that_cannot_be_read_for_now_keep_their_passages(tmp_index, corpus_dir):
    """A folder or link that cannot be read is not a removed article."""
    folder = corpus_dir / "sub"
    folder.mkdir()
    shutil.copy(corpus_dir / "regular-markdown.md", folder / "inside.md")
    reindex(corpus_dir, tmp_index)
    (folder / "inside.md").rename(corpus_dir / "elsewhere.tmp")
    (folder / "inside.md").symlink_to(corpus_dir / "nowhere.md")  # broken for now
    report = reindex(corpus_dir, tmp_index)
    assert not report.removed and any("a broken" in why for _, why in report.skipped)
    assert passages_per_article(IndexHandle(tmp_index)).get("inside")


def test_a_rebuild_that_died_between_its_renames_is_recovered(tmp_index, corpus_dir):
    tmp_index.rename(tmp_index.with_name(".index.old"))  # the state after the first rename
    report = reindex(corpus_dir, tmp_index)
    assert report.passages == SEED_PASSAGES + OTHER_PASSAGES and not report.added  # the old index, back


def test_a_handle_follows_an_index_rebuilt_in_its_folder(tmp_path):
    """A rebuild puts a new index (generations from 1 again) where the old one was: a handle
    opened before must answer from the new one, not from the old one's caches and files."""
    for name, word in (("a", "zeppelin"), ("b", "omsk")):
        corpus = tmp_path / f"corpus-{name}"
        corpus.mkdir()
        (corpus / f"{word}.md").write_text(f"# {word}\n\nA {word} paragraph.\n", encoding="utf-8")
        reindex(corpus, tmp_path / f"index-{name}")
    handle = IndexHandle(tmp_path / "index-a")
    assert (search(handle, "zeppelin").total, search(handle, "omsk").total) == (1, 0)
    (tmp_path / "index-a").rename(tmp_path / "old-a")  # what rebuild() does
    (tmp_path / "index-b").rename(tmp_path / "index-a")
    assert handle.generation() == 1 and (search(handle, "zeppelin").total, search(handle, "omsk").total) == (
        0,
        1,
    )
    assert list(handle.article_titles()) == ["omsk"]


def test_a_reindex_reads_only_files_whose_state_changed(tmp_index, corpus_dir, monkeypatch):
    """Each file's size, inode and change time are remembered with its hash: unchanged files are
    not read again; a change is found even when the size and modification time are put back."""
    import archive.reindex as module

    monkeypatch.setattr(module, "RACY_SECONDS", 0)  # the fixture's files were written just now
    reindex(corpus_dir, tmp_index)  # remembered now
    hashed = []
    original = module.source_digest
    monkeypatch.setattr(module, "source_digest", lambda path: hashed.append(path.name) or original(path))
    assert len(reindex(corpus_dir, tmp_index).unchanged) == 3 and hashed == []

    markdown = corpus_dir / "regular-markdown.md"
    before = markdown.stat()
    text = markdown.read_text(encoding="utf-8")
    markdown.write_text(text.replace("Economic", "Aardvarc"), encoding="utf-8")  # the same size
    os.utime(markdown, ns=(before.st_atime_ns, before.st_mtime_ns))
    (corpus_dir / "arms-control.meta.toml").write_text('title = "Renamed by its sidecar"\n', encoding="utf-8")
    report = reindex(corpus_dir, tmp_index)
    assert sorted(Path(p).name for p in report.changed) == ["arms-control.html", "regular-markdown.md"]
    assert sorted(hashed) == ["arms-control.html", "regular-markdown.md"]

    (tmp_index / module.DIGESTS).write_text("{not json", encoding="utf-8")  # only a cache
    hashed.clear()
    assert len(reindex(corpus_dir, tmp_index).unchanged) == 3 and len(hashed) == 3


def test_files_changed_just_before_a_reindex_are_hashed_again_next_time(tmp_index, corpus_dir, monkeypatch):
    """A write within the kernel's time granularity of the read could leave the same state."""
    import archive.reindex as module

    for path in corpus_dir.iterdir():
        os.utime(path)  # changed just now
    reindex(corpus_dir, tmp_index)
    hashed = []
    original = module.source_digest
    monkeypatch.setattr(module, "source_digest", lambda path: hashed.append(path.name) or original(path))
    assert len(reindex(corpus_dir, tmp_index).unchanged) == 3
    assert len(hashed) == 3  # not remembered: read again


def test_a_reindex_reads_the_catalog_and_falls_back_to_the_records_when_it_disagrees(tmp_index, corpus_dir):
    from archive.engine.documents import catalog_document, catalog_entries
    from archive.engine.folder import open_index
    from archive.engine.writing import stored_catalog, stored_records
    from archive.reindex import indexed_articles

    (corpus_dir / "regular-markdown.md").write_text("# Changed\n\nA changed paragraph.\n", encoding="utf-8")
    reindex(corpus_dir, tmp_index)  # a commit writes the catalog
    ix = open_index(tmp_index)
    records = {r["article"]: (r["source"], r["digest"], r["indexed"]) for r in stored_records(ix, "article")}
    assert stored_catalog(ix) == records and len(records) > 2
    writer = ix.writer()  # one article short, though written by the commit that makes the generation
    writer.update_document(**catalog_document(dict(list(records.items())[1:]), writer.generation))
    writer.commit()
    assert stored_catalog(ix) is None
    known, cataloged = indexed_articles(ix)
    assert {k: (v.source, v.digest, v.indexed) for k, v in known.items()} == records and not cataloged
    ix.close()
    report = reindex(corpus_dir, tmp_index)
    assert not report.added and not report.changed and not report.removed  # nothing re-parsed
    ix = open_index(tmp_index)
    assert stored_catalog(ix) == records  # and the catalog written again
    writer = ix.writer()  # a commit that leaves the catalog as it was, as an older version makes
    writer.delete_by_term("id", "no such document")
    writer.commit()
    assert stored_catalog(ix) is None  # complete, but not the current generation's: not trusted
    ix.close()
    for damaged in ({"payload": b"not zlib"}, {"payload": b"x\x9c\x03\x00\x00\x00\x00\x01"}, {}, None):
        assert catalog_entries(damaged) is None


def test_an_index_parsed_by_another_parser_version_has_every_file_parsed_again(tmp_index, corpus_dir):
    """An upgrade's parser fixes reach the articles whose files did not change, once."""
    marker = tmp_index / "archive-index.json"
    values = json.loads(marker.read_text(encoding="utf-8"))
    assert values["parser_version"] == PARSER_VERSION
    del values["parser_version"]  # as an index built before parsers had versions
    marker.write_text(json.dumps(values), encoding="utf-8")
    before = IndexHandle(tmp_index).article(SEED_ID)

    report = reindex(corpus_dir, tmp_index)

    assert report.ok and len(report.changed) == 3 and not report.unchanged
    assert [w for _, w in report.warnings if "parsed by an unversioned one of the parser" in w]
    assert read_marker(tmp_index)["parser_version"] == PARSER_VERSION
    handle = IndexHandle(tmp_index)
    assert handle.stats()["passages"] == SEED_PASSAGES + OTHER_PASSAGES
    assert handle.article(SEED_ID) == before
    again = reindex(corpus_dir, tmp_index)  # once only
    assert (again.changed, len(again.unchanged), again.warnings) == ([], 3, [])


def test_a_large_reindex_stores_each_articles_citations(tmp_path, corpus_dir, monkeypatch):
    """A reindex of many articles renders each one's citations for its pages (so a page calls no
    V8); a small one leaves them to the pages, and a changed article's stored citations go with
    its old passages."""
    from archive import reindex as reindexing
    from archive.cite import STYLES, citation_table, locators, stored_parts
    from archive.citeproc_js import Engine

    monkeypatch.setattr(reindexing, "CITE_FROM", 3)
    reindex(corpus_dir, tmp_path / "index")
    handle = IndexHandle(tmp_path / "index")
    seed = handle.article(SEED_ID)
    stored = stored_parts(handle.stored_citations(SEED_ID))
    assert {key[0] for _, key in stored} == set(STYLES.values())
    place = locators(seed.passage(f"{SEED_ID}-p14"))[-1]
    monkeypatch.setattr(Engine, "_call_many", lambda self, parts: pytest.fail(f"V8 was asked for {parts}"))
    cited = citation_table(seed, (place,), known=stored)[place]
    assert (
        cited["chicago"].citation.endswith("(2019): para. 14.")
        and cited["apa"].citation == "(Yu, 2019, para. 14)"
    )
    monkeypatch.undo()
    seed_file = corpus_dir / f"{SEED_ID}.md"
    seed_file.write_text(seed_file.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    assert reindex(corpus_dir, tmp_path / "index").changed  # one file: below CITE_FROM
    assert IndexHandle(tmp_path / "index").stored_citations(SEED_ID) is None


def test_a_reindex_that_renders_citations_exits(tmp_path, corpus_dir):
    """The reindex command renders citations through V8 and still exits by itself (a V8 context
    left open once hung the interpreter at exit)."""
    script = (
        "import sys; import archive.reindex as r; r.CITE_FROM = 1; from archive.cli import cli; "
        "cli(['reindex', '--corpus', sys.argv[1], '--index', sys.argv[2]])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(corpus_dir), str(tmp_path / "index")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert IndexHandle(tmp_path / "index").stored_citations(SEED_ID)


def test_citations_that_cannot_be_rendered_in_advance_are_one_warning(tmp_path, corpus_dir, monkeypatch):
    """A failure to render citations (no citeproc-js, a style out of memory) never fails the
    reindex: every article is indexed, the report says so once, and pages cite on the spot."""
    from archive import reindex as reindexing
    from archive.citeproc_js import CiteprocMissing

    def missing(article):
        raise CiteprocMissing("citeproc-js is not installed")

    monkeypatch.setattr(reindexing, "CITE_FROM", 1)
    monkeypatch.setattr(reindexing, "citation_parts", missing)
    report = reindex(corpus_dir, tmp_path / "index")
    assert report.ok and len(report.added) == 3
    warned = [reason for _, reason in report.warnings if "citations" in reason]
    assert warned == [
        "its citations were not rendered in advance (CiteprocMissing: citeproc-js is not installed); "
        "the others are cited by their pages"
    ]
    assert IndexHandle(tmp_path / "index").stored_citations(SEED_ID) is None


def test_an_index_built_for_serve_renders_no_citations_in_advance(tmp_path, corpus_dir, monkeypatch):
    """`serve` builds a missing index (ensure_index) in the process that then forks its workers,
    and a V8 context does not survive a fork: that build leaves citations to the pages."""
    from archive import reindex as reindexing

    monkeypatch.setattr(reindexing, "CITE_FROM", 1)
    assert ensure_index(corpus_dir, tmp_path / "index").ok
    assert IndexHandle(tmp_path / "index").stored_citations(SEED_ID) is None


def test_one_article_whose_citations_fail_leaves_the_others_rendered(tmp_path, corpus_dir, monkeypatch):
    """An article whose citations cannot be rendered in advance is reported, and the others are
    still rendered and stored."""
    from archive import reindex as reindexing

    def fails_for_the_seed(article):
        if article.id == SEED_ID:
            raise ValueError("a citation engine error")
        return citation_parts(article)

    citation_parts = reindexing.citation_parts
    monkeypatch.setattr(reindexing, "CITE_FROM", 1)
    monkeypatch.setattr(reindexing, "citation_parts", fails_for_the_seed)
    report = reindex(corpus_dir, tmp_path / "index")
    assert [reason for _, reason in report.warnings if "citations" in reason] == [
        "its citations were not rendered in advance (ValueError: a citation engine error)"
    ]
    handle = IndexHandle(tmp_path / "index")
    others = [entry.id for entry, *_ in handle.catalog() if entry.id != SEED_ID]
    assert handle.stored_citations(SEED_ID) is None and len(others) == 2
    assert all(handle.stored_citations(article_id) for article_id in others)


def test_a_changed_article_whose_old_parse_is_damaged_is_replaced_with_a_warning(
    tmp_path, corpus_dir, monkeypatch
):
    """The old parse gives the permalinks of passages a change removes: when it cannot be read,
    the new parse still replaces it, and the report says what was lost."""
    from archive.engine import writing

    index_dir = tmp_path / "index"
    reindex(corpus_dir, index_dir)
    seed = next(corpus_dir.glob("cc-*.md"))
    seed.write_text(seed.read_text(encoding="utf-8").replace("Putin", "Medvedev"), encoding="utf-8")
    monkeypatch.setattr(writing.Batch, "parsed", lambda self, article_id: b"\x78\x9cbroken")
    report = reindex(corpus_dir, index_dir)
    assert report.ok and [Path(s).name for s in report.changed] == [seed.name]
    (warning,) = [w for s, w in report.warnings if s == str(seed)]
    assert warning.startswith("its earlier copy in the index could not be read (zlib.error: ")
    assert "permalinks" in warning and "--full" not in warning
    assert search(IndexHandle(index_dir), "Medvedev").total > 0


def test_a_file_that_gave_no_article_is_not_read_again_until_it_changes(tmp_index, corpus_dir, monkeypatch):
    """A failing file (or a page that is no article) is remembered with what reading it gave,
    for its digest and this parser: a file too slow to parse took its whole time limit on every
    reindex. Reported again, its old passages kept; read again once changed, or by --full."""
    import archive.reindex as module

    monkeypatch.setattr(module, "RACY_SECONDS", 0)  # the fixture's files were written just now
    broken = corpus_dir / "regular-markdown.md"
    broken.write_bytes(b"\x00\x01binary now")
    (corpus_dir / "moved.html").write_text(
        '<html><head><meta http-equiv="refresh" content="0; url=/new/"></head><body>Moved.</body></html>',
        encoding="utf-8",
    )
    first = reindex(corpus_dir, tmp_index)
    binary = "file is binary (it contains NUL bytes), not text"
    assert first.failed == [(str(broken), binary)]
    read = []
    original = module.check_files
    monkeypatch.setattr(
        module, "check_files", lambda paths, **kw: read.extend(paths) or original(paths, **kw)
    )

    again = reindex(corpus_dir, tmp_index)
    assert read == [] and again.failed == [
        (
            str(broken),
            f"{binary} (unchanged since the last reindex, not read again (`reindex --full` reads it))",
        )
    ]
    assert any(
        path == str(corpus_dir / "moved.html") and "redirects to /new/" in why for path, why in again.skipped
    )
    assert again.passages == SEED_PASSAGES + OTHER_PASSAGES  # what the broken file had stays indexed
    assert search(IndexHandle(tmp_index), "Discontents").total > 0

    broken.write_bytes(b"\x00\x02binary still")
    assert reindex(corpus_dir, tmp_index).failed == [(str(broken), binary)] and read == [broken]
    read.clear()
    reindex(corpus_dir, tmp_index, full=True)
    assert set(read) >= {broken, corpus_dir / "moved.html"}


def test_a_file_that_failed_for_want_of_memory_is_tried_again(tmp_path, monkeypatch):
    """A failure of the machine's (memory, a parser process) is not the file's: the next reindex
    reads it again, where a failure of the file's own is remembered."""
    import archive.reindex as module
    from archive.check import FileReport

    monkeypatch.setattr(module, "RACY_SECONDS", 0)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "big.md").write_text("# Big\n\nA paragraph of the article, long enough.\n", encoding="utf-8")
    original = module.check_files
    short = "parsing it needed over 5 MB of memory; skipped"

    def out_of_memory(paths, **kw):
        yield from (FileReport(p, error=short, lasting=False) for p in paths)

    monkeypatch.setattr(module, "check_files", out_of_memory)
    assert reindex(corpus, tmp_path / "index").failed == [(str(corpus / "big.md"), short)]
    monkeypatch.setattr(module, "check_files", original)
    again = reindex(corpus, tmp_path / "index")
    assert again.added == [str(corpus / "big.md")] and not again.failed


def test_the_sample_for_frequent_words_leaves_out_markup_scripts_and_styles(tmp_path):
    """A web page's code is no prose: its words never become the corpus's frequent words."""
    from archive.engine import pairs
    from archive.reindex import sample_texts

    script = "<script>function track(){var x = window.dataLayer;}</script>" * 20
    style = '<style type="text/css">.post { margin: 0 auto; color: #333 }</style>' * 20
    files = []
    for n in range(5):
        path = tmp_path / f"post{n}.html"
        path.write_text(
            f"<html><head>{style}</head><body>{script}<p class='lead'>Sanctions on exports, "
            f"said the ministry.</p><SCRIPT async>var tracker = {n};</SCRIPT></body></html>",
            encoding="utf-8",
        )
        files.append(path)
    texts = list(sample_texts(files))
    assert all("function" not in text and "margin" not in text and "lead" not in text for text in texts)
    assert pairs.frequent_stems(texts, count=5) == {"sanction", "export", "ministri", "said"}
