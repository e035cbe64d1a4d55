"""Postings of new segments: pooled by term while documents are added, and written into Whoosh's
W3 segment files a term at a time, in Whoosh's own format.

Whoosh pools every posting as a tuple, sorts them all, and past its memory limit pickles and
unpickles each one through temporary runs; at the flush it hands the block writer one posting
per call and looks the document's field length up again for each. A real archive writes about
400 postings a passage. Here postings are grouped by term as they come (documents arrive in
document order, so a term's postings need no sorting), runs hold whole terms pickled in
chunks, and each term's blocks are written at once, their statistics taken from a table of the
field's lengths read once per segment."""

from __future__ import annotations

import contextlib
import gc
import heapq
import pickle
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from hashlib import md5
from itertools import accumulate, pairwise
from operator import itemgetter, sub
from pickle import dumps

import numpy as np
from whoosh import writing
from whoosh.codec import whoosh3
from whoosh.codec.base import OutOfOrderError
from whoosh.filedb.filetables import _lengths as _LENGTHS
from whoosh.filedb.filetables import md5_hash
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import _length_byte_cache, length_to_byte

from . import adding, trailers
from .positions import block_header
from .trust import restricted_loads

# Blocks whose pickle is shorter are written uncompressed (the block says so; readers follow it):
# zlib's set-up costs ~20 µs a call, more than a short block saves, and most terms are rare.
COMPRESS_FROM = 256
# A block's data (its numbers, weights and values) is pickled with protocol 3, Whoosh's with 2.
# Protocol 2 writes each bytes value (a posting's positions) as a call of _codecs.encode on a
# latin-1 string: 3.1 us a one-posting block and 73 bytes, against 0.5 us and 32 bytes; readers
# unpickle either (positions.py reads both by hand). Its header stays protocol 2, as Whoosh's.
BLOCK_PROTOCOL = 3
SPELLING = -1  # Whoosh's marker for a word of the spelling graph, which is not a posting
# Memory a pooled term and a pooled posting take (CPython 3.11, 64-bit), beyond their bytes: a
# posting is four array items (term, document, weight, a reference to its value), often a value
# of its own, and about 24 bytes more while the pool is sorted (the sort's order and temporary
# arrays); a term its key in its field's dictionary and in the list of keys. (4,000 of the bench's
# documents: 754,000 postings and 171,000 terms took 85 MB, 114 MB in the pool before, which
# kept a list a term and a float a posting. A 130,000-passage build peaked at 838 MB counting 64
# bytes a posting, 754 MB counting 88, and 690-721 MB with the pool before.)
TERM_BYTES, POSTING_BYTES = 260, 88
RUN_CHUNK_BYTES = 1 << 20  # pickled together in a run: merging holds one chunk of each run
MAX_OPEN_RUNS = 64  # runs merged at once (Whoosh: 128)
POOLED_CHUNK = 1 << 16  # postings taken out of the pool's arrays as Python lists at once

# A term's postings: (fieldname, btext, document numbers, weights, values)
Term = tuple[str, bytes, list, list, list]
# A term's postings in a run: ((fieldname, btext), document numbers, weights, values)
Record = tuple[tuple[str, bytes], list, list, list]


