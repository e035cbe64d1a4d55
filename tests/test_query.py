"""The query language (engine/query.py) as analysts type it: filters, operators, dates, compounds,
hostile and impossible input, and the interpreted query shown back."""

from __future__ import annotations

import os
import re

import pytest
from expected import SEED_ID, P, passage_ids
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.engine.query import MAX_QUERY_WORDS
from archive.search import Request, search

QUERY_ALPHABET = st.sampled_from(
    [
        *list('abcxyz "*?()[]:-+^~!\\/{}<>&;'),
        "AND",
        "OR",
        "NOT",
        "kind:",
        "date:",
        "year:",
        "section:",
        "战略",
        "Оренбург",
        "\x00",
        "\u202e",
    ]
)
PASTED = "Ironically, the US-China trade war and US sanctions against Russia"


def test_chronology_date_range(handle):
    for query in ("date:[2019-07-01 to 2019-07-31]", "date:2019-07"):
        results = search(handle, Request(query, page_size=50))
        assert [h.date_start for h in results.hits] == sorted(h.date_start for h in results.hits)
        assert results.total == 7
        assert {h.kind for h in results.hits} == {"chronology"}
        assert all(h.date_start.startswith("2019-07") for h in results.hits)


def test_date_range_overlaps_multi_day_entries(handle):
    results = search(handle, "date:2019-05-03")
    assert [(h.date_start, h.date_end) for h in results.hits] == [("2019-04-29", "2019-05-04")]


def test_field_filters(handle):
    assert {h.kind for h in search(handle, "kind:chronology Lavrov").hits} == {"chronology"}
    assert search(handle, "kind:chronology Lavrov").total == 2
    assert search(handle, "year:2019 panda").total > 0
    assert search(handle, "year:2018 panda").total == 0
    assert {h.section for h in search(handle, 'section:"new era" Kremlin').hits} == {
        "Two statements for the “new era”"
    }
    assert {h.article for h in search(handle, "author:Doe sanctions").hits} == {"regular-markdown"}
    assert {h.article for h in search(handle, "article:arms-control treaty").hits} == {"arms-control"}


def test_boolean_operators(handle):
    both = search(handle, Request("Putin Xi", page_size=100)).total
    either = search(handle, Request("Putin OR Xi", page_size=100)).total
    without = search(handle, "Putin -Xi")
    assert either > both > without.total > 0
    assert all("Xi" not in h.text.split() for h in without.hits)
    assert search(handle, "Putin NOT Xi").total == without.total


def test_prefix_and_refused_wildcards(handle):
    assert P + "p14" in passage_ids(search(handle, "sanc*"))
    for query in ("*", "a*"):
        results = search(handle, query)
        assert results.total == 0 and "too broad" in results.error


@pytest.mark.parametrize(("asked", "plain"), [("Putin and Xi?", "Putin and Xi"), ("sanction?", "sanction")])
def test_a_question_mark_is_punctuation_not_a_wildcard(handle, asked, plain):
    """Users type questions: "sanction?" finds what "sanction" finds (Whoosh's one-letter
    wildcard found "sanctions" and never "sanction")."""
    asked_for, without = (
        search(handle, Request(asked, page_size=100)),
        search(handle, Request(plain, page_size=100)),
    )
    assert asked_for.error is None and asked_for.total == without.total > 0
    assert passage_ids(asked_for) == passage_ids(without) and "?" not in asked_for.interpreted


def test_a_dash_standing_alone_in_a_phrase_is_punctuation(handle):
    """A phrase copied with a spaced dash at its end ("… partnership -") finds what it finds
    without the dash; it was taken for a NOT of nothing and found nothing."""
    plain = search(handle, '"strategic partnership"').total
    assert plain > 0
    assert search(handle, '"strategic partnership -"').total == plain
    assert search(handle, '"strategic – partnership"').total == plain


def test_a_star_after_no_word_is_dropped_with_a_note_not_refused(handle):
    results = search(handle, "Putin * Xi (**)")
    assert results.error is None and results.total == search(handle, "Putin Xi").total > 0
    assert any(m.startswith("A * that follows no letters was ignored") for m in results.messages)
    assert "too broad" in search(handle, "*").error  # a query of nothing but the star says so
    assert not any("follows no letters" in m for m in search(handle, '"strategic partnership"*').messages)


@pytest.mark.parametrize("query", ["Putin OR", "Putin AND", "Putin NOT", "OR Putin", "AND Putin OR"])
def test_an_operator_that_joins_nothing_is_left_out(handle, query):
    """Live search runs while one types "Putin OR Xi": "Putin OR" is Putin, not Putin AND "or"."""
    results = search(handle, query)
    assert (results.total, results.interpreted) == (search(handle, "Putin").total, "Putin")
    cut = search(handle, " ".join(["Putin"] * 31 + ["OR", "Xi"]))  # the 32-word cut leaves "OR" last
    assert cut.total == search(handle, "Putin").total and not cut.interpreted.endswith("OR")


