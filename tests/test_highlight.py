"""Highlighting (highlight.py): escaped text, <mark> around what matched, phrases as one span."""

from __future__ import annotations

from archive.engine.query import MatchTerms
from archive.highlight import highlight_html, match_spans, snippet

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