class TermPool(writing.PostingPool):
    """Whoosh's PostingPool, holding its postings in flat arrays: each posting's term (a number
    given to each term as it first comes), document, weight and value, in the order they came;
    sorted by term at once when the pool is saved to a run on disk or written. A document's
    field adds its postings with a few calls over them all (its terms' numbers by one map over
    the field's dictionary) instead of a loop of Python for each posting. Writers add postings
    in document order (add_document numbers documents as they come, add_reader renumbers a
    segment's in their order), so a stable sort by term keeps each term's postings in order;
    postings that came otherwise are sorted as Whoosh sorts them (by document, weight, value)."""

    def __init__(self, tempstore, segment, limitmb=128, **kwargs):
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self._empty()

    def _empty(self) -> None:
        self.numbers: dict[str, dict[bytes, int]] = {}  # by field: each term's number
        self.keys: list[tuple[str, bytes]] = []  # by number: (fieldname, btext)
        self.term_of, self.doc_of, self.weight_of = array("i"), array("i"), array("d")
        self.values: list = []
        self.last_doc, self.in_order, self.currentsize = -1, True, 0

    def _field_numbers(self, fieldname: str) -> dict[bytes, int]:
        numbers = self.numbers.get(fieldname)
        if numbers is None:
            numbers = self.numbers[fieldname] = {}
            self.fieldnames.add(fieldname)
        return numbers

    def _numbered(self, fieldname: str, btexts, numbers: list) -> list:
        """`numbers` of the terms `btexts`, new terms numbered (None in `numbers`)."""
        known, keys = self.numbers[fieldname], self.keys
        for i, number in enumerate(numbers):
            if number is None:
                btext = btexts[i]
                number = known.get(btext)  # the same new term twice in one call
                if number is None:
                    number = known[btext] = len(keys)
                    keys.append((fieldname, btext))
                    self.currentsize += TERM_BYTES + len(btext)
                numbers[i] = number
        return numbers

    def _number(self, fieldname: str, btext: bytes) -> int:
        number = self._field_numbers(fieldname).get(btext)
        return number if number is not None else self._numbered(fieldname, (btext,), [None])[0]

    def _pooled(self, numbers: list, docnums, weights, values) -> None:
        """Postings of the terms numbered `numbers` added at the end of the arrays."""
        first = docnums if isinstance(docnums, int) else docnums[0]
        if first < self.last_doc:  # (a document's fields come one after another)
            self.in_order = False
        if isinstance(docnums, int):
            self.doc_of.extend(array("i", (docnums,)) * len(numbers))
            self.last_doc = docnums
        else:
            self.doc_of.extend(docnums)
            self.last_doc = max(self.last_doc, docnums[-1])
            if any(a > b for a, b in pairwise(docnums)):
                self.in_order = False
        self.term_of.extend(numbers)
        self.weight_of.extend(weights)
        self.values.extend(values)
        self.currentsize += POSTING_BYTES * len(numbers) + sum(map(len, filter(None, values)))
        if self.currentsize > self.limit:
            self.save()

    def add(self, item) -> None:
        fieldname, btext, docnum, weight, value = item
        if docnum == SPELLING:
            return
        self._pooled([self._number(fieldname, btext)], docnum, (weight,), (value,))

    def add_field_postings(self, fieldname: str, docnum: int, found, boost: float, scorable: bool) -> int:
        """One document's postings of a field at once (adding.add_document): (term bytes,
        frequency, weight, value) each, the weights times `boost`; returns the field's length."""
        if not found:
            return 0
        btexts, freqs, weights, values = zip(*found, strict=True)
        numbers = list(map(self._field_numbers(fieldname).get, btexts))
        if None in numbers:
            numbers = self._numbered(fieldname, btexts, numbers)
        self._pooled(numbers, docnum, weights if boost == 1.0 else [w * boost for w in weights], values)
        return sum(freqs) if scorable else 0

    def add_term(self, fieldname: str, btext: bytes, ids: list, weights, values) -> None:
        """A term's postings at once, in document order (see add_postings_to_pool)."""
        self._pooled([self._number(fieldname, btext)] * len(ids), ids, weights, values)

    def pooled(self) -> Iterator[Record]:
        """The terms in memory as records in term order, the pool emptied."""
        numbers, keys, values = self.numbers, self.keys, self.values
        terms, docs = np.frombuffer(self.term_of, np.int32), np.frombuffer(self.doc_of, np.int32)
        weights, in_order = np.frombuffer(self.weight_of, np.float64), self.in_order
        self._empty()
        if not keys:
            return
        # Terms in order of field, then text: each field's texts sorted alone (plain bytes sort
        # faster than (field, text) pairs)
        ordered = np.fromiter(
            (n for field in sorted(numbers) for n in map(numbers[field].__getitem__, sorted(numbers[field]))),
            np.int64,
            len(keys),
        )
        rank = np.empty(len(keys), np.int32)
        rank[ordered] = np.arange(len(keys), dtype=np.int32)
        ranks = rank[terms]
        # A stable sort keeps each term's postings in the order they came: document order, unless
        # some came otherwise, when they are sorted by document within the term
        order = np.argsort(ranks, kind="stable") if in_order else np.lexsort((docs, ranks))
        ends = np.cumsum(np.bincount(ranks, minlength=len(keys))).tolist()
        repeated = _repeated_documents(ranks[order], docs[order])
        yield from _records(keys, ordered.tolist(), ends, order, docs, weights, values, repeated)

    def save(self) -> None:
        if self.keys:
            self.runs.append(self._write_records(self.pooled()))
        if not gc.isenabled():  # a writer process (writing.GuardedTask) collects only here
            gc.collect()

    def _write_records(self, records: Iterable[Record]) -> str:
        """A new run of records, pickled in chunks of about RUN_CHUNK_BYTES."""
        path, run = self._new_run()
        with run:
            chunk, size = [], 0
            for record in records:
                chunk.append(record)
                size += TERM_BYTES + len(record[1]) * (POSTING_BYTES + 32)
                if size >= RUN_CHUNK_BYTES:
                    pickle.dump(chunk, run, pickle.HIGHEST_PROTOCOL)
                    chunk, size = [], 0
            if chunk:
                pickle.dump(chunk, run, pickle.HIGHEST_PROTOCOL)
        return path

    def _read_records(self, path) -> Iterator[Record]:
        """A run's records, its file removed once read."""
        with self._open_run(path) as run:
            while True:
                try:
                    yield from pickle.load(run)  # a run this process wrote
                except EOFError:
                    break
        self._remove_run(path)

    def _read_run(self, path) -> Iterator[tuple]:
        """A run's postings one at a time, as Whoosh's writers read a pool's runs (MpWriter
        merges its sub-writers' runs so when it writes one segment)."""
        for (fieldname, btext), ids, weights, values in self._read_records(path):
            for docnum, weight, value in zip(ids, weights, values, strict=True):
                yield fieldname, btext, docnum, weight, value

    def _merged(self, paths: list[str]) -> Iterator[Record]:
        # merge() keeps the runs' order among equal terms: the order the documents came in
        return _joined(heapq.merge(*(self._read_records(path) for path in paths), key=itemgetter(0)))

    def reduce_to(self, target: int, k: int) -> None:
        """Merge runs, at most `k` at a time and oldest first (so documents stay in order),
        until `target` remain."""
        while len(self.runs) > target:
            merged = self._write_records(self._merged(self.runs[:k]))
            self.runs = [merged, *self.runs[k:]]

    def cleanup(self) -> None:
        """Runs removed from the writer's temporary storage (Whoosh's removes them by a path
        relative to the working directory, that is not at all)."""
        for path in self.runs:
            with contextlib.suppress(OSError):
                self._remove_run(path)
        self.runs = []

    def iter_postings(self) -> TermPostings:
        return TermPostings(self)

    def sorted_terms(self) -> Iterator[Term]:
        """Every term's postings in term order, documents in order within each."""
        if not self.runs:
            records: Iterable[Record] = self.pooled()
        else:
            self.save()
            self.reduce_to(MAX_OPEN_RUNS, MAX_OPEN_RUNS)
            runs, self.runs = self.runs, []
            records = self._merged(runs)
        for (fieldname, btext), ids, weights, values in records:
            yield fieldname, btext, ids, weights, values


