"""Word pairs find exactly the phrases positions find: stems and words as written, compounds,
CJK beside Latin, titles, headings, longer phrases, and documents replaced since."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_matching import same_as_whoosh

from archive.engine import pairs
from archive.engine.index import IndexHandle
from archive.reindex import reindex

ARTICLES = {
    "relations.md": """---
title: "The China-Russia Relations of the New Era"
---

# Running the partnerships

China-Russia relations ran on. The partnerships were running the show, and the partnership ran.

Xi 习近平 Putin met; 战略互信 grew. Xi Putin and Putin Xi both appear, as does S-400 sale.

# The new era

The new era of e-commerce began: ecommerce and e commerce. Use the relations, used the era.
""",
    "other.md": """---
title: "Relations of Partnerships"
---

# Relations of partnerships

The sale of the S-400 ran. They agreed the running; agre the typo, agre running too. Partnerships running relations; relations running partnerships.
""",
}
PHRASES = [
    '"china russia relations"',
    '"chinarussia relations"',
    '"China-Russia relations"',
    '"partnerships were running"',
    '"partnership run"',
    '"running the"',
    '"ran the"',
    '"use the"',
    '"used the"',
    '"Xi Putin"',
    '"Putin Xi"',
    '"Xi 习近平"',
    '"习近平 Putin"',
    '"战略互信"',
    '"the new era"',
    '"new era"',
    '"e-commerce began"',
    '"e commerce"',
    '"S-400 sale"',
    '"sale of the S-400"',
    'title:"new era"',
    'title:"relations of"',
    'section:"running the"',
    'section:"relations of partnerships"',
    '"relations running partnerships"',
    '"running relations"~2',
    '"agreed the"',
    '"agre the"',
    '"agre running"',
]
WORDS = ["the", "relations", "running", "ran", "partnership", "partnerships", "new", "era", "xi",
         "putin", "of", "use", "used", "agreed", "agre", "china", "russia", "sale", "s-400", "习近平"]  # fmt: skip


@pytest.fixture(scope="module")
def pairs_handle(tmp_path_factory) -> IndexHandle:
    """Two articles, the first then changed (its old documents stay in the segment, deleted)."""
    root = tmp_path_factory.mktemp("pairs")
    corpus, index = root / "corpus", root / "index"
    corpus.mkdir()
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text.replace("began", "started"), encoding="utf-8")
    reindex(corpus, index)
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    reindex(corpus, index)
    return IndexHandle(index)


@pytest.mark.parametrize("text", PHRASES)
def test_phrases_found_by_pairs_are_those_positions_find(pairs_handle, text):
    same_as_whoosh(pairs_handle, text, scores=False)


def test_pairs_are_used(pairs_handle):
    """The phrases above must find something, or the comparison proves nothing."""
    evaluator = pairs_handle.evaluator()
    for text in ('"use the"', 'title:"new era"', '"china russia relations"'):
        assert len(evaluator.matches(pairs_handle.parse(text).query)), text
    assert not len(evaluator.matches(pairs_handle.parse('"e-commerce started"').query))  # replaced


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), min_size=2, max_size=4))
def test_random_phrases_match_positions(pairs_handle, words):
    same_as_whoosh(pairs_handle, f'"{" ".join(words)}"', scores=False)


def test_keys_of_a_passage():
    keys = pairs.body_keys("Running the China-Russia talks of the partnerships")
    assert keys == {
        "x:running_the", "s:run_the", "x:the_china", "x:talks_of", "s:talk_of", "x:of_the",
        "x:the_partnerships", "s:the_partnership",
    }  # fmt: skip
    # pairs without a common word ("china russia", "russia talks") are left to positions, and a
    # pair whose stems are its words is kept once
    assert pairs.body_keys("战略互信 of Xi") == {"x:of_xi"}  # CJK pairs are left to positions
    assert pairs.heading_keys("Running the Talks", pairs.TITLE) == {"t:run_the", "t:the_talk"}


def test_query_keys_by_field():
    assert pairs.query_keys("exact", ["use", "the", "era"]) == [("x:use_the",), ("x:the_era",)]
    assert pairs.query_keys("exact", ["only", "run"]) == [("x:only_run",)]  # "only" stems to "onli"
    assert pairs.query_keys("text", ["run", "the"]) == [("s:run_the", "x:run_the")]
    assert pairs.query_keys("text", ["agre", "the"]) == [("s:agre_the",)]  # stem("agre") is "agr"
    assert pairs.query_keys("text", ["china", "russia"]) == [None]  # no common word
    assert pairs.query_keys("text", ["xi", "习近"]) == [None]
    assert pairs.query_keys("author", ["bonnie", "glaser"]) == [None]
