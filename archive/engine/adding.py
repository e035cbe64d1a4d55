"""A document's postings as SegmentWriter.add_document makes them, a field at a time.

Whoosh runs each field through its analyzer's token objects, a format that counts them and
pickles each term's positions alone, and hands the pool one posting per call. A passage's text is
three such fields, and each of an article's passages repeats its title, author and section. Here
the archive's analyzer gives a field's terms and positions in one loop, a term's positions are
encoded once per distinct list, short values the segment has seen (a title, a section heading,
a year) reuse their postings, and the pool takes a field's postings at once. The postings are the
ones Whoosh's writer makes; a block whose postings share one value object pickles it once and
refers back to it (tests/test_postings.py)."""

from __future__ import annotations

from collections.abc import Callable
from pickle import dumps

from whoosh import formats, writing
from whoosh.analysis import RegexTokenizer
from whoosh.system import pack_uint

from . import pairs
from .analysis import MixedScriptAnalyzer, term_positions

# Values this short (a title, a heading, an author, an id) are remembered with their postings
# for the rest of the segment; most are repeated in each of an article's passages. Short
# passages are remembered too, and rarely repeated: at most a few kilobytes each, 4,096 of them.
REMEMBERED_CHARS = 300
REMEMBERED_VALUES = 4_096  # then the memory starts over (0: nothing remembered)
ENCODED_LISTS = 100_000  # lists of one or two positions whose encoding is kept, likewise

# A field's postings of one document: (term bytes, frequency, weight, value bytes)
Posting = tuple[bytes, int, float, bytes]
_encoded: dict[int | tuple[int, ...], bytes] = {}  # by the positions (one: the number)


