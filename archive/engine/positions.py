"""Posting blocks read as NumPy arrays, and phrases checked on positions in candidate documents.

Whoosh decodes a block's document numbers one at a time in Python, and matches a phrase by
walking every document that has all its words, span by span: a common phrase took 1.5 s on
130,000 passages. Here a block's numbers are one cumulative sum, and a phrase's positions are
read only for the documents that have every word (found on whole posting lists first), only in
the blocks that hold them. Positions are decoded with the restricted unpickler (trust.py).
"""

from __future__ import annotations

import zlib
from itertools import accumulate

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3LeafMatcher, W3TermInfo
from whoosh.matching import wrappers
from whoosh.reading import TermNotFound
from whoosh.system import _INT_SIZE

from .sets import in_sorted
from .trailers import trailer_postings
from .trust import restricted_loads

IDS = np.int64
EMPTY_IDS = np.empty(0, dtype=IDS)


def leaf_matcher(reader, fieldname: str, text):
    """The raw posting matcher of a term in one segment (deleted documents are removed later,
    by intersecting with the live documents), or None when the segment lacks the term. The term
    is looked up once: Whoosh's `in` and then `postings` looked it up twice, and wrapped the
    matcher in a deletion filter that read ahead past deleted documents (together a fifth of a
    related-passages query)."""
    terms = getattr(reader, "_terms", None)
    if terms is None or not hasattr(terms, "_codec"):  # not a Whoosh 3 segment: Whoosh's way
        if (fieldname, text) not in reader:
            return None
        matcher = reader.postings(fieldname, text)
        return matcher.child if isinstance(matcher, wrappers.FilterMatcher) else matcher
    try:
        tbytes = reader._text_to_bytes(fieldname, text)
        if lacks(reader, terms, fieldname, tbytes):
            return None
        info = terms.term_info(fieldname, tbytes)
    except TermNotFound:
        return None
    field_format = reader.schema[fieldname].format
    return terms._codec.postings_reader(terms._postfile, info, field_format, term=(fieldname, tbytes))


# A segment of at most this many documents (a reindex of a few articles) keeps its terms' keys in
# memory once read: most of a query's words are not in it, and Whoosh finds a missing key by
# hashing it and reading its bucket (5-10 us a word and segment; a paragraph page's related
# passages look up about 70 words in each segment). About 100 keys a document, 7 ms to read.
SMALL_SEGMENT_DOCS = 1_000


def lacks(reader, terms, fieldname: str, tbytes: bytes) -> bool:
    """Whether a small segment (SMALL_SEGMENT_DOCS) lacks the term, from its keys in memory;
    False for any other segment (its terms table says)."""
    if reader.doc_count_all() > SMALL_SEGMENT_DOCS:
        return False
    keys = terms.__dict__.get("_archive_keys")
    if keys is None:  # two threads may both read them: the same set
        keys = terms._archive_keys = frozenset(terms._tindex.keys())
    return terms._keycoder(fieldname, tbytes) not in keys


def leaf_postings(reader, fieldname: str, text) -> tuple[np.ndarray, np.ndarray] | None:
    """(document numbers, weights) of a term in one segment, deleted documents included; None
    when the segment lacks the term. A Whoosh 3 posting list is read from its trailer (trailers.py),
    else as one slice of the postings file split into blocks by hand (see extent_postings);
    anything else through its matcher."""
    terms = getattr(reader, "_terms", None)
    if terms is None or not hasattr(terms, "_codec"):
        matcher = leaf_matcher(reader, fieldname, text)
        return None if matcher is None else read_postings(matcher)
    try:
        tbytes = reader._text_to_bytes(fieldname, text)
        if lacks(reader, terms, fieldname, tbytes):
            return None
        info = terms.term_info(fieldname, tbytes)
    except TermNotFound:
        return None
    if not info.is_inlined():
        length = info._length  # W3TermInfo.from_bytes leaves it a 1-tuple
        length = length[0] if isinstance(length, tuple) else length
        postfile = terms._postfile
        documents = reader.doc_count_all()
        read = trailer_postings(postfile, info._offset, length, documents)
        if read is None:
            read = extent_postings(postfile.get(info._offset, length), documents)
        if read is not None:
            return read
    field_format = reader.schema[fieldname].format
    return read_postings(terms._codec.postings_reader(terms._postfile, info, field_format))


