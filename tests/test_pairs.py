"""Word pairs find exactly the phrases positions find: stems and words as written, compounds,
CJK beside Latin, titles, headings, longer phrases, and documents replaced since."""

from __future__ import annotations

import os
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_matching import same_as_whoosh

from archive.engine import pairs
from archive.engine.analysis import CJK_RUN, text_pieces
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


def kinds_found(handle: IndexHandle, text: str) -> list[str]:
    evaluator = handle.evaluator()
    return sorted(evaluator.fields(d)["kind"] for d in evaluator.matches(handle.parse(text).query).ids)


def test_a_section_has_the_phrases_of_its_paragraphs(pairs_handle):
    """A section's document holds no pairs of its text, yet it is found for a phrase in one of
    its paragraphs and a word in another; a phrase running from one paragraph into the next is
    in neither."""
    assert kinds_found(pairs_handle, '"partnerships were running" Putin') == ["section"]
    assert kinds_found(pairs_handle, '"use the" commerce') == ["paragraph", "section"]
    assert kinds_found(pairs_handle, '"partnership ran xi"') == []  # "… ran." / "Xi …"
    assert kinds_found(pairs_handle, '"partnership ran"') == ["paragraph", "section"]
    evaluator = pairs_handle.evaluator()
    body = [key for key in evaluator.searcher.lexicon(pairs.FIELD) if key.startswith((b"x:", b"s:"))]
    having = np.concatenate([evaluator.postings(pairs.FIELD, key)[0] for key in body])
    assert len(body) > 10 and not evaluator.table.is_section(having).any()


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


def test_the_corpus_own_frequent_words_are_common_too():
    texts = ["Putin met Xi in Moscow.", "Xi and Putin spoke.", "Putin wrote; 战略 战略.", "Nothing of them."]
    assert pairs.frequent_stems(texts, count=2) == {"putin", "xi"}  # "and", "of": function words
    assert pairs.frequent_stems(texts, count=1) == {"putin"}


PIECES = st.sampled_from([*"ab é-.,'’战略 \n", "the ", "U.S. ", "China-Russia ", "ran ", "running "])


@given(st.lists(st.lists(PIECES, max_size=40).map("".join), max_size=6))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_frequent_stems_count_the_terms_of_each_text_as_the_analyzer_reads_it(texts):
    """Each text is read once per distinct word: the same terms as reading all of it."""
    having = Counter()
    for text in texts:
        having.update({pairs.stem(t) for t, _, _, _, _ in text_pieces(text, whole=False) if len(t) >= 2})
    ranked = sorted(having.items(), key=lambda item: (-item[1], item[0]))
    expected = [w for w, _ in ranked if w not in pairs.COMMON and not CJK_RUN.match(w)][:5]
    assert pairs.frequent_stems(texts, count=5) == frozenset(expected)


def test_words_as_frequent_as_each_other_are_chosen_alike_in_every_process():
    """Ties go in alphabetical order: two builds of one corpus hold the same pairs, whatever
    order a process's string hashing puts the words in."""
    import subprocess
    import sys

    script = (
        "from archive.engine import pairs; "
        "print(sorted(pairs.frequent_stems(['zebra quokka lemur okapi', 'lemur okapi yak zebra'], 2)))"
    )
    chosen = {
        subprocess.run(
            [sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True, text=True, check=True,
        ).stdout
        for seed in range(1, 6)
    }  # fmt: skip
    assert chosen == {"['lemur', 'okapi']\n"}  # zebra is in as many texts; quokka and yak in fewer


def test_an_index_keeps_the_common_words_it_was_built_with(tmp_path):
    """Created: its corpus's frequent words are stored with it, and a phrase of two of them is
    found by its pair; later articles never change them (its pairs were written with them)."""
    from archive.engine.documents import COMMON_ID, common_words

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    for i in range(6):
        (corpus / f"a{i}.md").write_text(
            f"# Note {i}\n\nXi Jinping met envoys in Kazan, item {i}.\n", encoding="utf-8"
        )
    reindex(corpus, index)
    handle = IndexHandle(index)
    common = handle.evaluator().table.common
    assert {"xi", "jinp", "kazan"} <= common and "the" in common
    assert pairs.query_keys("text", ["xi", "jinp"], common) == [("s:xi_jinp", "x:xi_jinp")]
    same_as_whoosh(handle, '"Xi Jinping"', scores=False)
    assert len(handle.evaluator().matches(handle.parse('"Xi Jinping"').query)) == 6

    for i in range(8):
        (corpus / f"b{i}.md").write_text(
            f"# Later {i}\n\nZelensky visited Odesa, item {i}.\n", encoding="utf-8"
        )
    reindex(corpus, index)
    assert IndexHandle(index).evaluator().table.common == common
    assert common_words(IndexHandle(index).searcher().document(id=COMMON_ID)) == common
    same_as_whoosh(IndexHandle(index), '"Zelensky visited"', scores=False)  # on positions


@pytest.mark.parametrize("payload", [b"not json", b'{"a": 1}', b"[1, 2]", "é".encode("latin-1")])
def test_damaged_common_words_are_the_function_words(payload):
    from archive.engine.documents import common_words

    assert common_words({"payload": payload}) == pairs.COMMON
    assert common_words(None) == pairs.COMMON
