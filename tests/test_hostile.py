"""No folder can break the archive: a hostile corpus (tests/hostile.py) beside good files."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile import Case, write_hostile_corpus

from archive.cli import cli
from archive.engine.index import IndexHandle
from archive.search import search

# Short budgets keep the test fast; the files that hang a parser are stopped by them.
BUDGET = {"ARCHIVE_FILE_SECONDS": "3", "ARCHIVE_FILE_MEMORY_MB": "512"}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, list[Case]]:
    root = tmp_path_factory.mktemp("hostile")
    return root / "corpus", write_hostile_corpus(root / "corpus", root / "outside")


@pytest.fixture
def budget(monkeypatch):
    for name, value in BUDGET.items():
        monkeypatch.setenv(name, value)


def reported(output: str, name: str) -> str:
    """The lines `archive check` or `reindex` printed about one file."""
    lines = output.splitlines()
    found = []
    for i, line in enumerate(lines):
        if f"/{name}" in line or f"/{name}:" in line:
            found.append(line)
            found.extend(follow for follow in lines[i + 1 : i + 3] if follow.startswith("    "))
    return "\n".join(found)


def test_check_names_every_bad_file_and_never_crashes(hostile, budget, runner):
    corpus, cases = hostile
    result = runner.invoke(cli, ["check", str(corpus)])
    assert result.exit_code == 1, result.output  # some files failed: status 1, not a traceback
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for case in cases:
        lines = reported(result.output, case.name)
        if case.outcome == "good":
            assert lines.startswith("ok "), (case.name, lines)
        elif case.outcome == "failed":
            assert lines.startswith("FAILED "), (case.name, lines)
        elif case.outcome == "skipped":
            assert lines.startswith("skipped "), (case.name, lines)
        else:
            assert lines, f"{case.name} is not in the report"


def test_reindex_indexes_every_good_file_and_names_every_bad_one(hostile, budget, runner, tmp_path):
    corpus, cases = hostile
    index_dir = tmp_path / "index"
    result = runner.invoke(cli, ["reindex", "--corpus", str(corpus), "--index", str(index_dir)])
    assert result.exit_code == 1  # some files failed
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    output = result.output
    handle = IndexHandle(index_dir)
    for case in cases:
        if case.outcome == "good":
            assert search(handle, case.word).total > 0, case.name
        elif case.outcome == "failed":
            assert "failed: " in reported(output, case.name), case.name
        elif case.outcome == "skipped":
            assert "skipped: " in reported(output, case.name), case.name
            if case.word:
                assert search(handle, case.word).total == 0  # nothing from outside the corpus
    assert "Traceback" not in output
    # A second reindex changes nothing and loses nothing.
    again = runner.invoke(cli, ["reindex", "--corpus", str(corpus), "--index", str(index_dir)])
    assert "0 added, 0 changed, 0 removed" in again.output
    assert all(search(handle, c.word).total > 0 for c in cases if c.outcome == "good")


def test_a_first_build_with_only_bad_files_is_an_empty_index_that_serves(tmp_path, budget, runner):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "empty.md").write_bytes(b"")
    (corpus / "deep.html").write_text("<div>" * 2000, encoding="utf-8")
    result = runner.invoke(cli, ["reindex", "--corpus", str(corpus), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1 and "2 failed" in result.output
    search_result = runner.invoke(cli, ["search", "anything", "--index", str(tmp_path / "ix")])
    assert search_result.exit_code == 0 and "0 results" in search_result.output


def test_a_pdf_has_a_time_budget_of_its_own():
    from archive.isolation import Budget

    budget = Budget(20, 2**30)
    assert (budget.seconds_for(Path("a.md")), budget.seconds_for(Path("A.PDF"))) == (20, 60)
    assert Budget(20, 2**30, pdf_seconds=90).seconds_for(Path("b.pdf")) == 90