def term_totals(reader, fieldname: str, text) -> tuple[float, int] | None:
    """(total weight, documents) of a term in one segment, None when the segment lacks it: read
    from the head of its entry in the terms table. Whoosh's term_info also unpickled the postings
    a rare term keeps in that entry (most terms), through more layers: three quarters of finding
    a passage's key words (related passages)."""
    terms = getattr(reader, "_terms", None)
    if terms is None or not hasattr(terms, "_codec"):
        try:
            info = reader.term_info(fieldname, text)
        except TermNotFound:
            return None
        return info.weight(), info.doc_frequency()
    try:
        tbytes = reader._text_to_bytes(fieldname, text)
        if lacks(reader, terms, fieldname, tbytes):
            return None
        position, _ = terms._tindex.range_for_key(terms._keycoder(fieldname, tbytes))
    except (KeyError, TermNotFound):
        return None
    values = W3TermInfo._struct.unpack(terms._dbfile.get(position, W3TermInfo._struct.size))
    return values[1], values[2]  # as W3TermInfo.from_bytes reads them


def extent_postings(extent: bytes, documents: int) -> tuple[np.ndarray, np.ndarray] | None:
    """A posting list's blocks split by hand: after Whoosh's 4-byte tag, each block is its length
    (negative for the last), the pickle of its (count, last id, top weight, compression, shortest
    and longest length) and its data. None for anything else (the matcher reads it then). The
    matcher sought, read and unpickled each block's header on its own. Document numbers out of
    order or outside the segment's `documents` (a damaged segment file) give None too."""
    if not extent.startswith(WHOOSH3_HEADER_MAGIC):
        return None
    i, ids, weights = len(WHOOSH3_HEADER_MAGIC), [], []
    try:
        while True:
            length = int.from_bytes(extent[i : i + 4], "big", signed=True)
            i += 4
            end = i + abs(length)
            header = block_header(extent, i)
            if header is None:
                return None
            count, compression, start = header
            if not 0 < count <= MAX_BLOCK:
                return None
            data = zlib.decompress(extent[start:end]) if compression else extent[start:end]
            read = plain_ids_and_weights(data, count)
            if read is None:
                return None
            ids.append(read[0])
            weights.append(read[1])
            if length < 0:
                break
            i = end
    except (IndexError, zlib.error):
        return None
    ids = np.concatenate(ids)
    if ids[0] < 0 or ids[-1] >= documents or (len(ids) > 1 and (np.diff(ids) <= 0).any()):
        return None
    return ids, np.concatenate(weights)


MAX_BLOCK = 2**16  # postings a block may hold here (Whoosh writes 128)
ITEM_SIZES = {0x4B: 2, 0x4D: 3, 0x4A: 5, 0x47: 9}  # K, M, J: ints of 1, 2, 4 bytes; G: a float


def block_header(data: bytes, i: int) -> tuple[int, int, int] | None:
    """(count, compression, where the block's data starts) from its header's pickle, when it is
    the plain six-number tuple Whoosh writes (PROTO 2, MARK, items, TUPLE, BINPUT, STOP)."""
    if data[i : i + 3] != b"\x80\x02(":
        return None
    i += 3
    items = []
    for _ in range(6):
        size = ITEM_SIZES.get(data[i])
        if size is None or (size == 9 and len(items) != 2):  # only the top weight is a float
            return None
        items.append(int.from_bytes(data[i + 1 : i + size], "little", signed=data[i] == 0x4A))
        i += size
    if data[i : i + 2] != b"tq" or data[i + 3] != 0x2E:  # TUPLE, BINPUT n, STOP
        return None
    return items[0], items[3], i + 4


def leaves(searcher):
    """(segment searcher, first document number) of each segment that has documents: an empty
    index has one reader with no postings, columns or deletion set at all."""
    return [(sub, offset) for sub, offset in searcher.leaf_searchers() if sub.reader().doc_count_all()]


def leaf_reader(segments: list, docnum: int):
    """(segment reader, number within it) of a document, from leaves()."""
    for sub, offset in reversed(segments):
        if docnum >= offset:
            return sub.reader(), docnum - offset
    raise IndexError(docnum)


def _block_data(matcher: W3LeafMatcher) -> tuple:
    if matcher._data is None:
        matcher._read_data()
    return matcher._data


def block_ids(matcher: W3LeafMatcher) -> np.ndarray:
    """The document numbers of the matcher's current block (stored as deltas)."""
    return np.cumsum(np.asarray(_block_data(matcher)[0], dtype=IDS))


def block_weights(matcher: W3LeafMatcher, count: int) -> np.ndarray:
    """The weights of the current block: stored as None when all are 1, one number when equal."""
    weights = _block_data(matcher)[1]
    if weights is None:
        return np.ones(count)
    if isinstance(weights, float):
        return np.full(count, weights)
    return np.asarray(weights, dtype=np.float64)


