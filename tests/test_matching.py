"""The array evaluator must find exactly what Whoosh finds, and score words as Whoosh's BM25F."""

from __future__ import annotations

import pickle
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query as q

from archive.engine.analysis import analyze
from archive.engine.index import IndexHandle
from archive.engine.matching import Matches, intersect, member, postings_cache, union
from archive.engine.query import build_query
from archive.reindex import reindex
from archive.search import Request, search

QUERIES = [
    "Putin",
    "Xi Putin summit",
    "sanctioned",
    "military exercises OR drills",
    "Russia -China",
    "Russia NOT arms",
    '"strategic partnership"',
    "Оренбурге",
    "战略",
    "strat*",
    "kind:chronology Putin",
    "section:chronology",
    "date:2019-07",
    "year:2019 trade",
    "-Putin",
    "(Russia OR China) AND (oil OR gas)",
    "year:2018-2019 Putin",
    "date:[2019-07-01 to 2019-07-15]",
    '"Xi Jinping" -Putin',
    '"of the"',
    '"the new era"',
    '"China-Russia relations"',
    '"战略互信"',
    '"strategic partnership"~3',
]
# The seed's words, for random queries.
VOCABULARY = [
    "russia", "china", "putin", "xi", "trade", "military", "arms", "summit", "the", "of",
    "sanctions", "oil", "gas", "strategic", "partnership", "beijing", "moscow", "nuclear",
    "exercise", "energy", "zzzz", "2019",
]  # fmt: skip


def whoosh_scores(handle: IndexHandle, built: q.Query) -> dict[int, float]:
    """docnum -> score, as Whoosh's own matchers find and score them."""
    evaluator = handle.evaluator()
    allowed = set(evaluator.universe.tolist())
    return {hit.docnum: hit.score for hit in evaluator.searcher.search(built, limit=None, filter=allowed)}


def reference(searcher, node: q.Query, universe: set[int]) -> set[int]:
    """Whoosh matches each word, phrase or range; plain sets do the boolean logic. (Whoosh's own
    AndNotMatcher is not a reference: it returns documents that contain the excluded word.)"""
    if isinstance(node, q.And):
        result = set(universe)
        for sub in node.subqueries:
            if isinstance(sub, q.Not):
                result -= reference(searcher, sub.query, universe)
            else:
                result &= reference(searcher, sub, universe)
        return result
    if isinstance(node, q.Or):
        return set().union(*(reference(searcher, sub, universe) for sub in node.subqueries))
    if isinstance(node, q.Not):
        return universe - reference(searcher, node.query, universe)
    if isinstance(node, q.AndNot):
        return reference(searcher, node.a, universe) - reference(searcher, node.b, universe)
    if isinstance(node, q.AndMaybe):
        return reference(searcher, node.a, universe)
    found = set(searcher.docs_for_query(node)) & universe
    if getattr(node, "fieldname", None) == "text":
        return with_their_sections(searcher, found, universe)
    return found


def with_their_sections(searcher, found: set[int], universe: set[int]) -> set[int]:
    """A section's words and phrases are found in it when one of its paragraphs has them (never
    across two paragraphs): its own text is stored, not indexed."""

    def place(docnum: int) -> tuple:
        fields = searcher.stored_fields(docnum)
        return fields.get("article"), fields.get("section_number")

    def is_section(docnum: int) -> bool:
        return searcher.stored_fields(docnum).get("doctype") == "section"

    assert not any(is_section(docnum) for docnum in found)
    places = {place(docnum) for docnum in found}
    return found | {docnum for docnum in universe if is_section(docnum) and place(docnum) in places}


def same_as_whoosh(handle: IndexHandle, text: str, scores: bool) -> None:
    built = build_query(handle.searcher(), text)[0]
    if built is None:
        return
    evaluator = handle.evaluator()
    found = evaluator.matches(built)
    expected = reference(evaluator.searcher, built, set(evaluator.universe.tolist()))
    assert found.ids.tolist() == sorted(expected), text
    if scores:  # Whoosh finds no section by its words (see test_a_section_scores_as_its_words)
        whoosh = whoosh_scores(handle, built)
        passages = ~evaluator.table.is_section(found.ids)
        by_whoosh = np.array(sorted(whoosh), dtype=np.int64)
        assert by_whoosh[~evaluator.table.is_section(by_whoosh)].tolist() == found.ids[passages].tolist()
        np.testing.assert_allclose(
            found.scores[passages], [whoosh[d] for d in found.ids[passages].tolist()], rtol=1e-5
        )


