"""Shared fixtures: the seed article, the small test corpus, a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.parse import parse_file

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "cc-2019-09-china-russia.md"
TEST_CORPUS = Path(__file__).resolve().parent / "corpus"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed():
    return parse_file(SEED)


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A writable corpus: the seed plus the small HTML and Markdown fixtures."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    for path in TEST_CORPUS.iterdir():
        shutil.copy(path, corpus / path.name)
    return corpus


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