def read_postings(matcher) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, weights) of a posting list, a block at a time."""
    if isinstance(matcher, W3LeafMatcher):
        ids, weights = [], []
        while matcher.is_active():
            block, block_w = block_postings(matcher)
            ids.append(block)
            weights.append(block_w)
            matcher._next_block()
        if ids:
            return np.concatenate(ids), np.concatenate(weights)
        return EMPTY_IDS, np.empty(0)
    ids, weights = [], []  # short lists inlined in the term info
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=IDS), np.array(weights, dtype=np.float64)


def block_postings(matcher: W3LeafMatcher) -> tuple[np.ndarray, np.ndarray]:
    """The document numbers and weights of the matcher's current block. A block is the pickle of
    (ids, weights, values); the values (a term's positions, which the unpickler spends most of its
    time on) are not needed here, so the ids and weights are read from the pickle's front by hand
    when they are in Whoosh's plain form, and the block is unpickled otherwise."""
    if matcher._data is None:
        data = matcher._postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
        if matcher._compression:
            data = zlib.decompress(data)
        read = plain_ids_and_weights(data, matcher._blocklength)
        if read is not None:
            return read
    return block_ids(matcher), block_weights(matcher, matcher._blocklength)


# A block's pickle, as Whoosh writes it (protocol 2) or the archive (3: the same opcodes for
# these, see postings.BLOCK_PROTOCOL): PROTO, MARK, the ids' deltas (each K, M or J: one, two or
# four bytes), TUPLE, a memo put; then the weights: None (N), one float (G, eight bytes
# big-endian), or MARK, one G each, TUPLE. Tuples of three or fewer have an opcode of their own.
PROTOCOLS = (b"\x80\x02", b"\x80\x03")
BLOCK_STARTS = tuple(protocol + b"(" for protocol in PROTOCOLS)
FLOATS = np.dtype([("op", "u1"), ("value", ">f8")])


# Tuples of one to three items have an opcode of their own, after the items, and no MARK.
SHORT_TUPLES = {1: 0x85, 2: 0x86, 3: 0x87}