@pytest.mark.parametrize("word", ["putin", "militari", "the", "russia"])
def test_a_section_scores_as_its_words(handle, word):
    """A section found by its paragraphs' words is scored by BM25F as if its text were indexed:
    its paragraphs' weights added up, over their lengths added up."""
    evaluator = handle.evaluator()
    searcher = evaluator.searcher
    found = evaluator.matches(q.Term("text", word))
    sections = found.ids[evaluator.table.is_section(found.ids)]
    assert len(sections)
    live = set(evaluator.universe.tolist())
    weights = dict(searcher.postings("text", word).items_as("weight"))
    idf, average = searcher.idf("text", word), searcher.avg_field_length("text")
    for section in sections.tolist():
        fields = searcher.stored_fields(section)
        inside = [
            d
            for d in live
            if searcher.stored_fields(d)["doctype"] == "passage"
            and searcher.stored_fields(d)["article"] == fields["article"]
            and searcher.stored_fields(d).get("section_number") == fields["section_number"]
        ]
        tf = sum(weights.get(d, 0.0) for d in inside)
        length = sum(searcher.doc_field_length(d, "text", 0) for d in inside)
        expected = idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / average))
        assert tf > 0 and found.scores[found.ids.tolist().index(section)] == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("text", QUERIES)
def test_same_documents_as_whoosh(handle, text):
    same_as_whoosh(handle, text, scores=False)


@pytest.mark.parametrize("text", ["Putin", "Xi Putin summit", "military exercises OR drills", "oil gas"])
def test_word_scores_are_whoosh_bm25f(handle, text):
    same_as_whoosh(handle, text, scores=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.sampled_from(["", "-", "OR ", "NOT "]), st.sampled_from(VOCABULARY)),
        min_size=1,
        max_size=4,
    )
)
def test_random_boolean_queries_match_whoosh(handle, words):
    text = " ".join(op + word for op, word in words).removeprefix("OR ")
    same_as_whoosh(handle, text, scores=False)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(VOCABULARY), min_size=2, max_size=3), st.sampled_from(["", "~2", "~4"]))
def test_random_phrases_match_whoosh_positions(handle, words, slop):
    """Phrases are checked on positions by positions.py, only where every word is: the same
    documents as Whoosh's own span matcher finds walking the whole index."""
    same_as_whoosh(handle, f'"{" ".join(words)}"{slop}', scores=False)


def test_excluded_words_never_match(handle):
    found = handle.evaluator().matches(build_query(handle.searcher(), "moscow -russia")[0])
    texts = [handle.searcher().stored_fields(d)["text"] for d in found.ids.tolist()]
    assert texts and not any("russia" in analyze(t) for t in texts)


def test_deleted_and_replaced_documents_are_never_found(changed_index):
    """A change leaves the old postings in the segment until a merge: they must not match."""
    handle = changed_index
    for text in ("Putin", "Medvedev", "Russia China", '"Medvedev"', "Medv*"):
        same_as_whoosh(handle, text, scores=False)
    assert len(handle.evaluator().matches(q.Term("text", "putin"))) == 0
    searcher, evaluator = handle.searcher(), handle.evaluator()
    assert all(  # each segment's documents read from their own segment
        evaluator.fields(docnum) == searcher.stored_fields(docnum)
        for docnum in range(searcher.doc_count_all())
    )
    for docnum in list(searcher.document_numbers(doctype="passage"))[:60:3]:  # related passages' words
        text = searcher.stored_fields(docnum)["text"]
        ours = [(word, round(weight, 9)) for word, weight, _ in evaluator.key_terms(text, 12)]
        assert ours == [(w, round(weight, 9)) for w, weight in searcher.key_terms_from_text("text", text, 12)]


def test_term_totals_are_whoosh_term_info(handle):
    """Every term's total weight and document count, read from its terms-table entry's head,
    are what Whoosh's term_info reads (inlined postings and long lists alike)."""
    from archive.engine.positions import term_totals

    reader = handle.searcher().reader().leaf_readers()[0][0]
    for fieldname in ("text", "exact", "title"):
        for text in map(reader.schema[fieldname].from_bytes, reader.lexicon(fieldname)):
            info = reader.term_info(fieldname, text)
            assert term_totals(reader, fieldname, text) == (info.weight(), info.doc_frequency())
    assert term_totals(reader, "text", "zzzznothing") is None
    assert term_totals(reader, "no-such-field", "putin") is None