def _repeated_documents(ranks: np.ndarray, docs: np.ndarray) -> set[int]:
    """The terms (by rank) having two postings of one document, given postings sorted by term
    and document: Whoosh's order among them is by weight and value."""
    same = (ranks[1:] == ranks[:-1]) & (docs[1:] == docs[:-1])
    return set(ranks[1:][same].tolist())


def _records(keys, ordered, ends, order, docs, weights, values, repeated) -> Iterator[Record]:
    """Each term's record, its postings taken out of the arrays POOLED_CHUNK at a time."""
    start = 0  # of the term's postings in `order`
    chunk_start, chunk_end = 0, 0
    chunk_docs: list = []
    chunk_weights: list = []
    chunk_values: list = []
    for rank, end in enumerate(ends):
        if end > chunk_end:  # the next chunk, from this term's first posting
            chunk_start, chunk_end = start, max(end, start + POOLED_CHUNK)
            taken = order[chunk_start:chunk_end]
            chunk_docs, chunk_weights = docs[taken].tolist(), weights[taken].tolist()
            chunk_values = list(map(values.__getitem__, taken.tolist()))
        a, b = start - chunk_start, end - chunk_start
        ids, term_weights, term_values = chunk_docs[a:b], chunk_weights[a:b], chunk_values[a:b]
        if rank in repeated:
            ids, term_weights, term_values = _sorted_postings(ids, term_weights, term_values)
        yield keys[ordered[rank]], ids, term_weights, term_values
        start = end


