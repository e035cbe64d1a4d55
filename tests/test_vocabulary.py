"""A field's term statistics read as arrays must be each segment's terms table, added up, and a
segment's terms must be read once, while it is there."""

from __future__ import annotations

import dataclasses

from archive.engine import vocabulary, writing
from archive.engine.index import IndexHandle
from archive.engine.positions import leaves, term_totals
from archive.reindex import reindex


def whoosh_totals(searcher, word: str) -> tuple[float, int]:
    found = [term_totals(sub.reader(), "text", word) for sub, _ in leaves(searcher)]
    return sum(f[0] for f in found if f), sum(f[1] for f in found if f)


def test_every_term_has_its_segments_statistics_added_up(changed_index):
    handle = changed_index
    searcher = handle.searcher()
    words = sorted({tb.decode("utf-8") for tb in searcher.reader().lexicon("text")})
    words += ["wordnotindexed", "", "ｐｕｔｉｎ", "普京普京普京"]
    found = handle.evaluator().table.vocabularies["text"].statistics(words)
    assert [(w, round(weight, 6), count) for w, weight, count in zip(words, *found, strict=True)] == [
        (w, round(whoosh_totals(searcher, w)[0], 6), whoosh_totals(searcher, w)[1]) for w in words
    ]
    assert whoosh_totals(searcher, "putin")[1] > 0  # deleted documents are counted, as Whoosh does


def test_term_statistics_and_key_words_agree_with_and_without_the_arrays(changed_index):
    handle = changed_index
    evaluator = handle.evaluator()
    searcher = evaluator.searcher
    texts = [
        searcher.stored_fields(d)["text"] for d in list(searcher.document_numbers(doctype="passage"))[:40:4]
    ]
    with_arrays = [evaluator.key_terms(text, 12) for text in texts]
    assert evaluator.term_statistics("text", "medvedev") == whoosh_totals(searcher, "medvedev")
    evaluator.table = dataclasses.replace(evaluator.table, vocabularies={})  # word by word
    evaluator.cache = type(evaluator.cache)(1 << 20)  # nothing remembered from the arrays
    assert [evaluator.key_terms(text, 12) for text in texts] == with_arrays
    assert evaluator.term_statistics("text", "medvedev") == whoosh_totals(searcher, "medvedev")


def test_a_segment_is_read_once_and_forgotten_when_gone(tmp_path, corpus_dir, monkeypatch):
    reads = []
    original = vocabulary.SegmentTerms.read
    monkeypatch.setattr(
        vocabulary.SegmentTerms, "read", lambda r, f: reads.append(r.segment().segment_id()) or original(r, f)
    )
    monkeypatch.setattr(writing, "SPARSE_LIVE_DOCS", 0)
    index_dir = tmp_path / "index"
    reindex(corpus_dir, index_dir)
    handle = IndexHandle(index_dir)
    handle.evaluator()
    first = list(reads)
    assert len(first) == 1
    (corpus_dir / "added.md").write_text("# Added\n\nA paragraph about the Yalu river.\n", encoding="utf-8")
    reindex(corpus_dir, index_dir)
    assert handle.evaluator().table.vocabularies["text"].statistics(["yalu"])[1].tolist() == [1]
    assert reads[:1] == first and len(reads) == 2  # only the new segment was read
    assert len(handle._segment_terms) == 2
    reindex(corpus_dir, index_dir, full=True)  # every segment replaced
    handle.evaluator()
    assert {segment for segment, _ in handle._segment_terms} == {
        sub.reader().segment().segment_id() for sub, _ in leaves(handle.searcher())
    }
