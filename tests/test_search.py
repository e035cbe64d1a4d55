"""Search on the seed index (search.py): matching, ranking, facets, sorting, pages, suggestions,
partial matches, related passages."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from expected import SEED_ID, P, ids, passage_ids
from whoosh import query as q

from archive.engine.analysis import analyze
from archive.engine.index import IndexHandle
from archive.engine.suggest import SUGGEST_WORDS, Lexicon, edit_distance, lexicon
from archive.reindex import reindex
from archive.search import Request, related, search

SEED = f"article:{SEED_ID}"  # a filter on the seed article


def test_stemming_finds_other_forms(handle):
    results = search(handle, f"sanctioned {SEED}")
    assert passage_ids(results) == {P + "p14"}
    assert "US <mark>sanctions</mark> against Russia" in results.hits[0].snippet
    assert results.interpreted == "sanctioned AND article:cc-2019-09-china-russia"
    assert results.terms == "sanction AND article:cc-2019-09-china-russia"
    assert {"regular-markdown-p2", "arms-control-p2"} <= passage_ids(search(handle, "sanctioned"))


def test_russian_inflection(handle):
    assert passage_ids(search(handle, "Оренбурге")) == {P + "p34", "regular-markdown-p3"}


def test_cjk_sub_words_find_the_whole_word(handle):
    for query in ("战略", "互信", "战略互信"):
        assert P + "p42" in passage_ids(search(handle, query)), query
    whole = search(handle, f"战略互信 {SEED}")
    assert passage_ids(whole) == {P + "p42"}
    assert "(<mark>战略互信</mark>)" in whole.hits[0].snippet


def test_phrase_across_a_rejoined_page_break_is_one_mark(handle):
    results = search(handle, '"both offensive and defensive superiority"')
    assert passage_ids(results) == {P + "p6"}
    assert "<mark>both offensive and defensive superiority</mark> means" in results.hits[0].snippet


def test_facets_count_every_match(handle):
    everything = search(handle, Request("Russia", page_size=100)).hits
    results = search(handle, Request("Russia", page_size=5))
    facets = results.facets
    assert set(facets) == {"kind", "section", "article", "year"}
    assert results.total == len(everything) and len(results.hits) == 5
    assert facets["kind"] == dict(Counter(h.kind for h in everything))
    assert facets["article"] == dict(Counter(h.article for h in everything))
    assert facets["section"]["Chronology of China-Russia Relations"] == sum(
        h.section == "Chronology of China-Russia Relations" for h in everything
    )
    assert list(facets["kind"]) == [
        k for k in ("lead", "paragraph", "chronology", "figure", "section") if k in facets["kind"]
    ]


def test_long_facets_show_their_most_frequent_values_and_the_selected_one(handle, monkeypatch):
    monkeypatch.setattr("archive.search.FACET_LIMIT", 2)
    everything = search(handle, Request("Russia", page_size=100)).hits
    by_section = Counter(h.section for h in everything if h.section)
    rare = min(by_section, key=lambda s: (by_section[s], s))
    results = search(handle, Request("Russia", filters={"section": (rare,)}))
    unfiltered = search(handle, Request("Russia"))
    top_two = sorted(by_section.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
    assert unfiltered.facets["section"] == dict(top_two)
    assert unfiltered.facet_sizes["section"] == len(by_section)
    assert rare in results.facets["section"]  # a selected value never disappears


def test_facet_selection_narrows_results(handle):
    unfiltered = search(handle, "Russia")
    results = search(handle, Request("Russia", filters={"kind": ("chronology",)}, page_size=50))
    assert results.total == unfiltered.facets["kind"]["chronology"]
    assert {h.kind for h in results.hits} == {"chronology"}


def test_did_you_mean(handle):
    results = search(handle, "sanctoins")
    assert (results.suggestion, results.corrected) == ("sanctions", True)
    assert P + "p14" in passage_ids(results)
    assert search(handle, "sanctions").suggestion is None


def test_sort_orders(handle):
    reading = search(handle, Request("Putin", sort="reading", page_size=100))
    seed_hits = [h for h in reading.hits if h.article == P[:-1] and h.kind != "section"]
    assert [h.number for h in seed_hits if h.number] == sorted(h.number for h in seed_hits if h.number)
    by_date = search(handle, Request("kind:chronology", sort="date", page_size=100))
    assert [h.date_start for h in by_date.hits] == sorted((h.date_start for h in by_date.hits), reverse=True)


def test_pagination(handle):
    first = search(handle, Request("Russia", page=1, page_size=10))
    second = search(handle, Request("Russia", page=2, page_size=10))
    assert first.pages == -(-first.total // 10) and len(first.hits) == 10
    assert not set(ids(first)) & set(ids(second))
    last = search(handle, Request("Russia", page=first.pages, page_size=10))
    beyond = search(handle, Request("Russia", page=999, page_size=10))
    assert (beyond.page, ids(beyond)) == (first.pages, ids(last))  # past the last page is the last page


def test_results_are_grouped_by_article_then_section(handle):
    results = search(handle, Request("sanctions", page_size=50))
    groups = {g.article: [s.title for s in g.sections] for g in results.groups}
    assert groups[P[:-1]][0] == "Still the economy, not so stupid"
    assert "regular-markdown" in groups


def test_highlighting_escapes_corpus_html(handle):
    results = search(handle, "hostile")
    hit = next(h for h in results.hits if h.article == "arms-control" and h.kind == "paragraph")
    assert hit.snippet == (
        "A paragraph with <mark>hostile</mark> text: &lt;script&gt;alert(1)&lt;/script&gt; must stay text."
    )


def test_only_matched_terms_are_marked(handle):
    results = search(handle, "Putin -Xi")
    for hit in results.hits:
        marked = {analyze(m)[0] for m in re.findall(r"<mark>(.*?)</mark>", hit.snippet)}
        assert marked <= {"putin"}
        assert set(re.findall(r"</?(\w+)", hit.snippet)) <= {"mark"}


def test_related_passages(handle):
    similar = related(handle, P + "p14")
    assert 0 < len(similar) <= 5
    assert P + "p14" not in {h.id for h in similar}
    assert {h.kind for h in similar} <= {"lead", "paragraph", "figure", "chronology"}


@pytest.mark.parametrize("number", [1, 6, 14, 30])
def test_related_passages_are_whoosh_more_like_this(handle, number):
    """The same passages in the same order as Whoosh's own more_like, computed on arrays."""
    searcher = handle.searcher()
    docnum = searcher.document_number(id=f"{P}p{number}")
    text = searcher.stored_fields(docnum)["text"]
    expected = searcher.more_like(
        docnum, "text", text=text, top=5, filter=q.Term("doctype", "passage"), numterms=12
    )
    assert [h.id for h in related(handle, f"{P}p{number}")] == [hit["id"] for hit in expected]


