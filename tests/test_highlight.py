"""Highlighting (highlight.py): escaped text, <mark> around what matched, phrases as one span."""

from __future__ import annotations

from archive.engine.analysis import spans as analysis_spans
from archive.engine.query import MatchTerms
from archive.highlight import highlight_html, match_spans, merge_spans, snippet

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
    monkeypatch.setattr("archive.highlight.initials", lambda terms: None)
    assert skipping == [match_spans(TRICKY, MatchTerms(phrases=(phrase,))) for phrase in phrases]
    assert all(skipping)
