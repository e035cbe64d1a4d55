"""The term-at-a-time posting writer writes the very bytes Whoosh's own writer does."""

from __future__ import annotations

import random
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from whoosh import writing
from whoosh.codec.base import OutOfOrderError
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.filedb.filestore import FileStorage

from archive.engine import adding, postings, trailers
from archive.engine.documents import make_schema

ENCODED_LISTS, REMEMBERED_VALUES = adding.ENCODED_LISTS, adding.REMEMBERED_VALUES
WORDS = [f"w{n}" for n in range(40)] + ["common"] * 30  # "common" reaches several blocks


def small_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        body=TEXT(stored=True),
        boosted=TEXT(field_boost=1.3),  # weights float32 cannot hold exactly
        tags=KEYWORD(scorable=False),
        scored_tags=KEYWORD(scorable=True, lowercase=True),
    )


def random_documents(seed: int, count: int) -> list[dict]:
    rng = random.Random(seed)
    documents = []
    for n in range(count):
        document = {"id": f"d{n}", "body": " ".join(rng.choices(WORDS, k=rng.randint(1, 300)))}
        if rng.random() < 0.7:  # documents without some fields: lengths of 0, values absent
            document["boosted"] = " ".join(rng.choices(WORDS, k=rng.randint(1, 4)))
        if rng.random() < 0.5:
            document["tags"] = " ".join(rng.sample(WORDS[:40], rng.randint(1, 5)))
            document["scored_tags"] = document["tags"].upper()
        documents.append(document)
    return documents


@contextmanager
def writer_parts(ours: bool):
    """Segments written with the archive's pool and field writer, or with Whoosh's own."""
    saved = {key: getattr(*key) for key in postings.OURS}
    for (owner, name), replacement in (postings.OURS if ours else postings.WHOOSH).items():
        setattr(owner, name, replacement)
    try:
        yield
    finally:
        for (owner, name), replacement in saved.items():
            setattr(owner, name, replacement)


def segment_files(
    folder: Path, schema: Schema, documents: list[dict], ours: bool, limitmb=64, common=None
) -> dict[str, bytes]:
    """The segment's files by extension, written by Whoosh's pool and field writer or by ours;
    `limitmb`: the pool's memory, past which it saves runs to disk; `common`: the words our
    writer makes passages' word pairs with."""
    folder.mkdir()
    with writer_parts(ours):
        ix = FileStorage(str(folder)).create_index(schema)
        writer = ix.writer(compound=False, limitmb=limitmb)  # one file per kind, as the archive
        writer.pair_words = common
        for document in documents:
            writer.add_document(**document)
        writer.commit()
    return {path.name.split(".", 1)[1]: path.read_bytes() for path in folder.glob("MAIN_*.*")}


@pytest.fixture(autouse=True)
def values_not_shared(monkeypatch):
    """Each posting's value its own bytes object, as Whoosh's writer makes them. The archive's
    (adding.py) shares one object between postings with the same positions; a block's pickle
    then refers back to the first instead of repeating it, and is no longer Whoosh's bytes
    (test_shared_values_read_back_as_whoosh_wrote_them)."""
    monkeypatch.setattr(adding, "ENCODED_LISTS", 0)
    monkeypatch.setattr(adding, "REMEMBERED_VALUES", 0)
    adding._encoded.clear()


@pytest.fixture
def always_compressed(monkeypatch):
    """Blocks compressed whatever their size, pickled with protocol 2, and no trailers
    (trailers.py): as Whoosh writes them."""
    monkeypatch.setattr(postings, "COMPRESS_FROM", 0)
    monkeypatch.setattr(postings, "BLOCK_PROTOCOL", 2)
    monkeypatch.setattr(trailers, "TRAILER_FROM", 10**9)