def _joined(records: Iterator[Record]) -> Iterator[Record]:
    """Consecutive records of the same term as one. Each record is in order; where one's first
    document does not come after the previous one's last, the term's postings are sorted."""
    key, ids, weights, values, ordered = None, [], [], [], True
    for next_key, next_ids, next_weights, next_values in records:
        if next_key == key:
            ordered = ordered and ids[-1] < next_ids[0]
            ids += next_ids
            weights += next_weights
            values += next_values
            continue
        if key is not None:
            yield (key, ids, weights, values) if ordered else (key, *_sorted_postings(ids, weights, values))
        key, ids, weights, values, ordered = next_key, next_ids, next_weights, next_values, True
    if key is not None:
        yield (key, ids, weights, values) if ordered else (key, *_sorted_postings(ids, weights, values))


def _sorted_postings(ids: list, weights: list, values: list) -> tuple[list, list, list]:
    """A term's postings sorted as Whoosh's pool sorts them: by document, weight, value."""
    triples = sorted(zip(ids, weights, values, strict=True))
    return [t[0] for t in triples], [t[1] for t in triples], [t[2] for t in triples]


class TermPostings:
    """A TermPool's postings: by term for add_postings below, one at a time for anyone else."""

    def __init__(self, pool: TermPool):
        self.pool = pool

    def terms(self) -> Iterator[Term]:
        return self.pool.sorted_terms()

    def __iter__(self):
        for fieldname, btext, ids, weights, values in self.terms():
            for docnum, weight, value in zip(ids, weights, values, strict=True):
                yield fieldname, btext, docnum, weight, value


def field_lengths(lengths, fieldobj, fieldname: str) -> list[int]:
    """Each document's length of the field as the segment's length reader gives it, by document
    number; none for a field that keeps no lengths (only scorable fields do)."""
    if lengths is None or not fieldobj.scorable:
        return []
    length_of = lengths.doc_field_length
    return [length_of(docnum, fieldname) or 0 for docnum in range(lengths.doc_count_all())]


def add_postings(self, schema, lengths, items) -> None:
    """W3FieldWriter.add_postings: `items` are a TermPool's postings, or (fieldname, btext,
    docnum, weight, vbytes) tuples sorted by field, term and document."""
    if self._codec._inlinelimit > 1:  # a codec that inlines short lists: Whoosh's writer does that
        return WHOOSH[whoosh3.W3FieldWriter, "add_postings"](self, schema, lengths, items)
    terms = items.terms() if isinstance(items, TermPostings) else _terms(items)
    fieldname = btext = None
    table: list[int] = []
    for term_field, term_text, ids, weights, values in terms:
        if term_field != fieldname:
            if fieldname is not None:
                if term_field < fieldname:
                    raise OutOfOrderError(f"Field {fieldname!r} .. {term_field!r}")
                self.finish_field()
            self.start_field(term_field, schema[term_field])
            table = field_lengths(lengths, schema[term_field], term_field)
        elif term_text <= btext:
            raise OutOfOrderError(f"Term {fieldname}:{btext!r} .. {term_field}:{term_text!r}")
        fieldname, btext = term_field, term_text
        _write_term(self, btext, ids, weights, values, table)
    if fieldname is not None:
        self.finish_field()


