"""A document's postings as the archive adds them are those Whoosh's fields give."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.engine import adding
from archive.engine.documents import make_schema

TEXTS = [
    "",
    "   ",
    "China-Russia relations and the S-400, COVID-19 and U.S. policy after 9/11 at AT&T",
    "80,000 troops; 1.5 percent; version 2.7.5; e-commerce; Sino–Soviet split",
    "战略互信 是 中美关系 的 基础。日本の防衛 and 한국",
    "Кремль и Белый дом: переговоры, Xi's visit, Xi’s visit",
    "café naïve résumé ÉCOLE Straße",
    "a" * 150 + " word " + "b" * 99,
    "running runs ran the the the NATO G20 ФСБ New START",
    "x-" * 40 + "y",
    "ﾃｽﾄ-ｶﾞ word 〸〹 testテスト",  # halfwidth katakana and Hangzhou numerals fold into CJK
]

schema = make_schema()


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("name", ["text", "exact", "title", "section", "author", "pairs"])
def test_text_fields_give_whooshs_postings(name, text):
    field = schema[name]
    assert adding.field_postings(field, name, text, {}) == list(field.index(text))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ9 -./,&'’é战略互Жжｱｽﾃ〸\n\t_"), max_size=60))
def test_any_text_gives_whooshs_postings(text):
    for name in ("text", "exact", "pairs"):
        field = schema[name]
        assert adding.field_postings(field, name, text, {}) == list(field.index(text))


@pytest.mark.parametrize(
    ("name", "value", "kept"),
    [
        ("year", 2019, True),
        ("id", "article-1-p3", True),
        ("doctype", "passage", True),
        ("date_start", datetime.datetime(2019, 7, 5), False),  # see the test below
    ],
)
def test_other_fields_give_whooshs_postings_and_short_ones_are_remembered(name, value, kept):
    field, remembered = schema[name], {}
    first = adding.field_postings(field, name, value, remembered)
    assert first == list(field.index(value))
    assert (adding.field_postings(field, name, value, remembered) is first) is kept


@pytest.mark.parametrize(
    "values",
    [
        (0.0, -0.0),
        (
            datetime.datetime(2019, 7, 5, 12, tzinfo=datetime.UTC),
            datetime.datetime(2019, 7, 5, 14, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
        ),
    ],
)
def test_values_equal_to_each_other_but_indexed_apart_are_not_remembered(values):
    from whoosh.fields import DATETIME, NUMERIC

    field = NUMERIC(float) if isinstance(values[0], float) else DATETIME()
    remembered = {}
    for value in values:
        assert adding.field_postings(field, "f", value, remembered) == list(field.index(value))


def test_long_values_are_not_remembered():
    remembered = {}
    text = "word " * 100
    adding.field_postings(schema["text"], "text", text, remembered)
    assert not remembered


def test_a_value_of_the_wrong_type_is_refused_as_whoosh_refuses_it():
    with pytest.raises(ValueError):
        adding.field_postings(schema["text"], "text", 12, {})


@pytest.mark.parametrize("text", TEXTS)
def test_a_passages_word_pairs_give_the_postings_of_its_pairs_field(text):
    """The writer hands the pool a passage's keys (pairs.document_keys) without joining them into
    the field's value: the postings Whoosh's field gives for that value, and each key once."""
    from archive.engine import pairs

    fields = {pairs.BODY: text, pairs.FIELD: "t:russia_the h:of_the"}
    keys = pairs.document_keys(fields, pairs.COMMON)
    field = schema[pairs.FIELD]
    whooshs = sorted(field.index(pairs.document_value(keys)))
    assert sorted(adding._keys_postings(field, keys)) == whooshs
    assert len(whooshs) == len(keys) >= 2