@pytest.mark.parametrize(("seed", "limitmb"), [(0, 64), (1, 64), (2, 0.2), (3, 0.05)])
def test_segments_are_the_bytes_whoosh_writes(tmp_path, monkeypatch, seed, limitmb, always_compressed):
    """Also when both pools save runs to disk (a small `limitmb`), in several chunks each, and
    merge them in several turns."""
    runs, reading = [], [0, 0]  # runs written; runs open for reading now, and at most
    whoosh_pool = postings.WHOOSH[writing, "PostingPool"]

    def new_run(pool):
        runs.append(1)
        return whoosh_pool._new_run(pool)

    def open_run(pool, path):
        reading[0] += 1
        reading[1] = max(reading)
        return whoosh_pool._open_run(pool, path)

    def remove_run(pool, path):
        reading[0] -= 1
        return whoosh_pool._remove_run(pool, path)

    monkeypatch.setattr(postings, "RUN_CHUNK_BYTES", 2000)
    monkeypatch.setattr(postings, "MAX_OPEN_RUNS", 3)  # runs merged in turns before the flush
    for name, replacement in (("_new_run", new_run), ("_open_run", open_run), ("_remove_run", remove_run)):
        monkeypatch.setattr(postings.TermPool, name, replacement)
    documents = random_documents(seed, 400)
    theirs = segment_files(tmp_path / "whoosh", small_schema(), documents, False, limitmb)
    ours = segment_files(tmp_path / "ours", small_schema(), documents, True, limitmb)
    assert len(runs) > 3 if limitmb < 1 else not runs
    assert reading[1] <= 3
    assert set(ours) == set(theirs) and "trm" in ours and "pst" in ours
    assert all(ours[name] == theirs[name] for name in theirs), [n for n in theirs if ours[n] != theirs[n]]


def archive_documents(article) -> list[dict]:
    """An article's documents as Whoosh's writer takes them: each passage's word pairs made
    beforehand (the archive's writer makes them, see pairs.with_body_pairs)."""
    from archive.engine import pairs
    from archive.engine.documents import documents

    made = documents(article, "digest", "2026-01-01T00:00:00Z", pairs.COMMON)
    return [pairs.with_body_pairs(d, pairs.COMMON) if pairs.BODY in d else d for d in made]


def test_archive_documents_give_the_bytes_whoosh_writes(tmp_path, seed, always_compressed):
    """Also each passage's word pairs, which the archive's writer makes from its text."""
    from archive.engine import pairs
    from archive.engine.documents import documents

    unpaired = list(documents(seed, "digest", "2026-01-01T00:00:00Z", pairs.COMMON))
    assert sum(pairs.BODY in d for d in unpaired) == len(seed.passages)
    theirs = segment_files(tmp_path / "whoosh", make_schema(), archive_documents(seed), ours=False)
    ours = segment_files(tmp_path / "ours", make_schema(), unpaired, ours=True, common=pairs.COMMON)
    assert ours == theirs
    (tmp_path / "without").mkdir()
    with writer_parts(True):
        writer = FileStorage(str(tmp_path / "without")).create_index(make_schema()).writer()
        try:
            passage = next(d for d in unpaired if pairs.BODY in d)
            with pytest.raises(RuntimeError, match="not given the index's common words"):
                writer.add_document(**passage)
        finally:
            writer.cancel()


def all_postings(folder: Path) -> list[tuple]:
    """Every term's statistics and postings as Whoosh's reader gives them."""
    with FileStorage(str(folder)).open_index().reader() as reader:
        found = []
        for fieldname, btext in reader.all_terms():
            info = reader.term_info(fieldname, btext)
            matcher = reader.postings(fieldname, btext)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length())
            found.append((fieldname, btext, stats, info.max_weight(), info.min_id(), postings))
        return found


def test_boosts_stored_values_and_odd_values_give_the_bytes_whoosh_writes(tmp_path, always_compressed):
    """adding.add_document honours what Whoosh's does: a document's and a field's boost, a stored
    value other than the indexed one, absent values, a list of words."""
    documents = random_documents(9, 150)
    for n, document in enumerate(documents):
        if n % 3 == 0:
            document["_boost"] = 1.5
        if n % 4 == 0:
            document["_body_boost"] = 0.7
        if n % 5 == 0:
            document["_stored_body"] = "shown instead"
        if n % 6 == 0:
            document["boosted"] = None
        if n % 7 == 0:
            document["tags"] = ["alpha", "beta", "alpha"]
    theirs = segment_files(tmp_path / "whoosh", small_schema(), documents, ours=False)
    ours = segment_files(tmp_path / "ours", small_schema(), documents, ours=True)
    assert ours == theirs