@pytest.mark.parametrize("small", [0, 10**6])
def test_a_small_segment_finds_its_terms_from_its_keys_in_memory(handle, monkeypatch, small):
    """A small segment's missing terms are found missing from its keys read once, without a
    lookup in its terms table; its terms, their postings and totals are those of a large one."""
    from archive.engine import positions

    monkeypatch.setattr(positions, "SMALL_SEGMENT_DOCS", small)
    reader = handle.searcher().reader().leaf_readers()[0][0]
    reader._terms.__dict__.pop("_archive_keys", None)
    lookups = []
    real = reader._terms._tindex.ranges_for_key
    monkeypatch.setattr(reader._terms._tindex, "ranges_for_key", lambda key: lookups.append(key) or real(key))
    for fieldname in ("text", "exact", "title"):
        for text in map(reader.schema[fieldname].from_bytes, reader.lexicon(fieldname)):
            info = reader.term_info(fieldname, text)
            assert positions.term_totals(reader, fieldname, text) == (info.weight(), info.doc_frequency())
            ids, _ = positions.leaf_postings(reader, fieldname, text)
            assert list(ids) == list(reader.postings(fieldname, text).all_ids())
    lookups.clear()
    for fieldname, text in (("text", "zzzznothing"), ("no-such-field", "putin"), ("title", "zeppelin")):
        assert positions.term_totals(reader, fieldname, text) is None
        assert positions.leaf_postings(reader, fieldname, text) is None
        assert positions.leaf_matcher(reader, fieldname, text) is None
    assert (lookups == []) == bool(small)
    assert ("_archive_keys" in reader._terms.__dict__) == bool(small)


def test_a_search_scores_each_word_of_each_field_once(handle, monkeypatch):
    """A search asks again which words a passage has itself (shaping.py), and which passages
    have most of the words when all of them find too few: those words' matches are the ones
    already scored, not scored again."""
    from archive.engine.matching import Evaluator

    scored = []
    original = Evaluator.term

    def counted(self, fieldname, text, boost=1.0, sections=True):
        scored.append((fieldname, text, boost))
        return original(self, fieldname, text, boost, sections)

    monkeypatch.setattr(Evaluator, "term", counted)
    found = search(handle, Request("russia china xylophone"))  # no passage has all three
    assert found.partial is not None and found.partial.hits
    assert len(scored) == len(set(scored))


def test_postings_cache_is_bounded_in_bytes():
    cache = postings_cache(max_bytes=8000)
    for i in range(20):
        cache.put(("g", i), (np.arange(50), np.ones(50)))  # 800 bytes each
    assert cache.total <= 8000 and len(cache) == 10
    assert cache.get(("g", 0)) is None and cache.get(("g", 19)) is not None
    cache.put(("g", "huge"), (np.arange(1000),))  # more than an eighth of the budget
    assert cache.get(("g", "huge")) is None


def test_facets_and_sort_keys_line_up_across_segments(tmp_index, corpus_dir):
    """A new segment without a year column must not shift other documents' years."""
    (corpus_dir / "note.md").write_text("# Note\n\nPutin met a zeppelin in Omsk.\n", encoding="utf-8")
    reindex(corpus_dir, tmp_index)
    handle = IndexHandle(tmp_index)
    searcher = handle.searcher()
    assert len(searcher.reader().leaf_readers()) > 1
    results = search(handle, Request("Putin OR zeppelin", page_size=100))
    assert len(results.hits) == results.total
    years = [searcher.document(id=h.id).get("year") for h in results.hits]
    assert results.facets["year"] == {"2019": years.count(2019)} and years.count(None) == 1
    assert results.facets["article"]["note"] == 1
    reading = search(handle, Request("Putin OR zeppelin", sort="reading", page_size=100)).hits
    assert [h.article for h in reading] == sorted(h.article for h in reading)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=2**31 - 1), min_size=1, max_size=40), st.booleans())
def test_positions_read_by_hand_as_whoosh_reads_them(positions, cut_stop):
    """Whoosh's own encoding of sorted positions, with or without the pickle's closing stop, read
    without any unpickler."""
    from whoosh.formats import Positions

    from archive.engine import positions as module

    value = Positions().encode(sorted(positions))
    value = value[:-1] if cut_stop else value
    body = value[4:]
    assert module._plain_deltas(body if body.endswith(b".") else body + b".") is not None
    assert module._plain_deltas(body.rstrip(b".")) is not None
    assert module.decode_positions(value) == Positions().decode_positions(value) == sorted(positions)