def _terms(items) -> Iterator[Term]:
    """Sorted postings grouped by term (Whoosh's spelling words left out)."""
    key, ids, weights, values = None, [], [], []
    for fieldname, btext, docnum, weight, value in items:
        if (fieldname, btext) != key:
            if ids:
                yield (*key, ids, weights, values)
            key, ids, weights, values = (fieldname, btext), [], [], []
        if docnum != SPELLING:
            ids.append(docnum)
            weights.append(weight)
            values.append(value)
    if ids:
        yield (*key, ids, weights, values)


def _write_term(self, btext: bytes, ids, weights, values, table: list[int]) -> None:
    """One term's postings as W3PostingsWriter and W3TermInfo write them when given one at a time:
    a header, full blocks of `blocklimit` postings, the last one (never empty) closing the term,
    then the term's statistics and its postings' extent in the terms table. Most terms of a
    segment have a posting or two: this runs once per term, so it takes shortcuts (a table of
    length bytes, the files' own write and tell, one block without a loop) that give the same
    bytes."""
    postwriter = self._postwriter
    if len(ids) <= postwriter._blocklimit and len(ids) < trailers.TRAILER_FROM:
        return _write_one_block(self, btext, ids, weights, values, table)
    limit, level = postwriter._blocklimit, postwriter._compression
    fixedsize = self._format.fixed_value_size()
    postfile = self._postfile.file
    offset = postfile.tell()
    parts = [whoosh3.WHOOSH3_HEADER_MAGIC]
    total, maxweight, minlength, maxlength = 0.0, 0, None, 0
    count = len(ids)
    for start in range(0, count, limit):
        end = start + limit
        block_ids, block_weights = ids[start:end], weights[start:end]
        stored = array("f", block_weights)  # the precision the block keeps
        total += sum(stored)
        present = [length for length in map(table.__getitem__, block_ids) if length] if table else ()
        block_min = min(present) if present else None
        block_max = max(present) if present else 0
        block_maxweight = max(0, max(block_weights))
        data = dumps(
            (_deltas(block_ids), _mini_weights(stored), _mini_values(values[start:end], fixedsize)),
            BLOCK_PROTOCOL,
        )
        compression = level if len(data) >= COMPRESS_FROM else 0
        if compression:
            data = zlib.compress(data, compression)
        info = dumps(
            (
                len(block_ids),
                block_ids[-1],
                block_maxweight,
                compression,
                _length_byte(block_min),
                _length_byte(block_max),
            ),
            2,
        )
        parts += (pack_int(-(len(info) + len(data)) if end >= count else len(info) + len(data)), info, data)
        maxweight = max(maxweight, block_maxweight)
        minlength = block_min if minlength is None else min(minlength, block_min)
        maxlength = max(maxlength, block_max)
    if count >= trailers.TRAILER_FROM:
        parts.append(trailers.trailer(ids, array("f", weights)))
    written = b"".join(parts)
    postfile.write(written)
    terminfo = _TERMINFO(
        False,
        total,
        count,
        _length_byte(minlength),
        _length_byte(maxlength),
        maxweight,
        ids[0],
        ids[-1],
    )
    _add_key(
        self._tindex,
        pack_ushort(self._fieldid) + btext,
        terminfo + pack_long(offset) + pack_int(len(written)),
    )


def _write_one_block(self, btext: bytes, ids, weights, values, table: list[int]) -> None:
    """_write_term of a term whose postings fit in one block: most terms. Without the general
    loop, a term of two postings takes 19-24 µs instead of 28-32."""
    postfile = self._postfile.file
    offset = postfile.tell()
    stored = array("f", weights)
    present = [length for length in map(table.__getitem__, ids) if length] if table else None
    shortest = _length_byte(min(present)) if present else 0
    longest = _length_byte(max(present)) if present else 0
    data = dumps(
        (_deltas(ids), _mini_weights(stored), _mini_values(values, self._format.fixed_value_size())),
        BLOCK_PROTOCOL,
    )
    compression = 0
    if len(data) >= COMPRESS_FROM:
        compression = self._postwriter._compression
        data = zlib.compress(data, compression)
    maxweight = max(0, max(weights))
    info = dumps((len(ids), ids[-1], maxweight, compression, shortest, longest), 2)
    written = b"".join((whoosh3.WHOOSH3_HEADER_MAGIC, pack_int(-len(info) - len(data)), info, data))
    postfile.write(written)
    terminfo = _TERMINFO(False, sum(stored), len(ids), shortest, longest, maxweight, ids[0], ids[-1])
    key = pack_ushort(self._fieldid) + btext
    _add_key(self._tindex, key, terminfo + pack_long(offset) + pack_int(len(written)))


