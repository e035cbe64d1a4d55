"""An article's documents: its parse packed for the index, and read back."""

from __future__ import annotations

import json
import zlib
from dataclasses import replace

import pytest

from archive.engine.documents import (
    PART_PASSAGES,
    PARTS,
    DamagedPayload,
    pack,
    pack_parts,
    unpack,
    unpack_passage,
)
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


def test_a_parse_in_parts_reads_back_as_it_was(article):
    assert len(article.passages) > 2 * PART_PASSAGES  # parts, and passages at their edges
    packed = pack_parts(article)
    assert packed.startswith(PARTS) and unpack(packed) == article
    assert len(packed) < len(pack(article)) * 1.25  # compressed in parts, still small


def test_a_passage_is_read_from_its_parts_with_its_neighbours(article, monkeypatch):
    """Every passage, those at the edges of a part and of the article included, comes back with
    the passages before and after it and the article's record, unpacking only the parts that
    hold them; as from the article packed whole (an index written before parts)."""
    from archive.engine import documents

    packed, whole, record = pack_parts(article), pack(article), replace(article, sections=(), passages=())
    read = []
    real_parts = documents._parts
    monkeypatch.setattr(
        documents, "_parts", lambda head, body, wanted: read.append(wanted) or real_parts(head, body, wanted)
    )
    for index, passage in enumerate(article.passages):
        expected = (
            record,
            passage,
            article.passages[max(0, index - 1) : index],
            article.passages[index + 1 : index + 2],
        )
        read.clear()
        assert unpack_passage(packed, passage.id) == expected
        nearby = {i // PART_PASSAGES for i in range(max(0, index - 1), min(len(article.passages), index + 2))}
        assert read == [range(min(nearby), max(nearby) + 1)]
        assert unpack_passage(whole, passage.id) == expected
    assert unpack_passage(packed, f"{article.id}-p999") is None
    assert unpack_passage(whole, f"{article.id}-p999") is None


def damaged_copies(packed: bytes) -> list[bytes]:
    """The parse cut short at many places, with bytes flipped, or replaced by other data."""
    step = max(1, len(packed) // 40)
    cut = [packed[:end] for end in range(1, len(packed), step)]
    flipped = [
        packed[:at] + bytes([packed[at] ^ 0xFF]) + packed[at + 1 :] for at in range(0, len(packed), step)
    ]
    other = [
        b"",
        PARTS,
        PARTS + b"\x00\x00\x00\x05hello",
        zlib.compress(b"not json"),
        zlib.compress(b'{"article": 1}'),
        zlib.compress(b"[]"),
        PARTS + (5).to_bytes(4, "big") + zlib.compress(b'{"ids": 3}'),
    ]
    return cut + flipped + other


def test_a_damaged_parse_says_so_and_names_its_article(article):
    """Whatever the damage, reading the parse either gives the article or DamagedPayload, which
    names the article and what reading met; never zlib's, orjson's or a KeyError itself."""
    passage_id = article.passages[len(article.passages) // 2].id
    refused = 0
    for damaged in damaged_copies(pack_parts(article)):
        for read in (lambda b: unpack(b, f"article {article.id}"), lambda b: unpack_passage(b, passage_id)):
            try:
                read(damaged)
            except DamagedPayload as error:
                refused += 1
                assert article.id in str(error) and error.reason.split(":")[0] in str(error)
    assert refused > 60