@pytest.mark.parametrize("seed", range(3))
def test_short_blocks_uncompressed_read_back_as_whoosh_wrote_them(tmp_path, seed):
    documents = random_documents(seed, 300)
    theirs = segment_files(tmp_path / "whoosh", small_schema(), documents, ours=False)
    ours = segment_files(tmp_path / "ours", small_schema(), documents, ours=True)
    assert ours["pst"] != theirs["pst"]  # some blocks were written uncompressed
    assert all_postings(tmp_path / "ours") == all_postings(tmp_path / "whoosh")


@pytest.mark.parametrize("seed", range(3))
def test_blocks_pickled_with_protocol_3_read_back_as_whoosh_wrote_them(tmp_path, seed):
    """The archive's blocks (postings.BLOCK_PROTOCOL) are smaller than Whoosh's, and read the same
    through Whoosh's matcher and through the archive's own readers of blocks."""
    from whoosh.filedb.filestore import FileStorage as Storage

    from archive.engine.positions import extent_postings

    documents = random_documents(seed, 300)
    theirs = segment_files(tmp_path / "whoosh", small_schema(), documents, ours=False)
    ours = segment_files(tmp_path / "ours", small_schema(), documents, ours=True)
    assert len(ours["pst"]) < len(theirs["pst"]) * 0.8
    assert all_postings(tmp_path / "ours") == all_postings(tmp_path / "whoosh")
    with Storage(str(tmp_path / "ours")).open_index().reader() as reader:
        terms = reader._terms
        read = 0
        for fieldname, btext in reader.all_terms():
            info = reader.term_info(fieldname, btext)
            matcher = reader.postings(fieldname, btext)
            expected = postings.matcher_postings(matcher)
            fixedsize = reader.schema[fieldname].format.fixed_value_size()
            assert postings._postings_read_by_hand(terms._postfile, info, fixedsize) == expected
            length = info._length[0] if isinstance(info._length, tuple) else info._length
            extent = terms._postfile.get(info._offset, length)
            by_hand = extent_postings(extent, reader.doc_count_all())
            assert by_hand is not None  # protocol 3 blocks are read by hand, not unpickled
            assert by_hand[0].tolist() == expected[0]
            assert np.allclose(by_hand[1], expected[1])
            read += 1
        assert read > 100


def test_shared_values_read_back_as_whoosh_wrote_them(tmp_path, monkeypatch, seed, always_compressed):

    monkeypatch.setattr(adding, "ENCODED_LISTS", ENCODED_LISTS)  # shared, as the archive writes them
    monkeypatch.setattr(adding, "REMEMBERED_VALUES", REMEMBERED_VALUES)
    for schema, prepared in (
        (make_schema(), archive_documents(seed)),
        (small_schema(), random_documents(8, 400)),
    ):
        folder = tmp_path / str(len(prepared))
        folder.mkdir()
        theirs = segment_files(folder / "whoosh", schema, prepared, ours=False)
        ours = segment_files(folder / "ours", schema, prepared, ours=True)
        assert len(ours["pst"]) < len(theirs["pst"])  # a value repeated in a block is referred back to
        assert all_postings(folder / "ours") == all_postings(folder / "whoosh")


def test_postings_out_of_order_are_refused(tmp_path):
    ix = FileStorage(str(tmp_path)).create_index(small_schema())
    writer = ix.writer()
    items = [("body", b"b", 0, 1.0, b""), ("body", b"a", 1, 1.0, b"")]
    with pytest.raises(OutOfOrderError):
        postings.add_postings(writer.fieldwriter, writer.schema, None, iter(items))
    writer.cancel()