def plain_ids_and_weights(data: bytes, count: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(document numbers, weights) from the front of a block's pickle, or None when it is not in
    the plain form this reads. Most terms are rare: their one block of one to three postings is
    read here too, not by the unpickler."""
    short = count in SHORT_TUPLES
    if count < 1 or not data.startswith(PROTOCOLS if short else BLOCK_STARTS):
        return None
    try:
        deltas, i = _deltas(data, 2 if short else 3, count)
        if deltas is None or data[i] != (SHORT_TUPLES[count] if short else 0x74):  # TUPLE
            return None
        i += {0x71: 2, 0x72: 5}.get(data[i + 1], 0) + 1  # BINPUT, LONG_BINPUT (memo), or none
        weights = _short_weights(data, i, count) if short else _weights(data, i, count)
    except (IndexError, ValueError):  # cut short (ValueError: from NumPy)
        return None
    if weights is None:
        return None
    return np.cumsum(deltas, dtype=IDS), weights


def _deltas(data: bytes, i: int, count: int) -> tuple[np.ndarray | None, int]:
    out = np.empty(count, dtype=IDS)
    k = 0
    while k < count:
        rest = count - k
        if data[i : i + 2 * rest : 2] == b"K" * rest:  # the usual tail: all one byte
            out[k:] = np.frombuffer(data, np.uint8, 2 * rest, i)[1::2]
            return out, i + 2 * rest
        op = data[i]
        if op == 0x4B:  # K
            out[k] = data[i + 1]
            i += 2
        elif op == 0x4D:  # M
            out[k] = data[i + 1] | data[i + 2] << 8
            i += 3
        elif op == 0x4A:  # J
            out[k] = int.from_bytes(data[i + 1 : i + 5], "little", signed=True)
            i += 5
        else:
            return None, i
        k += 1
    return out, i


def _weights(data: bytes, i: int, count: int) -> np.ndarray | None:
    op = data[i]
    if op == 0x4E:  # None: every weight is 1
        return np.ones(count)
    if op == 0x47:  # one float for all
        return np.full(count, np.frombuffer(data, ">f8", 1, i + 1)[0], dtype=np.float64)
    end = i + 1 + 9 * count
    if op != 0x28 or data[end] != 0x74 or data[i + 1 : end : 9] != b"G" * count:
        return None
    return np.frombuffer(data, FLOATS, count, i + 1)["value"].astype(np.float64)


# What may follow a float inside a tuple (a number, a boolean, the tuple's end), never the values.
TUPLE_ITEMS = frozenset(b"GKMJIL\x88\x89\x85\x86\x87")


def _short_weights(data: bytes, i: int, count: int) -> np.ndarray | None:
    """The weights of a block of one to three postings: None, one float, or a float each and
    the tuple's opcode (one float is followed by the values, which never start like a tuple's
    next item)."""
    op = data[i]
    if op == 0x4E:  # None: every weight is 1
        return np.ones(count)
    if op != 0x47:
        return None
    if data[i + 9] not in TUPLE_ITEMS:  # one float for all (IndexError when cut short)
        return np.full(count, np.frombuffer(data, ">f8", 1, i + 1)[0], dtype=np.float64)
    end = i + 9 * count
    if data[i:end:9] != b"G" * count or data[end] != SHORT_TUPLES[count]:
        return None
    return np.frombuffer(data, FLOATS, count, i)["value"].astype(np.float64)


# Whoosh's Positions value: a count, then the list of position deltas pickled with protocol 2:
# "\x80\x02]q\x00" (a list, memoised), then one item and "a" or "(" items "e", each item K
# (one byte), M (two, little-endian) or J (four, signed); the closing "." may be cut off.
LIST_START = b"\x80\x02]q\x00"


def decode_positions(value: bytes) -> list[int]:
    """The positions of a posting. The pickle is read by hand (a phrase of two common words
    decodes 300,000 of them): anything but the plain list Whoosh writes goes to the restricted
    unpickler."""
    body = value[_INT_SIZE:]
    try:
        deltas = _plain_deltas(body) if body.startswith(LIST_START) else None
    except IndexError:  # cut short: the unpickler says what is wrong with it
        deltas = None
    if deltas is None:
        deltas = restricted_loads(body if body.endswith(b".") else body + b".")
    return list(accumulate(deltas))


def _plain_deltas(body: bytes) -> list[int] | None:
    start = len(LIST_START)
    many = body[start : start + 1] == b"("
    i, end, deltas = start + many, len(body), []
    while i < end:
        op = body[i]
        if op == 0x4B:  # K
            deltas.append(body[i + 1])
            i += 2
        elif op == 0x4D:  # M
            deltas.append(body[i + 1] | body[i + 2] << 8)
            i += 3
        elif op == 0x4A:  # J
            deltas.append(int.from_bytes(body[i + 1 : i + 5], "little", signed=True))
            i += 5
        else:
            break
    closing = b"e" if many else b"a"  # APPENDS after a mark, or one APPEND
    if body[i : i + 1] != closing or body[i + 1 :] not in (b"", b".") or (not many and len(deltas) != 1):
        return None
    return deltas


def term_positions(matcher, wanted: np.ndarray) -> dict[int, list[int]]:
    """A term's positions in each of the `wanted` documents (sorted segment numbers) it is in."""
    found: dict[int, list[int]] = {}
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            last = matcher.block_max_id()  # from the block's header: its numbers stay unread
            if last >= wanted[0]:
                ids = block_ids(matcher)
                hits = np.flatnonzero(in_sorted(ids, wanted))
                if len(hits):
                    matcher._read_values()
                    values = matcher._values
                    for k in hits.tolist():
                        found[int(ids[k])] = decode_positions(values[k])
            if last >= wanted[-1]:
                break
            matcher._next_block()
        return found
    wanted_set = set(wanted.tolist())
    while matcher.is_active():
        if matcher.id() in wanted_set:
            found[matcher.id()] = decode_positions(matcher.value())
        matcher.next()
    return found


def in_order(positions: list[list[int]], slop: int) -> bool:
    """Whether each word follows the one before it by 1 to `slop` positions (Whoosh's phrase)."""
    reach = set(positions[0])
    for following in positions[1:]:
        if slop <= 1:
            reach = {p for p in following if p - 1 in reach}
        else:
            reach = {p for p in following if any(0 < p - r <= slop for r in reach)}
        if not reach:
            return False
    return True


def phrase_documents(
    searcher, fieldname: str, words: list, candidates: np.ndarray, slop: int = 1
) -> np.ndarray:
    """Which `candidates` (sorted document numbers that have every word) have the words in order."""
    found: list[int] = []
    for sub, offset in leaves(searcher):
        reader = sub.reader()
        inside = (candidates >= offset) & (candidates < offset + reader.doc_count_all())
        local = candidates[inside] - offset
        if not len(local):
            continue
        matchers = [leaf_matcher(reader, fieldname, word) for word in words]
        if any(m is None for m in matchers):
            continue
        per_word = [term_positions(m, local) for m in matchers]
        for doc in local.tolist():
            lists = [positions.get(doc) for positions in per_word]
            if all(lists) and in_order(lists, slop):
                found.append(doc + offset)
    return np.array(found, dtype=IDS)
