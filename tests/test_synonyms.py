"""synonyms.txt: read at reindex, applied at query time, shown in the interpreted query."""

from __future__ import annotations

import pytest

from archive.engine.index import IndexHandle
from archive.reindex import reindex
from archive.search import search
from archive.synonyms import parse_synonyms

SYNONYMS = """\
# the analysts' words
soybeans, soya
Kremlin => Kremlin, Moscow
PRC, China, People's Republic of China
broken =>
several words => one
"""


def test_equivalent_words_find_each_other_and_explicit_rules_replace():
    synonyms = parse_synonyms(SYNONYMS)
    assert synonyms.searched_for("Soya") == ("Soya", "soybeans")
    assert synonyms.searched_for("PRC") == ("PRC", "China", "People's Republic of China")
    assert synonyms.searched_for("kremlin") == ("kremlin", "Moscow")  # the word as the user typed it
    assert synonyms.searched_for("Putin") == ("Putin",)
    assert synonyms.problems == (
        "line 5: no words on one side of 'broken =>'; skipped",
        "line 6: 'several words' is several words, and only one word can be replaced; skipped",
    )


@pytest.fixture
def with_synonyms(tmp_index, corpus_dir):
    (corpus_dir / "synonyms.txt").write_text(SYNONYMS, encoding="utf-8")
    report = reindex(corpus_dir, tmp_index)
    assert "synonyms.txt" not in " ".join(report.added)  # not an article
    assert any("line 5" in warning for _, warning in report.warnings)
    return IndexHandle(tmp_index)


def test_synonyms_are_applied_and_shown(with_synonyms):
    results = search(with_synonyms, "soya")
    assert results.total == search(with_synonyms, "soybeans").total > 0
    assert results.interpreted == "(soya OR soybeans)"
    kremlin = search(with_synonyms, "Kremlin Lavrov")
    assert kremlin.interpreted == "(Kremlin OR Moscow) AND Lavrov" and kremlin.total > 0
    assert "soybean" not in search(with_synonyms, '"soya"').terms  # quoted words are taken as written


def test_a_changed_synonyms_file_is_a_change_to_the_index(with_synonyms, corpus_dir, tmp_index):
    assert "soybeans" not in with_synonyms.parse("beans").interpreted  # parsed, and kept by the handle
    (corpus_dir / "synonyms.txt").write_text("soybeans, beans\n", encoding="utf-8")
    reindex(corpus_dir, tmp_index)
    assert "soybean" not in search(with_synonyms, "soya").terms
    assert search(with_synonyms, "beans").interpreted == "(beans OR soybeans)"
    (corpus_dir / "synonyms.txt").unlink()
    reindex(corpus_dir, tmp_index)
    assert search(with_synonyms, "beans").interpreted != "(beans OR soybeans)"