@pytest.mark.parametrize("saved", [False, True])
def test_postings_pooled_out_of_order_come_out_as_whoosh_sorts_them(tmp_path, saved):
    """Writers add documents in order; anything else is sorted (by document, weight, value),
    whether it stayed in memory or met in runs, never written as it came."""
    ix = FileStorage(str(tmp_path)).create_index(small_schema())
    pool = postings.TermPool(ix.storage, None, limitmb=64)
    for docnum in (5, 9):
        pool.add(("body", b"word", docnum, 1.0, b"a"))
    if saved:
        pool.save()
    for docnum, weight in ((2, 2.0), (7, 2.0), (7, 1.0)):
        pool.add(("body", b"word", docnum, weight, b"b"))
    assert list(pool.iter_postings()) == [
        ("body", b"word", 2, 2.0, b"b"),
        ("body", b"word", 5, 1.0, b"a"),
        ("body", b"word", 7, 1.0, b"b"),
        ("body", b"word", 7, 2.0, b"b"),
        ("body", b"word", 9, 1.0, b"a"),
    ]
    assert not pool.runs


def test_whooshs_one_segment_parallel_writer_still_writes_what_whoosh_writes(tmp_path):
    """Whoosh's MpWriter with one segment merges its sub-writers' runs a posting at a time (the
    archive writes a segment per process; the pool must serve both)."""
    from whoosh.multiproc import SerialMpWriter

    documents = random_documents(7, 300)
    found = {}
    for ours in (False, True):
        folder = tmp_path / str(ours)
        folder.mkdir()
        with writer_parts(ours):
            ix = FileStorage(str(folder)).create_index(small_schema())
            writer = SerialMpWriter(ix, procs=2, batchsize=40, limitmb=0.05)
            for document in documents:
                writer.add_document(**document)
            writer.commit()
        found[ours] = all_postings(folder)
    assert found[True] == found[False]


def test_cleanup_removes_the_runs_from_the_writers_temporary_storage(tmp_path):
    ix = FileStorage(str(tmp_path)).create_index(small_schema())
    writer = ix.writer(limitmb=0.01)
    assert isinstance(writer.pool, postings.TermPool)  # installed by the engine
    for document in random_documents(5, 100):
        writer.add_document(**document)
    runs = list(writer.pool.runs)
    assert runs and all(writer.pool.tempstore.file_exists(run) for run in runs)
    writer.pool.cleanup()
    assert not any(writer.pool.tempstore.file_exists(run) for run in runs)
    writer.cancel()


def merged_segment(folder: Path, batches: list[list[dict]], deleted: list[str], ours: bool, limitmb=64):
    """The files of one segment merged from a segment per batch, `deleted` ids removed before the
    merge, written by the archive's writer parts or by Whoosh's."""
    folder.mkdir()
    with writer_parts(ours):
        ix = FileStorage(str(folder)).create_index(small_schema())
        for batch in batches[:-1]:
            writer = ix.writer(compound=False)
            for document in batch:
                writer.add_document(**document)
            writer.commit(merge=False)
        assert len(ix._segments()) == len(batches) - 1
        writer = ix.writer(compound=False, limitmb=limitmb)
        for document_id in deleted:
            writer.delete_by_term("id", document_id)
        for document in batches[-1]:
            writer.add_document(**document)
        writer.commit(optimize=True)  # every segment read through add_reader into the new one
    assert len(ix._segments()) == 1
    return {path.name.split(".", 1)[1]: path.read_bytes() for path in folder.glob("MAIN_*.*")}


@pytest.mark.parametrize(("seed", "limitmb"), [(0, 64), (1, 64), (2, 0.05)])
def test_merged_segments_are_the_bytes_whoosh_merges(tmp_path, seed, limitmb, always_compressed):
    """Segments merged term by term (deleted documents left out, documents renumbered, lists of
    one block and of several, the pool saving runs) as Whoosh merges them."""
    rng = random.Random(seed)
    documents = random_documents(seed, 500)
    for n, document in enumerate(documents):
        document["id"] = f"d{n}"
    batches = [documents[:200], documents[200:203], documents[203:450], documents[450:]]
    deleted = [f"d{n}" for n in rng.sample(range(450), 60)] + ["d200", "d201", "d202"]  # a whole segment
    theirs = merged_segment(tmp_path / "whoosh", batches, deleted, False, limitmb)
    ours = merged_segment(tmp_path / "ours", batches, deleted, True, limitmb)
    assert set(ours) == set(theirs) and "pst" in ours
    assert all(ours[name] == theirs[name] for name in theirs), [n for n in theirs if ours[n] != theirs[n]]


