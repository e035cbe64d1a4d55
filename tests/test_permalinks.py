"""Permalinks that survive reindexing (permalinks.py): every status a cited passage can reach."""

from __future__ import annotations

import pytest
from expected import SEED_ID

from archive.engine.index import IndexHandle
from archive.permalinks import resolve
from archive.reindex import reindex


@pytest.fixture
def cited(tmp_index):
    """¶ 14 of the seed as a reader cited it: its text and fingerprint."""
    passage = IndexHandle(tmp_index).article(SEED_ID).passage(f"{SEED_ID}-p14")
    return passage


def seed_file(corpus_dir):
    return corpus_dir / f"{SEED_ID}.md"


def test_an_unchanged_passage_is_found_where_it_was(tmp_index, cited):
    found = resolve(IndexHandle(tmp_index), SEED_ID, "paragraph", 14, cited.fingerprint)
    assert (found.status, found.passage.id) == ("ok", cited.id)
    assert resolve(IndexHandle(tmp_index), SEED_ID, "paragraph", 14, None).status == "ok"


def test_a_passage_pushed_down_by_a_new_paragraph_is_followed(tmp_index, corpus_dir, cited):
    path = seed_file(corpus_dir)
    text = path.read_text(encoding="utf-8")
    assert cited.text[:60] in text
    first_words = cited.text[:60]
    path.write_text(
        text.replace(first_words, "A paragraph added before the cited one.\n\n" + first_words, 1),
        encoding="utf-8",
    )
    reindex(corpus_dir, tmp_index)
    found = resolve(IndexHandle(tmp_index), SEED_ID, "paragraph", 14, cited.fingerprint)
    assert found.status == "moved" and found.passage.number == 15 and found.passage.text == cited.text


def test_an_edited_passage_leads_to_its_closest_successor_with_the_cited_text(tmp_index, corpus_dir, cited):
    path = seed_file(corpus_dir)
    words = cited.text.split()
    edited = " ".join([*words[:5], "reportedly", *words[5:]])
    path.write_text(
        path.read_text(encoding="utf-8").replace(" ".join(words[:8]), " ".join(edited.split()[:9]), 1),
        encoding="utf-8",
    )
    reindex(corpus_dir, tmp_index)
    found = resolve(IndexHandle(tmp_index), SEED_ID, "paragraph", 14, cited.fingerprint)
    assert found.status == "changed" and found.cited_text == cited.text
    assert found.passage.number == 14 and "reportedly" in found.passage.text


def test_a_removed_article_still_shows_what_was_cited(tmp_index, corpus_dir, cited):
    seed_file(corpus_dir).unlink()
    reindex(corpus_dir, tmp_index)
    found = resolve(IndexHandle(tmp_index), SEED_ID, "paragraph", 14, cited.fingerprint)
    assert found.status == "removed" and found.passage.text == cited.text and found.cited_on


def test_unknown_articles_numbers_and_fingerprints(tmp_index, cited):
    handle = IndexHandle(tmp_index)
    assert resolve(handle, "no-such-article", "paragraph", 1, None).status == "missing"
    assert resolve(handle, SEED_ID, "paragraph", 999, None).status == "missing"
    assert (
        resolve(handle, SEED_ID, "paragraph", 999, cited.fingerprint).passage.id == cited.id
    )  # it moved there
    unverified = resolve(handle, SEED_ID, "paragraph", 14, "0" * 16)
    assert unverified.status == "unverified" and unverified.passage.id == cited.id
    figure = resolve(handle, SEED_ID, "figure", 1, None)
    assert figure.status == "ok" and figure.passage.kind == "figure" and figure.passage.ordinal == 1