def test_did_you_mean_tries_a_few_unknown_words_only(handle, monkeypatch):
    """Correcting a word has a cost: a paragraph of unknown words must not try them all."""
    tried = []
    monkeypatch.setattr("archive.engine.suggest.Lexicon.nearest", lambda self, word: tried.append(word) or [])
    search(handle, " ".join(f"zqx{chr(97 + i)}{chr(97 + j)}" for i in range(5) for j in range(5)))
    assert tried == ["zqxaa", "zqxab", "zqxac", "zqxad", "zqxae"][:SUGGEST_WORDS]


def test_a_compound_is_marked_whole_in_snippets(handle):
    hit = next(h for h in search(handle, "US-China trade").hits if h.id == P + "p14")
    assert "<mark>US-China</mark> <mark>trade</mark>" in hit.snippet


@pytest.mark.parametrize(
    "query", ["soybean", "Putin Xi", "Putin OR Medvedev", "strategic partnership", "Orenburg"]
)
def test_no_section_hit_repeats_a_paragraph_hit(handle, query):
    results = search(handle, Request(query, page_size=100))
    places = {(h.article, h.section) for h in results.hits if h.kind != "section"}
    assert results.hits and not [
        h.id for h in results.hits if h.kind == "section" and (h.article, h.section) in places
    ]
    assert sum(results.facets["kind"].values()) == results.total == len(results.hits)