def test_a_segment_mostly_deleted_merges_as_whoosh_merges_it(tmp_path, monkeypatch, always_compressed):
    """Its terms whose documents are all deleted are skipped unread (by the first and last
    document their statistics give); the merged segment is still Whoosh's, byte for byte."""
    documents = random_documents(11, 300)
    for n, document in enumerate(documents):
        document["id"] = f"d{n}"
    batches = [documents[:250], documents[250:]]
    deleted = [f"d{n}" for n in range(250) if n not in (7, 120, 249)]  # three left live
    read = []
    real = postings._all_postings
    monkeypatch.setattr(postings, "_all_postings", lambda *args: read.append(1) or real(*args))
    theirs = merged_segment(tmp_path / "whoosh", batches, deleted, False)
    assert merged_segment(tmp_path / "ours", batches, deleted, True) == theirs
    skipping = len(read)
    monkeypatch.setattr(postings, "_any_between", lambda *args: True)
    assert merged_segment(tmp_path / "unskipped", batches, deleted, True) == theirs
    assert 0 < skipping < (len(read) - skipping) / 2  # most of the segment's lists never read


def test_postings_inlined_in_the_terms_table_are_merged_as_read():
    """Whoosh 2.7.5 cannot write them (its W3TermInfo has no set_inline), another writer can."""
    from whoosh.codec.whoosh3 import W3Codec, W3TermInfo

    info = W3TermInfo()
    info._inlined = ((3, 8), (1.0, 2.5), (b"a", b"b"))

    class Terms:
        _codec, _postfile = W3Codec(), None

    assert postings._all_postings(Terms(), info, TEXT().format, ("body", b"x")) == (
        [3, 8],
        [1.0, 2.5],
        [b"a", b"b"],
    )


def test_trailers_are_not_seen_by_whooshs_readers(tmp_path):
    """Long lists carry their arrays after their blocks (trailers.py); Whoosh reads every term's
    statistics and postings as from the segment Whoosh writes."""
    documents = random_documents(4, 500)
    segment_files(tmp_path / "whoosh", small_schema(), documents, ours=False)
    ours = segment_files(tmp_path / "ours", small_schema(), documents, ours=True)
    assert ours["pst"].count(trailers.MAGIC) >= 3  # "common" and the commonest words
    assert all_postings(tmp_path / "ours") == all_postings(tmp_path / "whoosh")


def test_a_trailer_gives_the_blocks_numbers_and_a_damaged_one_is_not_used(tmp_path):
    from archive.engine.positions import leaf_matcher, read_postings

    documents = random_documents(5, 600)
    segment_files(tmp_path / "ours", small_schema(), documents, ours=True)
    with FileStorage(str(tmp_path / "ours")).open_index().reader() as reader:
        terms, checked = reader._terms, 0
        for (fieldname, btext), info in terms.items():
            expected = read_postings(leaf_matcher(reader, fieldname, btext))
            offset, length = info._offset, info._length[0]
            read = trailers.trailer_postings(terms._postfile, offset, length, reader.doc_count_all())
            if len(expected[0]) < trailers.TRAILER_FROM:
                assert read is None
                continue
            checked += 1
            assert np.array_equal(read[0], expected[0]) and np.array_equal(read[1], expected[1])
            extent = terms._postfile.get(offset, length)
            for at in range(len(extent) - 1, max(0, len(extent) - 400), -3):  # the footer and arrays
                damaged = Extent(extent[:at] + bytes([extent[at] ^ 0x5A]) + extent[at + 1 :])
                found = trailers.trailer_postings(damaged, 0, length, reader.doc_count_all())
                if found is not None:  # sound enough to use: ordered numbers inside the segment
                    assert len(found[0]) == len(found[1]) and (np.diff(found[0]) > 0).all()
                    assert found[0][0] >= 0 and found[0][-1] < reader.doc_count_all()
            assert trailers.trailer_postings(Extent(extent), 0, length, int(expected[0][-1])) is None
            assert trailers.trailer_postings(Extent(extent[:-1]), 0, length - 1, 10**6) is None
        assert checked >= 3