def test_a_command_line_option_is_its_word_not_not(handle):
    results = search(handle, "--sanctions")
    assert "NOT" not in results.interpreted
    assert results.total == search(handle, "sanctions").total > 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("title:", "“title:” needs a value right after it"),
        ("Putin author: yu", "“author:” needs a value right after it"),
        ("title:(Putin OR Xi)", "“title:” takes one word or a quoted phrase"),
    ],
)
def test_a_filter_without_its_value_says_so_instead_of_searching_its_name(handle, query, message):
    results = search(handle, query)
    assert any(m.startswith(message) for m in results.messages), results.messages
    assert "title" not in results.interpreted and "author" not in results.interpreted


def test_a_prefix_of_a_compound_finds_the_compound_as_written(handle):
    """The index holds a compound's run-together form (China-Russia -> chinarussia): a prefix
    typed with its hyphen is looked for in that form, and marks the compound."""
    typed = search(handle, "China-Rus*")
    assert typed.total and typed.total == search(handle, "chinarus*").total
    assert any("<mark>China-Russia</mark>" in hit.snippet for hit in typed.hits)


def test_hostile_queries_are_reflected_as_text(handle):
    results = search(handle, '<script>alert("x")</script>')
    assert results.error is None and results.interpreted.startswith("<script>alert")  # escaped by pages


def test_empty_and_operator_only_queries_get_a_message(handle):
    for query in ("", "   ", "((((", "-", '"'):
        results = search(handle, query)
        assert results.total == 0 and results.error == "Type one or more words to search the archive."


def test_a_star_inside_quotes_says_it_is_no_prefix(handle):
    results = search(handle, '"strategic partner*"')
    assert any(m.startswith("A * inside quotes does not make a prefix") for m in results.messages)
    assert not any("inside quotes" in m for m in search(handle, '"strategic" partner*').messages)


@pytest.mark.parametrize("query", ["🚀", "x" * 500, "→ ∑ ©"])
def test_a_query_of_nothing_searchable_says_why(handle, query):
    results = search(handle, query)
    assert results.total == 0 and results.error.startswith("Nothing in your query can be searched")


def test_unknown_field_is_searched_as_words_with_a_message(handle):
    results = search(handle, "colour:Putin")
    assert (results.error, results.interpreted, results.terms) == (
        None,
        "colour AND Putin",
        "colour AND putin",
    )
    assert results.messages[0].startswith("“colour:” is not a field")


def test_long_query_is_cut_with_a_message(handle):
    results = search(handle, "Russia " * 2000)
    assert results.error is None and "cut to its first 1000 characters" in results.messages[0]


@settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.one_of(
        st.text(max_size=80),
        st.lists(QUERY_ALPHABET, max_size=20).map(" ".join),
        st.lists(QUERY_ALPHABET, max_size=20).map("".join),
    )
)
def test_any_query_string_gives_results_or_a_message(handle, text):
    results = search(handle, text)
    assert results.error != "This query could not be run. Try simpler words."
    assert len(results.hits) == min(results.total, results.page_size)  # page 1 is full or all there is
    assert not (results.error and results.total)  # a query that could not run finds nothing
    for hit in results.hits:
        assert set(re.findall(r"</?(\w+)", hit.snippet)) <= {"mark"}


def test_a_long_query_is_cut_to_its_first_words(handle):
    words = " ".join(f"putin{'x' * n}" for n in range(60))
    results = search(handle, words)
    assert results.error is None
    assert f"Your query was cut to its first {MAX_QUERY_WORDS} words." in results.messages
    assert results.interpreted.count(" AND ") == MAX_QUERY_WORDS - 1


@pytest.mark.parametrize(
    "query", ["year:99999999999999999999", "year:0000", "year:0-99999", "date:0000-01", "date:[0000 to 9999]"]
)
def test_impossible_years_and_dates_get_a_message(handle, query):
    results = search(handle, f"putin {query}")
    assert results.error is None and results.total > 0  # the words still search
    assert any(query.split(":")[0] + ":" in m for m in results.messages)


def test_impossible_facet_years_are_ignored(handle):
    for year in ("99999999999999999999", "0", "-1", "2019x"):
        results = search(handle, Request(query="putin", filters={"year": (year,)}))
        assert results.error is None and results.total == search(handle, "putin").total