def test_passages_matching_only_through_the_title_stand_once_for_their_article(handle):
    results = search(handle, Request("relationship", page_size=100))
    says = {p.id for p in handle.article(SEED_ID).passages if re.search(r"\brelationships?\b", p.text, re.I)}
    assert len(says) > 5 and says <= {h.id for h in results.hits}
    borrowed = [h for h in results.hits if h.id not in says]
    by_heading = [h.section for h in borrowed if "relationship" in (h.section or "").lower()]
    assert len(by_heading) == len(set(by_heading))  # one passage per section whose heading has it
    assert len(borrowed) - len(by_heading) == 1  # and one for the title, "Beautiful Relationship …"


def test_a_section_that_matches_across_its_paragraphs_is_a_hit(handle):
    """No single paragraph has both words, but one section does: the section is the hit."""
    article = handle.article(SEED_ID)
    section = next(s for s in article.sections if len(s.passage_ids) > 3)
    texts = [p.text for p in article.passages if p.id in section.passage_ids]
    first, last = (re.findall(r"[A-Za-z]{7,}", t)[0] for t in (texts[0], texts[-1]))
    assert not any(first in t and last in t for t in texts)
    hits = search(handle, Request(f"{first} {last}", page_size=100)).hits
    assert [h.kind for h in hits if h.article == SEED_ID] == ["section"]
    hit = next(h for h in hits if h.article == SEED_ID)  # its text is stored for its snippet
    assert hit.text == section.text and f"<mark>{first}</mark>" in hit.snippet


def test_partial_matches_are_offered_labelled_and_ranked_when_all_words_find_too_few(handle):
    results = search(handle, "Putin Xi zeppelin")
    assert results.total == 0 and results.partial is not None
    assert (results.partial.have, results.partial.of) == (2, 3)
    assert results.partial.hits and all(h.missing == ("zeppelin",) for h in results.partial.hits)
    both = search(handle, Request("Putin Xi", page_size=10)).hits
    assert [h.id for h in results.partial.hits] == [h.id for h in both]  # ranked as BM25F ranks them


def test_partial_matches_keep_negations_and_filters_and_go_down_to_half_the_words(handle):
    results = search(handle, "Putin Xi zeppelin omsk kind:chronology -Medvedev")
    assert (results.partial.have, results.partial.of) == (2, 4)
    assert all(h.kind == "chronology" and "Medvedev" not in h.text for h in results.partial.hits)
    assert all(h.missing == ("zeppelin", "omsk") for h in results.partial.hits)
    assert search(handle, "zeppelin omsk").partial is None  # nothing has half the words
    assert search(handle, "Putin Xi").partial is None  # enough complete matches


def test_did_you_mean_never_offers_a_function_word_or_a_worse_query(handle):
    assert search(handle, "foo").suggestion != "for"
    assert search(handle, "pootin").suggestion == "putin"
    rare = search(handle, "Orenburg")  # one passage; a "correction" to a rarer word is no help
    assert rare.suggestion is None


def test_words_in_capitals_prefer_passages_that_write_them_in_capitals(tmp_index, corpus_dir):
    (corpus_dir / "talks.md").write_text(
        "# Talks\n\nA new start for the talks, and a new start for the start of the new year.\n",
        encoding="utf-8",
    )
    reindex(corpus_dir, tmp_index)
    handle = IndexHandle(tmp_index)
    treaty = "arms-control-p3"  # "New START expires in 2026."
    capitals = [h.id for h in search(handle, "New START").hits]
    lower = [h.id for h in search(handle, "new start").hits]
    assert capitals[0] == treaty and lower[0] != treaty  # the same words, in capitals: the treaty
    assert set(capitals) == set(lower)  # capitals rank, they do not filter