class Extent:
    """A posting list's bytes, read as a segment file is (get)."""

    def __init__(self, data: bytes):
        self.data = data

    def get(self, position: int, length: int) -> bytes:
        return self.data[position : position + length]


@pytest.mark.parametrize("compress_from", [0, postings.COMPRESS_FROM])
def test_lists_read_by_hand_for_a_merge_are_what_the_matcher_reads(tmp_path, monkeypatch, compress_from):
    monkeypatch.setattr(postings, "COMPRESS_FROM", compress_from)
    segment_files(tmp_path / "ours", small_schema(), random_documents(6, 600), ours=True)
    with FileStorage(str(tmp_path / "ours")).open_index().reader() as reader:
        terms, several_blocks = reader._terms, 0
        for (fieldname, btext), info in terms.items():
            fixedsize = reader.schema[fieldname].format.fixed_value_size()
            read = postings._postings_read_by_hand(terms._postfile, info, fixedsize)
            matcher = reader.postings(fieldname, btext)
            expected = ([], [], [])
            while matcher.is_active():
                for found, part in zip(
                    expected, (matcher.id(), matcher.weight(), matcher.value()), strict=True
                ):
                    found.append(part)
                matcher.next()
            assert read == expected, (fieldname, btext)
            several_blocks += len(read[0]) > 128
        assert several_blocks >= 3


def matcher_postings(data: bytes, field_format) -> tuple[list, list, list] | None:
    """What Whoosh's matcher reads from a posting list's bytes; None when it raises."""
    from whoosh.codec.whoosh3 import W3LeafMatcher
    from whoosh.filedb.structfile import BufferFile

    try:
        return postings.matcher_postings(W3LeafMatcher(BufferFile(data), 0, len(data), field_format))
    except Exception:
        return None


def test_a_damaged_list_read_by_hand_reads_as_its_matcher_or_is_left_to_it(tmp_path):
    """Any byte of a list changed, or the list cut short anywhere: what the merge reads by hand
    is what the matcher reads from the same bytes; else it leaves the list to the matcher."""
    from types import SimpleNamespace

    segment_files(tmp_path / "ours", small_schema(), random_documents(7, 300), ours=True)
    with FileStorage(str(tmp_path / "ours")).open_index().reader() as reader:
        terms = reader._terms
        lists = [
            (reader.schema[fieldname].format, terms._postfile.get(info._offset, info._length[0]))
            for (fieldname, _), info in terms.items()
            if fieldname in ("body", "tags")
        ]
    chosen = [lists[0], lists[1], max(lists, key=lambda item: len(item[1]))]  # short ones, the longest
    read_by_hand = 0
    for field_format, extent in chosen:
        for at in range(0, len(extent), max(1, len(extent) // 300)):  # 300 places at most
            damaged = extent[:at] + bytes([extent[at] ^ 0x5A]) + extent[at + 1 :]
            for data in (damaged, extent[:at]):
                info = SimpleNamespace(_offset=0, _length=len(data))
                try:
                    read = postings._postings_read_by_hand(
                        Extent(data), info, field_format.fixed_value_size()
                    )
                except Exception:  # left to the matcher, as _all_postings does
                    read = None
                if read is not None:
                    read_by_hand += 1
                    assert read == matcher_postings(data, field_format), (at, data == damaged)
    assert read_by_hand > 50  # damage to weights and values is read, as the matcher reads it


def test_a_passage_without_the_index_common_words_is_refused_before_any_writer_process(tmp_path, seed):
    """Refused in the reindexing process: in a writer process the error would end it, and the
    commit would wait for a segment that never comes."""
    from archive.engine import pairs, writing
    from archive.engine.documents import documents

    passage = next(
        d for d in documents(seed, "digest", "2026-01-01T00:00:00Z", pairs.COMMON) if pairs.BODY in d
    )
    ix = FileStorage(str(tmp_path)).create_index(make_schema())
    writer = writing.open_writer(ix, wait=1, parallel=True)
    try:
        with pytest.raises(RuntimeError, match="not given the index's common words"):
            writer.add_document(**passage)
        assert not getattr(writer, "tasks", [])
    finally:
        writer.cancel()