@pytest.mark.parametrize(
    ("query", "passage"),
    [
        ("US-China trade", "p14"),
        ("US China trade war", "p14"),
        ("uschina trade", "p14"),  # the closed form
        (PASTED, "p14"),
        (f'"{PASTED}"', "p14"),
        ("one-to-one talks", "p23"),
        ("one to one talks", "p23"),
        ("Sino-Russian", "p36"),
        ("sinorussian", "p36"),
        ("S-400", "p"),
    ],
)
def test_hyphenated_spaced_and_closed_forms_find_each_other(handle, query, passage):
    found = passage_ids(search(handle, Request(query, page_size=100)))
    assert any(i.startswith(P + passage) for i in found), (query, sorted(found)[:5])


def test_a_hyphen_inside_a_word_is_never_not(handle):
    results = search(handle, Request("China-Russia", page_size=100))
    assert "NOT" not in results.interpreted
    written = {p.id for p in handle.article(SEED_ID).passages if re.search(r"China[- ]Russia\b", p.text)}
    assert len(written) >= 5 and written <= passage_ids(results)
    without = search(handle, Request("Putin -Xi", page_size=100))
    assert without.total and all("Xi" not in re.findall(r"\w+", h.text) for h in without.hits)
    assert search(handle, "S-400").hits and all("S-400" in h.text for h in search(handle, "S-400").hits)


@pytest.mark.parametrize("value", ["&0000-00-00战\\z-x", "((", "\\", "*?", "China-Russia"])
def test_field_filters_with_odd_symbols_are_searched_as_plain_words(handle, value):
    for name in ("section", "author", "title"):
        results = search(handle, f"{name}:{value}")
        assert results.error is None or results.error.startswith(
            ("Type one or more", "Nothing in your query")
        ), (
            name,
            results.error,
        )


@pytest.mark.parametrize(
    ("query", "interpreted"),
    [
        ("Putin Xi", "Putin AND Xi"),
        ("Putin -Xi", "Putin AND NOT Xi"),
        ('"strategic partnership" OR (Lavrov -Wang)', '"strategic partnership" OR (Lavrov AND NOT Wang)'),
        ("China-Russia kind:chronology", "China-Russia AND kind:chronology"),
    ],
)
def test_the_interpreted_query_is_in_the_users_words(handle, query, interpreted):
    results = search(handle, query)
    assert results.error is None and results.interpreted == interpreted


def test_minus_works_inside_an_or_group(handle):
    either = search(handle, Request('"strategic partnership" OR (Lavrov -Wang)', page_size=100))
    assert not either.messages and either.total > 0
    assert not any("Lavrov" in h.text and "Wang" in h.text for h in either.hits)


PLAIN = st.lists(
    st.sampled_from(["Putin", "china", "RUNNING", "sanctions", "1990", "x", "AND", "OR", "NOT", "and", "S",
                     "400", "Xi", "TO", "a" * 101, "Arctic", "ANDMAYBE", "REQUIRE", "ANDNOT", "require"]),
    min_size=1, max_size=6,
).map(" ".join)  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=PLAIN)
def test_plain_words_make_the_parsers_query_without_it(handle, text, monkeypatch):
    """Plain words are made into the query Whoosh's parser makes of them (each field, its boost,
    OR-ed; words AND-ed), without the parser; operators and words a field does not make one term
    of go to the parser. The whole Built is the same either way."""
    from archive.engine import query

    schema = handle.searcher().schema
    for fields in (query.SEARCH_FIELDS, ("text",)):
        made = query.plain_query(schema, text, fields)
        parsed = query.parse_words(query.make_parser(schema, fields), text)[0]
        assert made is None or made == parsed
        plain = set(text.split()).isdisjoint(query.OPERATORS) and "a" * 101 not in text
        assert (made is not None) == plain
    fast = query.build_parts(handle.searcher(), text)
    with monkeypatch.context() as patched:
        patched.setattr(query, "plain_query", lambda *args: None)
        assert query.build_parts(handle.searcher(), text) == fast


def test_cpp_and_csharp_are_searched_as_written(tmp_path):
    """ "C++" found every passage naming C (and "C" every one naming C++)."""
    from archive.engine.index import IndexHandle
    from archive.reindex import reindex

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "cpp.md").write_text(
        "# C++ notes\n\nWe write C++ and C# daily, and some F#.\n", encoding="utf-8"
    )
    (corpus / "c.md").write_text("# C notes\n\nPlain C code is simpler than most.\n", encoding="utf-8")
    reindex(corpus, tmp_path / "index")
    handle = IndexHandle(tmp_path / "index")
    for query, found in [
        ("C++", "cpp"),
        ("title:C++", "cpp"),
        ('"C++ and C#"', "cpp"),
        ('"write C++"', "cpp"),  # a phrase ending in a word's own "++" ("C +" found nothing)
        ('"C++"', "cpp"),
        ("F#", "cpp"),
        ("C", "c"),
    ]:
        assert [hit.article for hit in search(handle, Request(query)).hits] == [found], query
