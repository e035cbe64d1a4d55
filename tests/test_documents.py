"""An article's documents: its parse packed for the index, and read back."""

from __future__ import annotations

import json
import zlib

import pytest

from archive.engine.documents import pack, unpack
from archive.models import Article

SEED_ID = "cc-2019-09-china-russia"


@pytest.fixture(scope="module")
def article(handle) -> Article:
    return handle.article(SEED_ID)


def test_a_packed_article_reads_back_as_it_was(article):
    packed = pack(article)
    assert unpack(packed) == article
    assert len(packed) < len(json.dumps(article.to_dict()).encode()) // 3


def test_packed_articles_are_read_by_earlier_versions_and_the_other_way_round(article):
    """An index is updated by whichever version reindexes it: an article written by the json
    module reads here, and one written here reads with json (and zlib) alone."""
    earlier = zlib.compress(json.dumps(article.json_shape(), ensure_ascii=False).encode("utf-8"), 1)
    assert unpack(earlier) == article
    assert Article.from_dict(json.loads(zlib.decompress(pack(article)).decode("utf-8"))) == article


def test_text_outside_the_basic_plane_and_quotes_survive(article):
    passage = article.passages[0]
    odd = passage.__class__(**{**vars(passage), "text": 'He said "𝔘nicode" \\ ½ — 战略 \u2028 end'})
    changed = article.__class__(**{**vars(article), "passages": (odd, *article.passages[1:])})
    assert unpack(pack(changed)).passages[0].text == odd.text