_TERMINFO = whoosh3.W3TermInfo._struct.pack
# length_to_byte of every length it tells apart (it gives 255 from the last on; 0 for none)
_LENGTH_BYTES = bytes(map(length_to_byte, range(_length_byte_cache[-1] + 1)))


def _length_byte(length: int | None) -> int:
    """length_to_byte, from a table."""
    if length is None:
        return 0
    return _LENGTH_BYTES[length] if length < len(_LENGTH_BYTES) else length_to_byte(length)


def _deltas(ids: list[int]) -> tuple[int, ...]:
    return tuple(map(sub, ids, [0, *ids[:-1]]))


def _mini_weights(weights: array):
    """W3PostingsWriter._mini_weights: None when all are 1, one number when all are equal."""
    first = weights[0]
    if weights.count(first) == len(weights):
        return None if first == 1.0 else first
    return tuple(weights)


def _mini_values(values: list[bytes], fixedsize):
    present = [value for value in values if value]
    if fixedsize is None or fixedsize < 0:
        return tuple(present)
    return None if fixedsize == 0 else b"".join(present)


def add_postings_to_pool(self, reader, startdoc: int, docmap: dict | None) -> None:
    """SegmentWriter.add_postings_to_pool, for a merge: a Whoosh 3 segment's terms are read in
    the order its terms table keeps them, each posting list a block at a time, and pooled a term
    at a time. Whoosh looked each term up again by its hash, filtered deleted documents one
    posting at a time and pooled each posting alone: merging a one-article segment of 3,400
    terms took 0.25 s at 130,000 passages."""
    terms = getattr(reader, "_terms", None)
    if not isinstance(self.pool, TermPool) or not isinstance(terms, whoosh3.W3TermsReader):
        return WHOOSH[writing.SegmentWriter, "add_postings_to_pool"](self, reader, startdoc, docmap)
    schema, pool = self.schema, self.pool
    deleted = reader.deleted_docs_set
    # A merged segment is often mostly deleted (a change's segment once the next change replaced
    # its article; the old segment after a re-parse of everything): a term whose documents, by
    # the first and last its statistics give, include no live one is not read at all
    live = [docnum for docnum in range(reader.doc_count_all()) if docnum not in deleted] if deleted else None
    for (fieldname, btext), info in terms.items():
        if fieldname not in schema:
            continue
        if live is not None and not _any_between(live, info.min_id(), info.max_id()):
            continue
        ids, weights, values = _all_postings(terms, info, schema[fieldname].format, (fieldname, btext))
        if deleted:
            kept = [i for i, docnum in enumerate(ids) if docnum not in deleted]
            ids, weights, values = (
                [ids[i] for i in kept],
                [weights[i] for i in kept],
                [values[i] for i in kept],
            )
        if not ids:
            continue
        ids = (
            [docmap[docnum] for docnum in ids]
            if docmap is not None
            else [startdoc + docnum for docnum in ids]
        )
        pool.add_term(fieldname, btext, ids, weights, values)


def _any_between(ordered: list[int], low: int, high: int) -> bool:
    """Whether any of the numbers `ordered` (ascending) is between `low` and `high`, both in."""
    at = bisect_left(ordered, low)
    return at < len(ordered) and ordered[at] <= high


