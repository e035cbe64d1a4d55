"""The one analyzer: Snowball stemming in English and Russian, CJK bigrams, folding."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.engine.analysis import (
    CJK_RUN,
    TOKEN,
    analyze,
    candidate_tokens,
    exact_analyzer,
    spans,
    spans_from,
    stem,
    stemming_analyzer,
    text_pieces,
)


def test_english_is_stemmed_with_snowball():
    assert analyze("running sanctions sanctioned") == ["run", "sanction", "sanction"]


def test_russian_inflections_share_a_stem():
    assert analyze("Оренбурге") == analyze("Оренбург") == ["оренбург"]


def test_cjk_runs_become_overlapping_bigrams():
    assert analyze("战略互信") == ["战略", "略互", "互信"]
    assert analyze("战") == ["战"]


def test_accents_fold_and_apostrophes_straighten():
    assert analyze("Café China’s", stemmed=False) == ["cafe", "china's"]
    assert analyze("China’s") == ["china"]


def test_unstemmed_analysis_keeps_the_word():
    assert analyze("Running Оренбурге", stemmed=False) == ["running", "оренбурге"]


def test_positions_and_offsets_follow_the_text():
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in stemming_analyzer()("X 战略互信 y", positions=True, chars=True)
    ]
    assert tokens == [("x", 0, 0, 1), ("战略", 1, 2, 4), ("略互", 2, 3, 5), ("互信", 3, 4, 6), ("y", 4, 7, 8)]


def test_highlighting_offsets_agree_with_the_analyzers(seed):
    for passage in seed.passages:
        found = spans(passage.text, whole=True)
        assert [s[1] for s in found] == analyze(passage.text)
        assert [s[0] for s in found] == analyze(passage.text, stemmed=False)
        text = passage.text
        for exact, _, start, end, _ in found:  # each span is exactly the text of its term
            piece = text[start:end]
            assert exact in analyze(piece, stemmed=False), piece
            if CJK_RUN.match(piece):  # bigrams overlap: the span is the two characters themselves
                assert piece == exact
            else:  # a span starts and ends on word boundaries, never inside a word
                assert not (start and text[start - 1].isalnum()), piece
                assert not (end < len(text) and text[end].isalnum()), piece


@pytest.mark.parametrize(
    ("text", "indexed"),
    [
        ("China-Russia ties", ["china", "russia", "chinarussia", "tie"]),
        ("S-400", ["s", "400", "s400"]),
        ("COVID-19", ["covid", "19", "covid19"]),
        ("the U.S. and U.K.", ["the", "us", "and", "uk"]),
        ("9/11", ["9", "11", "911"]),
        ("AT&T", ["at", "t", "att"]),
        ("e-commerce", ["e", "commerc", "ecommerc"]),
        ("Sino–Soviet", ["sino", "soviet", "sinosoviet"]),
        ("$1.5 billion, 80,000 troops, 30%", ["1.5", "billion", "80000", "troop", "30"]),
        ("the $500-million deal", ["the", "500", "million", "500million", "deal"]),
        ("a pause—then", ["a", "paus", "then"]),  # an em dash is punctuation
    ],
)
def test_compounds_are_indexed_as_parts_and_run_together(text, indexed):
    assert analyze(text) == indexed


def test_a_compound_keeps_its_parts_consecutive_and_queries_get_only_parts():
    tokens = [(t.text, t.pos) for t in stemming_analyzer()("US-China trade", positions=True)]
    assert tokens == [("us", 0), ("china", 1), ("uschina", 1), ("trade", 2)]
    assert [t.text for t in stemming_analyzer()("US-China trade", mode="query")] == ["us", "china", "trade"]


def test_the_unstemmed_field_leaves_cjk_to_the_stemmed_one_at_index_time_only():
    unstemmed = exact_analyzer(cjk=False)
    assert [t.text for t in unstemmed("Xi 战略互信 Putin's", mode="index")] == ["xi", "putin's"]
    assert [t.text for t in unstemmed("战略互信", mode="query")] == ["战略", "略互", "互信"]
    assert unstemmed != exact_analyzer() and unstemmed == exact_analyzer(cjk=False)


def test_cjk_left_out_of_the_unstemmed_field_keeps_its_positions():
    """Both fields give a word the same position, so no phrase jumps across the CJK left out."""
    text = "Xi 习近平 Putin met 战 Medvedev"
    unstemmed = {t.text: t.pos for t in exact_analyzer(cjk=False)(text, positions=True, mode="index")}
    stemmed = {t.text: t.pos for t in stemming_analyzer()(text, positions=True, mode="index")}
    assert unstemmed == {"xi": 0, "putin": 3, "met": 4, "medvedev": 6}
    assert all(stemmed[word] == position for word, position in unstemmed.items())


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "China",
                "-",
                "Russia",
                " ",
                ".",
                "U",
                "S",
                "1",
                ",",
                "000",
                "'",
                "’s",
                "战略",
                "互信",
                "é",
                "Оренбурге",
                "&",
                "/",
                "running",
                "x" * 45,
                "e",
                "–",
                "\n",
                "_",
                "9",
            ]
        ),
        max_size=30,
    ).map("".join),
    st.booleans(),
)
def test_spans_are_the_analyzers_pieces_word_by_word(text, whole):
    """spans() analyses each token once and keeps it: the same as analysing the whole text."""
    expected = [
        (term, stem(term), start, end, is_whole)
        for term, _, start, end, is_whole in text_pieces(text, whole)
        if whole or not is_whole
    ]
    assert spans(text, whole) == expected
    assert spans(text, whole) == expected  # from the cache


# Tokens of every kind, run together in any order: words in either case, compounds (hyphen, dot,
# slash, ampersand, a comma between digits), apostrophes, accents, Cyrillic (one word with a
# Latin first letter), Chinese, underscores, curly quotes, over-long words.
TOKEN_PIECES = st.sampled_from(
    ["China", "-", "Russia", " ", ".", "U", "S", "1", ",", "000", "'", "’s", "Xi", "战略", "互信", "é",
     "Élite", "Kремль", "Оренбурге", "&", "/", "running", "x" * 45, "y" * 101, "e", "–", "\n", "_",
     "9", "“", "”", "iPhoneы", "s", "ab"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(TOKEN_PIECES, max_size=30).map("".join), st.data())
def test_candidate_tokens_are_every_token_whose_terms_may_start_with_a_head(text, data):
    """Found by their characters, not by stepping through every token: the same tokens as
    TOKEN finds, and none with a term starting with a head (its first one or two characters)
    left out, run-together forms (U.S. -> us, 1,000 -> 1000, China-Russia -> chinarussia)
    included."""
    tokens = [(m.start(), m.end()) for m in TOKEN.finditer(text)]
    terms = {span[0] for span in spans(text, whole=True)}
    drawable = {head for term in terms for head in (term[:1], term[:2]) if len(head) == 1 or head.isalnum()}
    heads = frozenset(data.draw(st.sets(st.sampled_from(sorted(drawable | {"q", "qu"})))))
    found = [(m.start(), m.end()) for m in candidate_tokens(text, heads)]
    assert set(found) <= set(tokens) and found == sorted(found)
    needed = {
        (m.start(), m.end())
        for m in TOKEN.finditer(text)
        if any(span[0].startswith(tuple(heads)) for span in spans(m.group(0), whole=True))
    }
    assert needed <= set(found)


@settings(max_examples=300, deadline=None)
@given(st.lists(TOKEN_PIECES, max_size=30).map("".join), st.integers(1, 4))
def test_spans_from_a_word_are_the_words_that_follow_it(text, count):
    parts = spans(text)
    for i, span in enumerate(parts):
        assert spans_from(text, span[2], count) == parts[i : i + count]


def test_a_words_own_plus_plus_or_sharp_is_part_of_it():
    """C++ and C# were indexed and searched as "c": every passage naming C matched."""
    from archive.engine.analysis import stemming_analyzer

    analyzer = stemming_analyzer()
    assert [t.text for t in analyzer("C++, C#, F# and Notepad++ beside C")] == [
        "c++",
        "c#",
        "f#",
        "and",
        "notepad++",
        "besid",
        "c",
    ]
    # not a word's end: "++" or "#" followed by a word, after a long word, or a plus in a sum
    assert [t.text for t in analyzer("C++11, issue#12, word# and a+b")] == [
        "c",
        "11",
        "issu",
        "12",
        "word",
        "and",
        "a",
        "b",
    ]
