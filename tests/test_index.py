"""The index handle: stored articles, their metadata, searchers per thread and closing them."""

from __future__ import annotations

import threading

import pytest

from archive.engine.index import IndexHandle

SEED_ID = "cc-2019-09-china-russia"


def test_an_articles_record_is_the_article_without_its_passages(handle):
    full, record = handle.article(SEED_ID), handle.article_records()[SEED_ID]
    assert record.title == full.title and record.authors == full.authors
    assert (record.first_page, record.last_page) == (full.first_page, full.last_page)
    assert record.passages == () and len(full.passages) == 76
    assert "no-such-article" not in handle.article_records()
    assert list(handle.article_records().values()) == [a for a, _ in handle.catalog()]


def test_an_articles_parse_is_read_from_its_segment_column(tmp_path):
    """The parse is a column of its own (not stored again with the document's fields), read
    from the segment that holds it, and gone with its article."""
    from archive.engine.documents import PARSED
    from archive.reindex import reindex

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# Talks\n\nPutin met Xi in Moscow.\n", encoding="utf-8")
    reindex(corpus, tmp_path / "index")
    (corpus / "b.md").write_text("# More\n\nLavrov spoke.\n\nThen Wang Yi.\n", encoding="utf-8")
    reindex(corpus, tmp_path / "index")  # b's documents in a segment of their own
    handle = IndexHandle(tmp_path / "index")
    searcher = handle.searcher()
    assert len(searcher.reader().leaf_readers()) == 2
    assert PARSED not in searcher.document(id="payload:a") and "payload" not in searcher.document(
        id="payload:a"
    )
    assert [p.text for p in handle.article("a").passages] == ["Putin met Xi in Moscow."]
    assert [p.text for p in handle.article("b").passages] == ["Lavrov spoke.", "Then Wang Yi."]
    assert sorted(a.id for a in handle.parsed_articles()) == ["a", "b"]
    assert handle.article("c") is None
    handle.close()
    (corpus / "a.md").unlink()
    reindex(corpus, tmp_path / "index")
    handle = IndexHandle(tmp_path / "index")
    assert handle.article("a") is None and handle.removed_article("a")[0].passages[0].text.startswith("Putin")
    assert [a.id for a in handle.parsed_articles()] == ["b"]
    handle.close()


def test_close_closes_every_threads_searcher(seed_index):
    handle = IndexHandle(seed_index)
    searchers = [handle.searcher()]
    thread = threading.Thread(target=lambda: searchers.append(handle.searcher()))
    thread.start()
    thread.join()
    assert searchers[0] is not searchers[1]
    handle.close()
    assert all(s.is_closed for s in searchers)
    assert not handle.searcher().is_closed  # a closed handle reopens on demand
    handle.close()


def test_derived_structures_are_rebuilt_for_a_new_generation_only(tmp_path):
    from archive.reindex import reindex

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# Talks\n\nPutin met Xi in Moscow.\n", encoding="utf-8")
    reindex(corpus, tmp_path / "index")
    handle, builds = IndexHandle(tmp_path / "index"), []

    def build(searcher):
        builds.append(searcher.reader().generation())
        return len(builds)

    assert handle.derived("probe", build) == handle.derived("probe", build) == 1
    reindex(corpus, tmp_path / "index")  # nothing changed: no new generation, nothing rebuilt
    assert handle.derived("probe", build) == 1
    (corpus / "b.md").write_text("# More\n\nLavrov spoke.\n", encoding="utf-8")
    reindex(corpus, tmp_path / "index")
    assert handle.derived("probe", build) == 2 and builds[1] > builds[0]


def test_a_thread_behind_never_replaces_a_newer_generations_structure(tmp_path, monkeypatch):
    """A request thread still searching the generation before a reindex gets a structure of its
    own generation, built for it, and leaves the newer one cached for everyone else."""
    from archive.reindex import reindex

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# Talks\n\nPutin met Xi in Moscow.\n", encoding="utf-8")
    reindex(corpus, tmp_path / "index")
    handle = IndexHandle(tmp_path / "index")
    behind = handle.ix.searcher()  # opened on the first generation, kept
    (corpus / "b.md").write_text("# More\n\nLavrov spoke.\n", encoding="utf-8")
    reindex(corpus, tmp_path / "index")

    def build(searcher):
        return searcher.reader().generation()

    newest = handle.derived("probe", build)
    assert newest > behind.reader().generation()
    current = handle.searcher
    monkeypatch.setattr(handle, "searcher", lambda: behind)
    assert handle.derived("probe", build) == behind.reader().generation()
    monkeypatch.setattr(handle, "searcher", current)
    assert handle.derived("probe", lambda searcher: pytest.fail("rebuilt")) == newest
    behind.close()
    handle.close()


@pytest.mark.parametrize("trailer_from", [None, 2])
def test_live_counts_leave_out_replaced_and_removed_documents(
    tmp_path, corpus_dir, monkeypatch, trailer_from
):
    """Deleted documents stay in doc_frequency until a merge; the counts take them off, from
    posting lists read from their trailers too (engine/trailers.py: lists of two postings or more
    have one here). Small segments mostly deleted are kept here: a commit would merge them."""
    from archive.engine import trailers, writing
    from archive.engine.index import count_live
    from archive.reindex import reindex

    monkeypatch.setattr(writing, "SPARSE_LIVE_DOCS", 0)
    if trailer_from:
        monkeypatch.setattr(trailers, "TRAILER_FROM", trailer_from)
    tmp_index = tmp_path / "index"
    reindex(corpus_dir, tmp_index)

    seed = corpus_dir / "cc-2019-09-china-russia.md"
    original = seed.read_text(encoding="utf-8")
    next(p for p in corpus_dir.glob("*.html")).unlink()
    for text in (original + "\n\nA paragraph added later.\n", original, original + "\n\nAnother.\n"):
        seed.write_text(text, encoding="utf-8")
        reindex(corpus_dir, tmp_index)
        handle = IndexHandle(tmp_index)
        searcher = handle.searcher()
        assert searcher.reader().has_deletions()
        for doctype in ("article", "payload", "passage", "section", "tombstone", "history"):
            listed = sum(1 for _ in searcher.document_numbers(doctype=doctype))
            assert count_live(searcher, doctype) == listed, doctype
        handle.close()
