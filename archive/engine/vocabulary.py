"""Every term of a field with its statistics (total weight, documents with it) as NumPy arrays:
a passage's key words (related passages) weigh each of its 90-odd distinct words by how common it
is, and a search's idf asks the same of each query word.

Looked up one word at a time in each segment's terms table, the statistics took 1 ms of every
paragraph page at 130,000 passages (a sixth of its CPU): most of a passage's words are rare, so
a cache of recent words missed one time in five, and a miss costs a lookup in each segment.
Here the segments' statistics are added up once per index generation, and a page's words are
found with one binary search each. A segment's terms never change (deletions do not touch its
terms table, and Whoosh's statistics count deleted documents too), so a segment's arrays are
read once, when it first appears: about 0.4 s for 75,000 passages.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import W3TermInfo

from .sets import unique_inverse

FIELD_KEY = struct.Struct(">H")  # a term's key in Whoosh 3's terms table: its field's number, then its bytes


@dataclass(frozen=True)
class SegmentTerms:
    """Terms of a field (one segment's, or all of an index's added up): their hashes sorted, and
    each one's statistics. Python's hash of the term's bytes (salted per process, as these arrays
    are): two terms sharing 64 bits, or a word not indexed having those of one that is, is the
    only way a word gets another's statistics."""

    hashes: np.ndarray
    weights: np.ndarray
    counts: np.ndarray

    @classmethod
    def read(cls, reader, fieldname: str) -> SegmentTerms | None:
        """The segment's terms of the field, from its Whoosh 3 terms table; None for any other
        kind of reader (the statistics are then looked up word by word)."""
        terms = getattr(reader, "_terms", None)
        table = getattr(terms, "_tindex", None)
        fieldmap = getattr(terms, "_fieldmap", None)
        if table is None or fieldmap is None:
            return None
        prefix = FIELD_KEY.pack(fieldmap.get(fieldname, 65535))
        dbfile, head = table.dbfile, W3TermInfo._struct
        hashes, weights, counts = [], [], []
        for keypos, keylen, datapos, _ in table.ranges_from(prefix):
            key = dbfile.get(keypos, keylen)
            if not key.startswith(prefix):  # the next field's terms: the table is in key order
                break
            values = head.unpack(dbfile.get(datapos, head.size))
            hashes.append(hash(key[len(prefix) :]))
            weights.append(values[1])  # as W3TermInfo.from_bytes reads them
            counts.append(values[2])
        return cls.of(
            np.asarray(hashes, dtype=np.int64), np.asarray(weights), np.asarray(counts, dtype=np.int64)
        )

    @classmethod
    def of(cls, hashes: np.ndarray, weights: np.ndarray, counts: np.ndarray) -> SegmentTerms:
        """The terms in hash order, the statistics of a hash found more than once (a term in
        several segments) added up."""
        order = np.argsort(hashes, kind="stable")
        ordered = hashes[order]
        if not (ordered[1:] == ordered[:-1]).any():
            return cls(ordered, weights[order].astype(np.float64), counts[order].astype(np.int64))
        unique_hashes, inverse = unique_inverse(hashes)
        return cls(
            unique_hashes,
            np.bincount(inverse, weights=weights, minlength=len(unique_hashes)),
            np.bincount(inverse, weights=counts, minlength=len(unique_hashes)).astype(np.int64),
        )

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(total weights, document counts) of the terms whose hashes are `keys`, 0 for those
        not found."""
        if not len(self.hashes):
            return np.zeros(len(keys)), np.zeros(len(keys), dtype=np.int64)
        at = np.minimum(np.searchsorted(self.hashes, keys), len(self.hashes) - 1)
        found = self.hashes[at] == keys
        return np.where(found, self.weights[at], 0.0), np.where(found, self.counts[at], 0)


class Vocabulary:
    """A field's term statistics over every segment of one index generation, added up once: a
    page's words are then one binary search each, instead of one a segment (cold in memory,
    each took about 3 µs)."""

    def __init__(self, segments: list[SegmentTerms]):
        if len(segments) == 1:
            self.terms = segments[0]
        else:
            self.terms = SegmentTerms.of(
                np.concatenate([s.hashes for s in segments] or [np.empty(0, dtype=np.int64)]),
                np.concatenate([s.weights for s in segments] or [np.empty(0)]),
                np.concatenate([s.counts for s in segments] or [np.empty(0, dtype=np.int64)]),
            )

    def statistics(self, words: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """(total weights, document counts) of each word, all segments added up."""
        keys = np.fromiter((hash(word.encode("utf-8")) for word in words), np.int64)
        return self.terms.lookup(keys)


def vocabulary(searcher_leaves: list, fieldname: str, known: dict) -> Vocabulary | None:
    """The field's vocabulary over the segments (positions.leaves), each segment's terms read
    once and kept in `known` (by segment id and field; a segment no longer there is dropped).
    None when a segment's terms cannot be read as arrays."""
    segments, seen = [], set()
    for sub, _offset in searcher_leaves:
        reader = sub.reader()
        key = (reader.segment().segment_id(), fieldname)
        seen.add(key)
        if key not in known:
            known[key] = SegmentTerms.read(reader, fieldname)
        segments.append(known[key])
    for key in [k for k in known if k[1] == fieldname and k not in seen]:
        del known[key]
    if any(segment is None for segment in segments):
        return None
    return Vocabulary(segments)
