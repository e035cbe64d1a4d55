"""Shared fixtures: the seed article, the small test corpus, a CLI runner."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.engine.index import IndexHandle
from archive.parse import parse_file
from archive.reindex import reindex
from archive.web import create_app, store

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "cc-2019-09-china-russia.md"
TEST_CORPUS = Path(__file__).resolve().parent / "corpus"


@pytest.fixture(scope="session", autouse=True)
def index_key(tmp_path_factory) -> Path:
    """The tests sign their indexes with a key of their own, never the user's (servers and CLI
    processes the tests start inherit it)."""
    path = tmp_path_factory.mktemp("key") / "index.key"
    os.environ["ARCHIVE_KEY_FILE"] = str(path)
    return path


@pytest.fixture(autouse=True)
def catalog_checked(monkeypatch):
    """After every reindex of every test (hostile folders, failures, renames, removals), the
    catalog document a reindex reads instead of the article records says what the records say."""
    import archive.reindex

    def checked(index_dir: Path, states, outcomes) -> None:
        remember(index_dir, states, outcomes)
        assert_catalog_matches_records(index_dir)

    remember = archive.reindex.remember_digests
    monkeypatch.setattr(archive.reindex, "remember_digests", checked)


def assert_catalog_matches_records(index_dir: Path) -> None:
    from archive.engine.documents import CATALOG_ID, catalog_entries
    from archive.engine.folder import open_index
    from archive.engine.writing import stored_records

    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        stored, generation = searcher.document(id=CATALOG_ID), searcher.reader().generation()
    records = {
        r["article"]: (r["source"], r["digest"], r.get("indexed")) for r in stored_records(ix, "article")
    }
    assert stored is None or catalog_entries(stored) == (records, generation)  # this generation's
    ix.close()


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed():
    return parse_file(SEED)


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A writable corpus: the seed plus the small HTML and Markdown fixtures."""
    return build_corpus(tmp_path / "corpus")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def build_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED, folder / SEED.name)
    for path in TEST_CORPUS.iterdir():
        if path.is_file():  # formats/ holds one fixture per publishing convention (test_formats.py)
            shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """A built index of the seed and the test corpus, shared read-only by the session."""
    root = tmp_path_factory.mktemp("seed-index")
    corpus = build_corpus(root / "corpus")
    index_dir = root / "index"
    report = reindex(corpus, index_dir)
    assert report.ok, report.failed
    return index_dir


@pytest.fixture(scope="session")
def handle(seed_index) -> IndexHandle:
    return IndexHandle(seed_index)


@pytest.fixture(scope="session")
def app(seed_index):
    """The web app on the seed index (read-only, shared by the session)."""
    app = create_app(
        {"INDEX": str(seed_index), "CORPUS": "unused", "BUILD_MISSING_INDEX": False, "TESTING": True}
    )
    yield app
    store.close(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def tmp_index(tmp_path, corpus_dir) -> Path:
    """A writable index built from a writable corpus (see corpus_dir)."""
    index_dir = tmp_path / "index"
    reindex(corpus_dir, index_dir)
    return index_dir


@pytest.fixture
def changed_index(tmp_path, corpus_dir, monkeypatch) -> IndexHandle:
    """An index reindexed after a change (the seed's "Putin" made "Medvedev", and a copy of it
    added): the first segment kept with its deletions, the change in a segment of its own (a
    commit would otherwise merge a small segment mostly deleted)."""
    from archive.engine import writing

    monkeypatch.setattr(writing, "SPARSE_LIVE_DOCS", 0)
    index_dir = tmp_path / "index"
    reindex(corpus_dir, index_dir)
    seed = next(corpus_dir.glob("cc-*.md"))
    seed.write_text(seed.read_text(encoding="utf-8").replace("Putin", "Medvedev"), encoding="utf-8")
    shutil.copy(seed, corpus_dir / "second-copy.md")
    reindex(corpus_dir, index_dir)
    handle = IndexHandle(index_dir)
    assert len(handle.searcher().reader().leaf_readers()) > 1
    return handle