def test_did_you_mean_prefers_the_nearest_word(handle):
    """Whoosh's corrector ranks by frequency: 'zooo' came back as 'zhao' rather than 'zoo'."""
    results = search(handle, "pandda zooo")
    assert results.suggestion == "panda zoo" and results.corrected and results.total > 0


def test_a_snippet_of_a_long_text_without_spaces_is_cut(handle):
    from archive.engine.query import MatchTerms
    from archive.highlight import snippet

    text = "ulna " + "1." * 5000 + " end"
    shown = snippet(text, MatchTerms(stems=frozenset({"ulna"})))
    assert shown.startswith("<mark>ulna</mark>") and len(shown) < 400


def test_a_query_cut_by_the_browser_says_how_much_was_kept(handle):
    results = search(handle, Request(query="Putin Xi", typed=5000))
    assert results.messages == ("Your query of 5,000 characters was cut to its first 8.",)
    assert results.total > 0
    assert not search(handle, Request(query="Putin Xi", typed=8)).messages


def test_cjk_phrases_and_mixed_queries_find_without_the_unstemmed_field(handle):
    assert P + "p42" in passage_ids(search(handle, '"战略互信"'))
    assert P + "p42" in passage_ids(search(handle, "战略互信 strategic"))


def test_the_lexicon_finds_words_within_two_edits_nearest_then_most_frequent():
    words = ["marriage", "carriage", "marine", "government", "receive", "relieve", "their", "putin"]
    lexicon = Lexicon(words, [50, 9, 3, 20, 70, 30, 500, 40])
    assert lexicon.nearest("marraige")[0] == "marriage"  # letters swapped
    assert lexicon.nearest("goverment") == ["government"]  # a letter left out
    assert lexicon.nearest("recieve") == ["receive", "relieve"]  # a swap is one edit, as a change is
    assert lexicon.nearest("puttin") == ["putin"]  # a letter too many
    assert lexicon.nearest("narriage") == ["marriage", "carriage"]  # one edit each: the frequent first
    assert lexicon.nearest("theri") == []  # a function word is never offered
    assert lexicon.nearest("zzzzzz") == []
    assert lexicon.most_frequent(3) == ["their", "receive", "marriage"]


def test_warming_reads_the_postings_a_search_of_the_most_frequent_words_reads(seed_index):
    """A worker reads the most frequent words' postings as it starts: a first search of one of
    them then reads nothing more."""
    from archive.search import WARM_WORDS, warm

    handle = IndexHandle(seed_index)
    warm(handle)
    cached = len(handle.postings)
    words = lexicon(handle).most_frequent(WARM_WORDS)
    assert cached and words
    for word in (words[0], words[-1]):
        assert search(handle, word).total
    assert len(handle.postings) == cached
    search(handle, "zeitgeist")
    assert len(handle.postings) > cached  # a word not warmed is read when searched


@pytest.mark.parametrize(
    ("a", "b", "edits"),
    [
        ("recieve", "receive", 1),
        ("zooo", "zoo", 1),
        ("kitten", "sitting", 3),
        ("ab", "ba", 1),
        ("", "abc", 3),
    ],
)
def test_edit_distance_counts_a_swap_as_one_edit(a, b, edits):
    assert edit_distance(a, b) == edits == edit_distance(b, a)


def test_related_passages_leave_out_words_too_common_to_say_what_a_passage_is_about(handle, monkeypatch):
    assert related(handle, f"{P}p14")
    monkeypatch.setattr("archive.engine.matching.LIKE_MAX_DOCS", 1)
    monkeypatch.setattr("archive.engine.matching.LIKE_MAX_SHARE", 0.0)
    assert related(handle, f"{P}p14") == ()  # its words found elsewhere were all too common


