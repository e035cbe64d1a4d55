"""Highlighting (highlight.py): escaped text, <mark> around what matched, phrases as one span."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.engine.analysis import spans as analysis_spans
from archive.engine.query import MatchTerms
from archive.highlight import heads, highlight_html, match_spans, merge_spans, snippet

TEXT = "Xi said the sanctions & <tariffs> hurt; a strategic partnership with Russia's leaders followed."
TERMS = MatchTerms(
    stems=frozenset({"sanction"}),
    exact=frozenset({"xi"}),
    phrases=(("strateg", "partnership"),),
    prefixes=("russ",),
)


def test_spans_cover_stems_exact_words_phrases_and_prefixes():
    marked = [TEXT[start:end] for start, end in match_spans(TEXT, TERMS)]
    assert marked == ["Xi", "sanctions", "strategic partnership", "Russia's"]


def test_a_snippet_escapes_the_text_and_marks_only_matches():
    assert snippet(TEXT, TERMS, 60) == (
        "<mark>Xi</mark> said the <mark>sanctions</mark> &amp; &lt;tariffs&gt; hurt; a <mark>strategic</mark> …"
    )
    assert snippet(TEXT, MatchTerms(), 40) == "Xi said the sanctions &amp; &lt;tariffs&gt; hurt; …"


def test_a_long_passage_is_cut_around_its_match():
    text = "word " * 200 + "sanctioned here " + "tail " * 200
    cut = snippet(text, TERMS, 80)
    assert cut.startswith("… ") and cut.endswith(" …") and "<mark>sanctioned</mark> here" in cut
    assert len(cut.replace("<mark>", "").replace("</mark>", "")) <= 80 + 4


@pytest.mark.parametrize("before", ["word ", "İstanbul "])  # İ lowercases to two characters
def test_a_long_passage_is_cut_around_its_match_in_either_case(before):
    text = before * 200 + "SANCTIONED here " + "tail " * 200
    cut = snippet(text, TERMS, 80)
    assert cut.startswith("… ") and cut.endswith(" …") and "<mark>SANCTIONED</mark> here" in cut


def test_marks_go_inside_the_passage_markup_never_across_it():
    html = "Xi said the <em>sanctions</em> &amp; &lt;tariffs&gt; hurt; a strategic partnership with Russia's leaders followed."
    assert highlight_html(html, TEXT, TERMS) == (
        "<mark>Xi</mark> said the <em><mark>sanctions</mark></em> &amp; &lt;tariffs&gt; hurt; "
        "a <mark>strategic partnership</mark> with <mark>Russia's</mark> leaders followed."
    )


def test_chinese_is_marked_by_its_bigrams():
    assert (
        snippet("战略互信很重要", MatchTerms(stems=frozenset({"互信"})), 40) == "战略<mark>互信</mark>很重要"
    )


TRICKY = (
    "Élite forces of the U.S. and China-Russia talks on S-400s cost $80,000 (1.5% of GDP); "
    "Xi’s visit to Оренбурге and 战略互信 followed. The e-commerce élite applied, applying again. "
    "两国 关系 and 互信战略. Визит в Kремль был, Путин и Tрамп, iPhoneы."
)


def test_only_words_that_may_match_are_analysed_yet_every_match_is_marked():
    """Words are skipped by their first character: accented, Cyrillic (even after a mistyped
    Latin letter: the Russian stemmer changes it), Chinese and compound words never are, so each
    term is marked exactly where a full analysis marks it."""
    every = analysis_spans(TRICKY, whole=True)
    for term, stem, _, _, _ in every:
        for terms in (MatchTerms(stems=frozenset({stem})), MatchTerms(exact=frozenset({term}))):
            full = merge_spans([(s, e) for w, st, s, e, _ in every if st in terms.stems or w in terms.exact])
            assert match_spans(TRICKY, terms) == full, (term, stem)
    accented = TRICKY.index("élite")
    assert match_spans(TRICKY, MatchTerms(prefixes=("elit",))) == [(0, 5), (accented, accented + 5)]


def test_phrases_are_marked_as_a_full_analysis_marks_them(monkeypatch):
    """Words skipped for their first character still hold their positions: every two- and
    three-word phrase of the text is marked where it is marked with every word analysed."""
    parts = [t for t in analysis_spans(TRICKY, whole=True) if not t[4]]
    phrases = [tuple(t[1] for t in parts[i : i + n]) for n in (2, 3) for i in range(len(parts) - n + 1)]
    skipping = [match_spans(TRICKY, MatchTerms(phrases=(phrase,))) for phrase in phrases]
    monkeypatch.setattr("archive.highlight.heads", lambda terms: None)
    assert skipping == [match_spans(TRICKY, MatchTerms(phrases=(phrase,))) for phrase in phrases]
    assert all(skipping)


def test_words_are_found_by_their_first_two_letters_but_where_their_stem_begins_otherwise():
    """A word is analysed when it begins like a query word (its first two letters; a joiner may
    stand between them in a run-together form); Snowball's dying, lying and tying have stems
    (die, lie, tie) that do not begin like them."""
    text = "Dying and lying, U.S. e-commerce grew by 1,500 tying notes."
    assert heads(MatchTerms(stems=frozenset({"die", "grew"}))) == {"d", "gr"}
    irregular = [(text.index(word), text.index(word) + 5) for word in ("Dying", "lying", "tying")]
    assert match_spans(text, MatchTerms(stems=frozenset({"die", "lie", "tie"}))) == irregular
    for word, where in (("us", "U.S"), ("ecommerc", "e-commerce"), ("1500", "1,500"), ("grew", "grew")):
        start = text.index(where)
        assert match_spans(text, MatchTerms(stems=frozenset({word}))) == [(start, start + len(where))]


def marked_by_full_analysis(text: str, terms: MatchTerms) -> list[tuple[int, int]]:
    """What match_spans marks, from every word analysed: its terms, and each phrase as a run of
    consecutive words."""
    every = analysis_spans(text, whole=True)
    found = [(s, e) for w, st_, s, e, _ in every if st_ in terms.stems or w in terms.exact]
    parts = [t for t in every if not t[4]]
    for phrase in terms.phrases:
        for i in range(len(parts) - len(phrase) + 1):
            window = parts[i : i + len(phrase)]
            if tuple(t[1] for t in window) == phrase or tuple(t[0] for t in window) == phrase:
                found.append((window[0][2], window[-1][3]))
    return merge_spans(found)


WORDS = st.sampled_from(
    ["China", "-", "Russia", " ", ".", "U", "S", "1", ",", "000", "'s", "’s", "Xi", "战略", "互信", "é",
     "Élite", "Kремль", "&", "/", "running", "runs", "x" * 101, "–", "_", "“", "ran", "Run", "dying",
     "Died", "lying", "e", "commerce", "Ecommerce", "1.5"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=25).map("".join), st.data())
def test_any_text_is_marked_as_a_full_analysis_marks_it(text, data):
    """Terms and phrases of two or three words, drawn from the text itself."""
    every = analysis_spans(text, whole=True)
    parts = [t for t in every if not t[4]]
    if not every:
        return
    term = data.draw(st.sampled_from(every))
    start = data.draw(st.integers(0, len(parts) - 1)) if parts else 0
    phrase = tuple(
        t[data.draw(st.sampled_from((0, 1)))] for t in parts[start : start + data.draw(st.integers(2, 3))]
    )
    for terms in (
        MatchTerms(stems=frozenset({term[1]})),
        MatchTerms(exact=frozenset({term[0]})),
        MatchTerms(phrases=(phrase,)) if len(phrase) > 1 else MatchTerms(exact=frozenset({term[0]})),
    ):
        assert match_spans(text, terms) == marked_by_full_analysis(text, terms)
