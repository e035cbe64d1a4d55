"""A long posting list's document numbers and weights as plain arrays, after its blocks.

Whoosh keeps a list in blocks of 128 postings, each a pickle of (ids, weights, values); reading a
common word's 30,000 postings meant decoding 235 of them in Python (16-26 us each), most of what a
new query of common words cost. The writer (postings.py) appends the whole list's ids and weights
to its extent in the postings file, after the last block, where Whoosh's own readers never look
(they stop at the block whose length is negative); a search reads them with two slices.

Layout, little-endian: the gaps between document numbers (count - 1 of them, 1, 2 or 4 bytes
each: the narrowest that holds the largest), the weights (see WEIGHTS), then a footer: count
(u32), first document number (u32), gap width (u8), weight kind (u8), two zero bytes, MAGIC.
A segment file is not signed (only the table of contents is, trust.py): a footer or arrays that
do not add up, document numbers out of order or past the segment's end, are not used.
"""

from __future__ import annotations

import struct
from array import array

import numpy as np

MAGIC = b"NPiw"
FOOTER = struct.Struct("<IIBBH")
FOOTER_SIZE = FOOTER.size + len(MAGIC)
TRAILER_FROM = 129  # postings: lists of more than one block (a single block reads fast enough)
GAPS = {1: np.dtype("<u1"), 2: np.dtype("<u2"), 4: np.dtype("<u4")}
# Weight kinds: all 1 (nothing stored), one float for all, a byte each (whole numbers to 255,
# the usual term frequencies), a float each.
ONES, ONE, BYTES, FLOATS = range(4)
WEIGHTS = {
    ONES: (None, 0),
    ONE: (np.dtype("<f4"), None),
    BYTES: (np.dtype("u1"), 1),
    FLOATS: (np.dtype("<f4"), 4),
}


def trailer(ids: list[int], weights: array) -> bytes:
    """The arrays of a list of TRAILER_FROM postings or more; `weights` at the precision the
    blocks keep them (float32), so both give the same numbers."""
    numbers = np.asarray(ids, dtype=np.int64)
    gaps = np.diff(numbers)
    top = int(gaps.max()) if len(gaps) else 0
    width = 1 if top < 2**8 else 2 if top < 2**16 else 4
    stored = np.frombuffer(weights, dtype=np.float32)
    if (stored == 1).all():
        kind, weight_bytes = ONES, b""
    elif (stored == stored[0]).all():
        kind, weight_bytes = ONE, stored[:1].astype("<f4").tobytes()
    elif (stored >= 0).all() and (stored <= 255).all() and (stored == np.round(stored)).all():
        kind, weight_bytes = BYTES, stored.astype("u1").tobytes()
    else:
        kind, weight_bytes = FLOATS, stored.astype("<f4").tobytes()
    footer = FOOTER.pack(len(ids), ids[0], width, kind, 0) + MAGIC
    return gaps.astype(GAPS[width]).tobytes() + weight_bytes + footer


def trailer_postings(
    postfile, offset: int, length: int, documents: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """(document numbers, weights) from the trailer of the list at `offset` (its whole extent is
    `length` bytes) in a segment of `documents` documents; None when it has none or it is not sound."""
    if length < len(b"....") + FOOTER_SIZE:
        return None
    end = offset + length
    footer = postfile.get(end - FOOTER_SIZE, FOOTER_SIZE)
    if footer[FOOTER.size :] != MAGIC:
        return None
    count, first, width, kind, _ = FOOTER.unpack(footer[: FOOTER.size])
    if count < 1 or width not in GAPS or kind not in WEIGHTS:
        return None
    weight_type, each = WEIGHTS[kind]
    weight_size = 0 if weight_type is None else weight_type.itemsize if each is None else each * count
    size = (count - 1) * width + weight_size
    start = end - FOOTER_SIZE - size
    if start < offset + 4:  # the arrays cannot reach into Whoosh's tag
        return None
    data = postfile.get(start, size)
    gaps = np.frombuffer(data, GAPS[width], count - 1)
    if (gaps == 0).any():
        return None
    ids = np.empty(count, dtype=np.int64)
    ids[0] = first
    np.cumsum(gaps, out=ids[1:], dtype=np.int64)
    ids[1:] += first
    if ids[-1] >= documents:
        return None
    return ids, _weights(data[(count - 1) * width :], kind, count)


def _weights(data: bytes, kind: int, count: int) -> np.ndarray:
    if kind == ONES:
        return np.ones(count)
    if kind == ONE:
        return np.full(count, np.frombuffer(data, "<f4", 1)[0], dtype=np.float64)
    return np.frombuffer(data, WEIGHTS[kind][0], count).astype(np.float64)