def test_positions_not_in_whoosh_plain_form_go_to_the_restricted_unpickler():
    import pickle

    from archive.engine.positions import decode_positions

    assert decode_positions(b"\x00\x00\x00\x02" + pickle.dumps((3, 4), 2)) == [3, 7]  # a tuple
    assert decode_positions(b"\x00\x00\x04\xb0" + pickle.dumps([1] * 1200, 2)) == list(range(1, 1201))
    for cut in (b"K", b"M\x01", b"(K", b"(K\x01M"):  # cut short: the unpickler's error, not IndexError
        with pytest.raises((pickle.UnpicklingError, EOFError)):
            decode_positions(b"\x00\x00\x00\x01\x80\x02]q\x00" + cut)
    with pytest.raises(pickle.UnpicklingError):
        decode_positions(b"\x00\x00\x00\x01" + pickle.dumps(print, 2))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=2**40), min_size=1, max_size=150, unique=True),
    st.sampled_from(["ones", "same", "mixed", "integers"]),
    st.floats(min_value=0.1, max_value=1e6, allow_nan=False),
)
def test_block_ids_and_weights_read_by_hand_as_whoosh_pickles_them(ids, kind, weight):
    """A posting block's front read without the unpickler: what Whoosh would unpickle, or None
    (then the unpickler reads it), never something else."""
    from whoosh.compat import dumps
    from whoosh.util.numlists import delta_encode

    from archive.engine.positions import plain_ids_and_weights

    ids = sorted(ids)
    weights = {
        "ones": [1.0] * len(ids),
        "same": [weight] * len(ids),
        "mixed": [weight + i for i in range(len(ids))],
        "integers": list(range(1, len(ids) + 1)),
    }[kind]
    stored = None if kind == "ones" else weight if kind == "same" else tuple(weights)
    values = tuple(b"\x00\x00\x00\x01" + bytes([i % 256]) for i in range(len(ids)))
    data = dumps((tuple(delta_encode(ids)), stored, values), 2)
    read = plain_ids_and_weights(data, len(ids))
    if read is not None:
        assert read[0].tolist() == ids and read[1].tolist() == weights
    if max(ids) < 2**31 and kind != "integers":
        assert read is not None  # the plain form is read by hand
    for cut in range(len(data)):  # cut short anywhere: nothing, or exactly what was written
        read = plain_ids_and_weights(data[:cut], len(ids))
        assert read is None or (read[0].tolist() == ids and read[1].tolist() == weights)


def test_a_short_block_whose_weights_are_not_all_floats_goes_to_the_unpickler():
    """Whoosh writes floats only; anything else in a short block's weights is left to pickle."""
    from archive.engine.positions import plain_ids_and_weights

    for block, count in [(((0, 0), (0.0, 1), None), 2), (((0, 0), (2.5,), None), 2), (((3,), 2.0, None), 1)]:
        read = plain_ids_and_weights(pickle.dumps(block, 2), count)
        expected = pickle.loads(pickle.dumps(block, 2))
        if read is not None:
            assert read[0].tolist() == list(np.cumsum(expected[0])) and len(read[1]) == count
            assert read[1].tolist() == [expected[1]] * count  # one float for all: the only kind read
    assert plain_ids_and_weights(pickle.dumps(((0, 0), (0.0, 1), None), 2), 2) is None
    assert plain_ids_and_weights(pickle.dumps(((0, 0), (2.5,), None), 2), 2) is None


sorted_ids = st.lists(st.integers(0, 2_000), max_size=400, unique=True).map(
    lambda ids: np.array(sorted(ids), dtype=np.int64)
)


@settings(max_examples=150, deadline=None)
@given(st.lists(sorted_ids, min_size=1, max_size=4), sorted_ids)
def test_set_operations_agree_with_sets_on_every_path(lists, other):
    """Binary searches for a few ids in many, NumPy's sorting otherwise, and dense arrays for long
    unions: each gives the documents and summed scores of plain set arithmetic."""
    each = [Matches(ids, ids / 7.0) for ids in lists]
    expected: dict[int, float] = {}
    for ids in lists:
        for i in ids.tolist():
            expected[i] = expected.get(i, 0.0) + i / 7.0
    for size in (0, 2_001):  # without and with the index's size (the dense path for long lists)
        found = union(each, size)
        assert found.ids.tolist() == sorted(expected)
        assert np.allclose(found.scores, [expected[i] for i in sorted(expected)])
    common = set.intersection(*(set(ids.tolist()) for ids in lists))
    both = intersect(each)
    assert both.ids.tolist() == sorted(common)
    assert np.allclose(both.scores, [len(lists) * i / 7.0 for i in sorted(common)])
    assert member(lists[0], other).tolist() == [i in set(other.tolist()) for i in lists[0].tolist()]
    assert each[0].without(other).ids.tolist() == sorted(set(lists[0].tolist()) - set(other.tolist()))
    mask = np.zeros(2_001, dtype=bool)
    mask[other] = True
    assert each[0].within(mask).ids.tolist() == each[0].within(other).ids.tolist()