def _all_postings(terms, info, field_format, term) -> tuple[list, list, list]:
    """A term's document numbers, weights and values, as its matcher would give them one by one."""
    if not info.is_inlined():
        try:
            read = _postings_read_by_hand(terms._postfile, info, field_format.fixed_value_size())
        except Exception:  # damaged: its matcher reads it, and says what is wrong
            read = None
        if read is not None:
            return read
    matcher = terms._codec.postings_reader(terms._postfile, info, field_format, term=term)
    if not isinstance(matcher, whoosh3.W3LeafMatcher):  # postings inlined in the terms table
        ids, weights, values = [], [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            values.append(matcher.value())
            matcher.next()
        return ids, weights, values
    return matcher_postings(matcher)


def matcher_postings(matcher: whoosh3.W3LeafMatcher) -> tuple[list, list, list]:
    """A posting list's document numbers, weights and values, as its matcher reads its blocks."""
    ids, weights, values = [], [], []
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        matcher._read_values()
        ids += matcher._ids
        weights += matcher._weights
        values += matcher._values
        matcher._next_block()
    return ids, weights, values


def _postings_read_by_hand(postfile, info, fixedsize) -> tuple[list, list, list] | None:
    """_all_postings of a list in the postings file: its extent read at once, split into blocks
    by hand (positions.block_header) and each block unpickled once, its ids, weights and values
    expanded as W3LeafMatcher does, instead of a matcher that seeks, reads and unpickles each
    block's header alone (a merge of nine one-article segments reads 30,000 lists: its commit
    went from 1.46-1.86 to 1.24-1.58 s). None for a list not in that form (its matcher reads it,
    and says what is wrong)."""
    length = info._length[0] if isinstance(info._length, tuple) else info._length  # see positions
    extent = postfile.get(info._offset, length)
    if not extent.startswith(whoosh3.WHOOSH3_HEADER_MAGIC):
        return None
    ids, weights, values = [], [], []
    i = len(whoosh3.WHOOSH3_HEADER_MAGIC)
    while True:
        size = int.from_bytes(extent[i : i + 4], "big", signed=True)
        end = i + 4 + abs(size)
        header = block_header(extent, i + 4)
        if header is None:
            return None
        count, compression, start = header
        data = zlib.decompress(extent[start:end]) if compression else extent[start:end]
        deltas, block_weights, block_values = restricted_loads(data)
        block_ids = list(accumulate(deltas))  # each block's numbers count from 0
        if not _ordered_numbers(block_ids, count, ids[-1] if ids else -1):
            return None
        ids += block_ids
        if block_weights is None:
            weights += array("f", [1.0]) * count
        elif isinstance(block_weights, float):
            weights += array("f", [block_weights]) * count
        else:
            weights += block_weights
        if fixedsize is None or fixedsize < 0:
            values += block_values
        elif fixedsize == 0:
            values += (None,) * count
        elif isinstance(block_values, bytes):
            values += [block_values[k : k + fixedsize] for k in range(0, len(block_values), fixedsize)]
        else:
            return None
        if size < 0:
            return ids, weights, values
        i = end


def _ordered_numbers(block_ids: list, count: int, before: int) -> bool:
    """Whether a block's document numbers are `count` integers, each above the one before."""
    return (
        len(block_ids) == count
        and all(type(number) is int for number in block_ids)
        and all(a < b for a, b in zip([before, *block_ids], block_ids, strict=False))
    )


def _md5_hash(key: bytes) -> int:
    """filetables.md5_hash: the digest's last four bytes, without going through hexadecimal."""
    return int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")


def _add_key(table, key: bytes, value: bytes) -> None:
    """OrderedHashWriter.add, in one write."""
    if key <= table.lastkey:
        raise ValueError(f"Keys must increase: {table.lastkey!r}..{key!r}")
    dbfile = table.dbfile.file
    position = dbfile.tell()
    table.index.append(position)
    dbfile.write(_LENGTHS.pack(len(key), len(value)) + key + value)
    digest = _md5_hash(key) if table.hashfn is md5_hash else table.hashfn(key)
    table.buckets[digest & 255].append((digest, position))
    table.lastkey = key


# What install() replaces, and Whoosh's originals
OURS = {
    (writing, "PostingPool"): TermPool,
    (whoosh3.W3FieldWriter, "add_postings"): add_postings,
    (writing.SegmentWriter, "add_postings_to_pool"): add_postings_to_pool,
    (writing.SegmentWriter, "add_document"): adding.add_document,
}
WHOOSH = {(owner, name): getattr(owner, name) for owner, name in OURS}


def install() -> None:
    """Make every segment written in this process (and the processes it forks) use them."""
    for (owner, name), replacement in OURS.items():
        setattr(owner, name, replacement)
