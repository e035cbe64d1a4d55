"""Every term of a field with its statistics (total weight, documents with it), per segment, as
NumPy arrays: a passage's key words (related passages) weigh each of its 90-odd distinct words by
how common it is, and a search's idf asks the same of each query word.

Looked up one word at a time in each segment's terms table, the statistics took 1 ms of every
paragraph page at 130,000 passages (a sixth of its CPU): most of a passage's words are rare, so
a cache of recent words missed one time in five, and a miss costs a lookup in each segment.
Here a page's words are found with one binary search per segment. A segment's terms never change
(deletions do not touch its terms table, and Whoosh's statistics count deleted documents too), so
a segment's arrays are read once, when it first appears: about 0.4 s for 75,000 passages.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import W3TermInfo

FIELD_KEY = struct.Struct(">H")  # a term's key in Whoosh 3's terms table: its field's number, then its bytes


@dataclass(frozen=True)
class SegmentTerms:
    """One segment's terms of a field: their keys' hashes sorted, and each one's statistics.
    Python's hash of the key's bytes (salted per process, as these arrays are): two of a
    segment's terms sharing 64 bits, or a word missing from it having those of one it has, is
    the only way a word gets another's statistics."""

    hashes: np.ndarray
    weights: np.ndarray
    counts: np.ndarray
    prefix: bytes  # the field's number as the table keys it

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
            hashes.append(hash(key))
            weights.append(values[1])  # as W3TermInfo.from_bytes reads them
            counts.append(values[2])
        order = np.argsort(np.asarray(hashes, dtype=np.int64), kind="stable")
        return cls(
            np.asarray(hashes, dtype=np.int64)[order],
            np.asarray(weights, dtype=np.float64)[order],
            np.asarray(counts, dtype=np.int64)[order],
            prefix,
        )

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(total weights, document counts) of the terms whose key hashes are `keys`, 0 for
        those the segment lacks."""
        if not len(self.hashes):
            return np.zeros(len(keys)), np.zeros(len(keys), dtype=np.int64)
        at = np.minimum(np.searchsorted(self.hashes, keys), len(self.hashes) - 1)
        found = self.hashes[at] == keys
        return np.where(found, self.weights[at], 0.0), np.where(found, self.counts[at], 0)


class Vocabulary:
    """A field's term statistics over every segment of one index generation."""

    def __init__(self, segments: list[SegmentTerms]):
        self.segments = segments

    def statistics(self, words: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """(total weights, document counts) of each word, all segments added up."""
        encoded = [word.encode("utf-8") for word in words]
        weights, counts = np.zeros(len(encoded)), np.zeros(len(encoded), dtype=np.int64)
        for segment in self.segments:
            keys = np.fromiter((hash(segment.prefix + each) for each in encoded), np.int64, len(encoded))
            found_weights, found_counts = segment.lookup(keys)
            weights += found_weights
            counts += found_counts
        return weights, counts


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