@pytest.fixture(scope="module")
def many_blocks(tmp_path_factory):
    """A segment whose common words fill several posting blocks (Whoosh's are 128 postings)."""
    from whoosh.fields import ID, KEYWORD, TEXT, Schema
    from whoosh.filedb.filestore import FileStorage

    rng = np.random.default_rng(3)
    words = [f"w{n}" for n in range(60)]
    schema = Schema(
        id=ID(stored=True), body=TEXT, tags=KEYWORD(scorable=False), boosted=TEXT(field_boost=1.7)
    )
    ix = FileStorage(str(tmp_path_factory.mktemp("blocks"))).create_index(schema)
    writer = ix.writer()
    for n in range(900):
        body = " ".join(
            rng.choice(
                words,
                size=int(rng.integers(1, 40)),
                p=np.linspace(2, 0.1, 60) / np.linspace(2, 0.1, 60).sum(),
            )
        )
        writer.add_document(id=str(n), body=body, tags=" ".join(words[: n % 7]), boosted=body[:20])
    writer.commit()
    return ix


def test_posting_lists_read_whole_as_their_matchers_read_them(many_blocks):
    """Every term's (document, weight) list, split into blocks by hand, as the matcher reads it;
    a list cut short gives its ids and weights whole or nothing, a damaged one never an error."""
    from archive.engine.positions import extent_postings, leaf_matcher, leaf_postings, read_postings

    with many_blocks.reader() as reader:
        lengths = []
        for fieldname, btext in reader.all_terms():
            expected = read_postings(leaf_matcher(reader, fieldname, btext))
            found = leaf_postings(reader, fieldname, btext)
            assert np.array_equal(found[0], expected[0]) and np.array_equal(found[1], expected[1])
            lengths.append(len(expected[0]))
            info = reader._terms.term_info(fieldname, btext)
            extent = reader._terms._postfile.get(info._offset, info._length[0])
            assert extent_postings(extent, reader.doc_count_all()) is not None
            for cut in range(0, len(extent), max(1, len(extent) // 40)):
                read = extent_postings(
                    extent[:cut], reader.doc_count_all()
                )  # the ids and weights whole, or nothing
                assert read is None or (
                    np.array_equal(read[0], expected[0]) and np.array_equal(read[1], expected[1])
                )
                damaged = extent[:cut] + bytes([extent[cut] ^ 0x55]) + extent[cut + 1 :]
                read = extent_postings(damaged, reader.doc_count_all())
                assert read is None or (
                    len(read[0]) == len(read[1]) and read[0][0] >= 0 and read[0][-1] < 900
                )
                assert read is None or (np.diff(read[0]) > 0).all()
        assert max(lengths) > 3 * 128  # several blocks
        assert leaf_postings(reader, "body", "absent") is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dates(min_value=date(2018, 1, 1), max_value=date(2020, 12, 31)),
    st.integers(0, 400),
    st.booleans(),
    st.integers(2017, 2021),
)
def test_narrow_ranges_read_from_the_columns_order_find_what_comparing_finds(
    handle, start, days, open_end, year
):
    """A range of dates or years finds the same documents through the columns' order (a narrow
    one) as by comparing every value (a wide one)."""
    from archive.engine import matching

    evaluator = handle.evaluator()
    end = None if open_end else datetime.combine(start + timedelta(days=days), datetime.min.time())
    nodes = [
        q.DateRange("date_start", datetime.combine(start, datetime.min.time()), end),
        q.DateRange("date_end", None, end),
        q.NumericRange("year", year, year + days % 3),
        q.NumericRange("year", -(2**31), 2**31 - 1),  # the column type's whole range
        q.DateRange("date_start", datetime(1, 1, 1), datetime(9999, 12, 31)),
        q.NumericRange("year", year, year - 1),  # empty
    ]
    kept = matching.NARROW_RANGE
    try:
        for node in nodes:
            matching.NARROW_RANGE = 1  # every range read from the order
            narrow = evaluator.numeric_range(node)
            matching.NARROW_RANGE = 10**9  # every range compared
            assert np.array_equal(narrow, evaluator.numeric_range(node))
    finally:
        matching.NARROW_RANGE = kept