def add_document(self, **fields) -> None:
    """SegmentWriter.add_document, for schemas without spelling words or term vectors (the
    archive's); the others are added by Whoosh's own. A passage's word pairs are made here, with
    the common words the writer was given (writing.Batch.use_common_words)."""
    plain = self.__dict__.get("_plain_schema")
    if plain is None:
        plain = self.__dict__["_plain_schema"] = _plain(self.schema)
    keys = None  # a passage's word pairs, its `pairs` field's terms
    if pairs.BODY in fields:
        if not plain:
            return WHOOSH_ADD(self, **pairs.with_body_pairs(fields, self.__dict__.get("pair_words")))
        keys = pairs.document_keys(fields, self.__dict__.get("pair_words"))
        fields = {name: value for name, value in fields.items() if name != pairs.BODY}
        fields[pairs.FIELD] = keys or None
    elif not plain:
        return WHOOSH_ADD(self, **fields)
    self._check_state()
    perdocwriter, schema, docnum = self.perdocwriter, self.schema, self.docnum
    docboost = self._doc_boost(fields)
    fieldnames = sorted(name for name in fields if not name.startswith("_"))
    self._check_fields(schema, fieldnames)
    remembered = self.__dict__.setdefault("_remembered_postings", {})
    perdocwriter.start_doc(docnum)
    try:
        for fieldname in fieldnames:
            value = fields[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                boost = self._field_boost(fields, fieldname, docboost)
                if keys is not None and fieldname == pairs.FIELD:
                    found = _keys_postings(field, keys)
                else:
                    found = field_postings(field, fieldname, value, remembered)
                length = _pool_adder(self.pool)(fieldname, docnum, found, boost, field.scorable)
            stored = fields.get(f"_stored_{fieldname}", value)
            perdocwriter.add_field(fieldname, field, stored if field.stored else None, length)
            if field.column_type and stored is not None:
                perdocwriter.add_column_value(fieldname, field.column_type, field.to_column_value(stored))
    except Exception:
        perdocwriter.cancel_doc()
        raise
    perdocwriter.finish_doc()
    self._added = True
    self.docnum += 1


def _plain(schema) -> bool:
    return not any(field.vector or field.separate_spelling() for _, field in schema.items())


def _pool_adder(pool) -> Callable[..., int]:
    """How the pool takes one field's postings of a document; returns the field's length."""
    adder = getattr(pool, "add_field_postings", None)
    return adder if adder is not None else lambda *args: _add_one_by_one(pool, *args)


def _add_one_by_one(pool, fieldname: str, docnum: int, found, boost: float, scorable: bool) -> int:
    length = 0
    for btext, freq, weight, value in found:
        if scorable:
            length += freq
        pool.add((fieldname, btext, docnum, weight * boost, value))
    return length


def field_postings(field, fieldname: str, value, remembered: dict) -> list[Posting]:
    """What field.index(value) gives, as a list; remembered in `remembered` for a short value."""
    kind = type(value)
    if kind is not int and (kind is not str or len(value) > REMEMBERED_CHARS):
        # Only strings and integers: other values equal to each other may index differently
        # (0.0 and -0.0, one instant in two time zones)
        return _postings(field, value)
    key = (fieldname, kind, value)
    found = remembered.get(key)
    if found is None:
        if len(remembered) >= REMEMBERED_VALUES:
            remembered.clear()
        found = _postings(field, value)
        if REMEMBERED_VALUES:
            remembered[key] = found
    return found


def _postings(field, value) -> list[Posting]:
    if isinstance(value, str):
        kind, analyzer = type(field.format), field.analyzer
        if kind is formats.Positions and type(analyzer) is MixedScriptAnalyzer:
            return _positions_postings(analyzer, field.format.field_boost, value)
        if kind is formats.Frequency and _splits_on_pattern(analyzer):
            return _frequency_postings(analyzer.expression.findall(value), field.format.field_boost)
    return list(field.index(value))


def _splits_on_pattern(analyzer) -> bool:
    """A tokenizer whose tokens are its pattern's matches, as they are (KEYWORD's default)."""
    return type(analyzer) is RegexTokenizer and not analyzer.gaps and analyzer.expression.groups == 0


def _positions_postings(analyzer: MixedScriptAnalyzer, field_boost: float, value: str) -> list[Posting]:
    """formats.Positions.word_values over the analyzer's tokens (see term_positions)."""
    # Every token's boost is 1.0: a term's weight is its frequency times the field's boost
    return [
        (term.encode("utf-8"), len(at), float(len(at)) * field_boost, _encoded_positions(at))
        for term, at in term_positions(analyzer, value).items()
    ]


def _encoded_positions(positions: list[int]) -> bytes:
    """formats.Positions.encode: the count, then the pickled gaps between positions. Lists of
    one or two positions are kept (longer ones rarely recur)."""
    key = (positions[0] if len(positions) == 1 else tuple(positions)) if len(positions) <= 2 else None
    encoded = _encoded.get(key)
    if encoded is None:
        encoded = pack_uint(len(positions)) + dumps(_gaps(positions), 2)
        if key is not None and ENCODED_LISTS:
            if len(_encoded) >= ENCODED_LISTS:
                _encoded.clear()
            _encoded[key] = encoded
    return encoded


def _gaps(positions: list[int]) -> list[int]:
    return [b - a for a, b in zip([0, *positions], positions, strict=False)]


def _frequency_postings(tokens: list[str], field_boost: float) -> list[Posting]:
    """formats.Frequency.word_values over tokens whose boost is 1.0."""
    counts: dict[str, int] = {}
    for token in tokens:
        counts[token] = counts.get(token, 0) + 1
    return [
        (token.encode("utf-8"), count, float(count) * field_boost, _packed_count(count))
        for token, count in counts.items()
    ]


def _keys_postings(field, keys: set[str]) -> list[Posting]:
    """The postings of a `pairs` field holding `keys`, as _postings gives them for the keys
    joined by spaces (pairs.document_value) without joining, sorting and splitting them again:
    each key once."""
    analyzer = field.analyzer
    if not (
        type(field.format) is formats.Frequency
        and _splits_on_pattern(analyzer)
        and analyzer.expression.pattern == SPACE_SEPARATED
    ):
        return _postings(field, pairs.document_value(keys))
    weight, once = 1.0 * field.format.field_boost, _packed_count(1)
    return [(key.encode("utf-8"), 1, weight, once) for key in keys]


SPACE_SEPARATED = r"[^ \t\r\n]+"  # KEYWORD's tokens (keys hold none of these characters)
# A Frequency posting's value: its count, four bytes. The format's values are of one size, so a
# block joins them into one string: one object for many postings changes no byte written.
_PACKED_COUNTS = tuple(pack_uint(count) for count in range(256))


def _packed_count(count: int) -> bytes:
    return _PACKED_COUNTS[count] if count < len(_PACKED_COUNTS) else pack_uint(count)


WHOOSH_ADD = writing.SegmentWriter.add_document