def test_a_phrase_never_jumps_across_chinese_text(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# Meeting\n\nXi 习近平 Putin met in Moscow.\n", encoding="utf-8")
    reindex(corpus, tmp_path / "index")
    handle = IndexHandle(tmp_path / "index")
    assert search(handle, "Xi Putin").total == 1
    assert search(handle, '"Xi Putin"').total == 0
    assert search(handle, '"习近平 Putin"').total == 1


@pytest.mark.parametrize(
    "asked",
    [Request("Putin Xi zeppelin"), Request("sanctions", filters={"kind": ("paragraph",)}), Request("")],
)
def test_results_as_data_are_the_dataclass_as_a_dict(handle, asked):
    """to_dict is asdict without its deep copies: the same data, hits, partial matches and facets."""
    from dataclasses import asdict

    results = search(handle, asked)
    assert results.to_dict() == asdict(results)
    data = results.to_dict()
    assert not asked.query or data["hits"] or data["partial"]["hits"]


def test_two_sections_under_one_heading_are_two_sections(tmp_path):
    """A paragraph that matches by itself hides its own section, not another section of its
    article under the same heading."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "orchard.md").write_text(
        "---\ntitle: Orchard Studies\n---\n\nA lead about quince only.\n\n## Background\n\n"
        "Apple banana grow here.\n\nCherry dates grow there.\n\n## Middle\n\nSomething else "
        "entirely.\n\n## Background\n\nApple cherry kiwi together.\n",
        encoding="utf-8",
    )
    reindex(corpus, tmp_path / "index")
    hits = search(IndexHandle(tmp_path / "index"), Request("apple cherry")).hits
    assert sorted((h.kind, h.text) for h in hits) == [
        ("paragraph", "Apple cherry kiwi together."),
        ("section", "Apple banana grow here. Cherry dates grow there."),
    ]


def test_a_new_version_of_the_index_is_warmed_once_a_reindex_commits_it(tmp_index, corpus_dir, monkeypatch):
    """A worker's thread warms the version it starts with, then each new one as it appears, so no
    search after a reindex pays for the new tables, lexicon and frequent words' postings; a
    reindex that changes nothing is not warmed again; the thread stops when asked."""
    import threading
    import time

    import archive.search as searching

    handle = IndexHandle(tmp_index)
    warmed = []
    real_warm = searching.warm
    # Counted once done: on a slow machine a search made as soon as warming began raced it
    monkeypatch.setattr(
        searching, "warm", lambda h, stop=None: (real_warm(h, stop), warmed.append(h.generation()))
    )
    stop = threading.Event()
    thread = threading.Thread(target=searching.keep_warm, args=(lambda: handle, stop, 0.02))
    thread.start()

    def settled(count: int) -> list[int]:
        deadline = time.monotonic() + 20
        while len(warmed) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.1)  # and no more
        return list(warmed)

    try:
        first = handle.generation()
        assert settled(1) == [first]
        assert reindex(corpus_dir, tmp_index).ok  # nothing changed
        assert settled(1) == [first]
        (corpus_dir / "zeitgeist.md").write_text(
            "---\ntitle: Zeitgeist\ndate: 2020-01-01\n---\n\nThe zeitgeist of a quiet year.\n",
            encoding="utf-8",
        )
        assert reindex(corpus_dir, tmp_index).ok
        assert settled(2) == [first, handle.generation()] and first < handle.generation()
        assert search(handle, "zeitgeist").total == 1
        read = len(handle.postings)
        assert search(handle, lexicon(handle).most_frequent(1)[0]).total
        assert len(handle.postings) == read  # the new version's were read by the warm-up
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_a_stopping_worker_stops_warming_between_words(seed_index):
    import threading

    from archive.search import warm_postings

    handle = IndexHandle(seed_index)
    stop = threading.Event()
    stop.set()
    warm_postings(handle, lexicon(handle).most_frequent(50), stop)
    assert len(handle.postings) == 0
