"""Whoosh query -> matching documents with BM25F scores, computed on whole posting lists.

Whoosh's matchers walk postings one document at a time in Python (`skip_to`, `score`): an AND of
three common words took 300 ms on 100,000 passages, and facets and exact totals need every match.
Here each term's postings are read block by block into NumPy arrays and combined with set
operations; scores follow Whoosh's BM25F (same idf, field lengths, B and K1), so rankings agree.
Whoosh still owns the index. Phrases are found by their word pairs (pairs.py) and, when longer
than two words, checked on positions (positions.py); they are scored with the words they contain.
A section's text is not indexed (its paragraphs' words would be written twice): a section has
the words and phrases its paragraphs have, weighed together (Table.sections, with_sections).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from math import log

import numpy as np
from whoosh import formats
from whoosh import query as q
from whoosh.classify import Bo1Model
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.columns import NumericColumn
from whoosh.util.numeric import byte_to_length

from ..lru import LRU
from . import pairs
from .analysis import MixedScriptAnalyzer, term_positions
from .documents import COMMON_ID, common_words
from .positions import EMPTY_IDS, IDS, leaf_postings, leaf_reader, leaves, phrase_documents, term_totals
from .sets import union_all, unique, unique_inverse
from .vocabulary import Vocabulary, vocabulary

B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults
NARROW_RANGE = 16  # a range of fewer than 1/16 of the documents is read from the columns' order
LENGTHS = np.array([byte_to_length(i) for i in range(256)], dtype=np.float64)
# Term postings kept decoded, per worker: a posting block costs 0.3 ms to unpickle (Whoosh pickles
# each posting's positions with it), so a common word's list costs tens of ms every time it is read.
POSTINGS_CACHE_BYTES = 192 * 2**20
# More like this reads the postings of a passage's key terms: a term in more documents than this
# (and than this share of the index) says little about what a passage is about, and costs most.
LIKE_MAX_DOCS, LIKE_MAX_SHARE = 1000, 0.01
SECTION_TEXT_FIELDS = frozenset({"text"})  # a section's own text: its paragraphs' words
VOCABULARY_FIELDS = ("text",)  # whose term statistics a table keeps as arrays (key words, idf)


@dataclass(frozen=True)
class Matches:
    """Sorted unique document numbers and their scores."""

    ids: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def empty(cls) -> Matches:
        return cls(EMPTY_IDS, np.empty(0))

    @classmethod
    def unscored(cls, ids: np.ndarray) -> Matches:
        return cls(ids, np.zeros(len(ids)))

    def without(self, ids: np.ndarray) -> Matches:
        """These matches less the documents in `ids` (sorted)."""
        keep = ~member(self.ids, ids)
        return Matches(self.ids[keep], self.scores[keep])

    def within(self, ids: np.ndarray) -> Matches:
        """These matches in the documents of `ids` (sorted), or of a mask over all documents."""
        keep = ids[self.ids] if ids.dtype == bool else member(self.ids, ids)
        return Matches(self.ids[keep], self.scores[keep])


# Beyond this share of the other array's length, NumPy's sort-based isin beats a binary search
# per element (measured: 5,000 of 140,000 took 0.3 ms searched and 0.6 ms sorted; 50,000 took
# 1.9 and 0.5 ms).
SEARCH_SHARE = 1 / 16


def member(needles: np.ndarray, haystack: np.ndarray, size: int = 0) -> np.ndarray:
    """Which of the (unique) needles are in the sorted, unique haystack. With `size` (every
    value is below it: the index's document count), long lists are compared on a mask of it."""
    if not len(needles) or not len(haystack):
        return np.zeros(len(needles), dtype=bool)
    if size and len(haystack) > size // 64:
        mask = np.zeros(size, dtype=bool)
        mask[haystack] = True
        return mask[needles]
    if len(needles) > SEARCH_SHARE * len(haystack):
        return np.isin(needles, haystack, assume_unique=True)
    at = np.minimum(np.searchsorted(haystack, needles), len(haystack) - 1)
    return haystack[at] == needles


def intersect(matches: list[Matches]) -> Matches:
    """Documents in all the matches, their scores added."""
    result = matches[0]
    for other in matches[1:]:
        small, big = (result, other) if len(result) <= len(other) else (other, result)
        if len(small) > SEARCH_SHARE * len(big):
            ids, mine, theirs = np.intersect1d(small.ids, big.ids, assume_unique=True, return_indices=True)
        else:  # a binary search of the few in the many (intersect1d sorts both)
            mine = np.flatnonzero(member(small.ids, big.ids))
            ids = small.ids[mine]
            theirs = np.searchsorted(big.ids, ids)
        result = Matches(ids, small.scores[mine] + big.scores[theirs])
    return result


def union(matches: list[Matches], size: int = 0) -> Matches:
    """Documents in any of the matches, their scores added. With `size` (how many documents the
    index has), long lists are merged on arrays of that size: NumPy's unique sorts them all, 18 ms
    for four lists of 50,000 documents, against 1 to 4 ms."""
    matches = [m for m in matches if len(m)]
    if len(matches) <= 1:
        return matches[0] if matches else Matches.empty()
    if size and sum(len(m) for m in matches) > size // 8:
        present, scores = np.zeros(size, dtype=bool), np.zeros(size)
        for m in matches:  # a list's documents are unique: plain assignment adds each once
            present[m.ids] = True
            scores[m.ids] += m.scores
        ids = np.flatnonzero(present).astype(IDS)
        return Matches(ids, scores[ids])
    ids, where = unique_inverse(np.concatenate([m.ids for m in matches]))
    scores = np.bincount(where, weights=np.concatenate([m.scores for m in matches]), minlength=len(ids))
    return Matches(ids, scores)


def add_scores(base: Matches, extra: Matches) -> Matches:
    """base's documents, with extra's scores added where extra matches too (AND MAYBE)."""
    _, mine, theirs = np.intersect1d(base.ids, extra.ids, assume_unique=True, return_indices=True)
    scores = base.scores.copy()
    scores[mine] += extra.scores[theirs]
    return Matches(base.ids, scores)


def postings_cache(max_bytes: int = POSTINGS_CACHE_BYTES) -> LRU:
    """Term postings (and Whoosh-matched documents) as arrays, shared by all threads, bounded in
    bytes, keyed by index generation."""
    return LRU(max_bytes, size=lambda arrays: sum(a.nbytes for a in arrays))


def term_postings(searcher, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, weights) of a term across all segments, deleted documents included."""
    ids, weights = [], []
    for sub, offset in leaves(searcher):
        read = leaf_postings(sub.reader(), fieldname, text)
        if read is not None:
            ids.append(read[0] + offset)
            weights.append(read[1])
    return (np.concatenate(ids), np.concatenate(weights)) if ids else (EMPTY_IDS, np.empty(0))


def field_lengths(searcher, fieldname: str) -> np.ndarray:
    """Every document's (Whoosh-quantised) length in a field, as BM25F sees it."""
    parts = []
    for sub, _offset in leaves(searcher):
        reader = sub.reader()
        count = reader.doc_count_all()
        column = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
        raw = np.zeros(count, dtype=np.uint8)
        if column is not None:
            stored = column._dbfile.get(column._basepos, column._count)
            raw[: len(stored)] = np.frombuffer(stored, dtype=np.uint8)
        parts.append(LENGTHS[raw])
    return np.concatenate(parts) if parts else np.empty(0)


def term_weights(field, text: str) -> dict[str, float]:
    """Each term of a text as the field indexes it, with its weight (Whoosh's field.index, summed
    by term): the archive's analyzer without a token object a word (a sixth of finding related
    passages), any other through Whoosh."""
    if type(field.format) is formats.Positions and type(field.analyzer) is MixedScriptAnalyzer:
        boost = field.format.field_boost
        return {term: len(at) * boost for term, at in term_positions(field.analyzer, text).items()}
    weights: dict[str, float] = {}
    for btext, _, weight, _ in field.index(text):
        word = field.from_bytes(btext)
        weights[word] = weights.get(word, 0.0) + weight
    return weights


class Evaluator:
    """Evaluates queries on one searcher; `universe` is the live documents a search may return."""

    def __init__(self, searcher, table: Table, cache: LRU):
        self.searcher, self.table, self.cache = searcher, table, cache
        self.universe = table.universe
        self.generation = table.generation
        # Leaves evaluated by this evaluator (one request): a results page evaluates its words
        # twice (the query, then which of them a passage has itself; see shaping.py), and BM25
        # over a common word's postings is most of a word's cost.
        self.leaves: dict[object, Matches] = {}
        self.segments = leaves(searcher)  # (segment searcher, its first document number)

    def fields(self, docnum) -> dict:
        """The stored fields of a document found by `matches`, read from its segment's column:
        Whoosh's stored_fields also checked each against the schema, a third of the read (the
        archive never removes a field from its schema)."""
        reader, local = leaf_reader(self.segments, int(docnum))
        return reader._perdoc.stored_fields(local)

    def like(self, document_id: str, numterms: int) -> Matches:
        """Passages most like a document (Whoosh's more_like: the OR of its key terms, ranked like
        any search), never the document itself; empty when it is unknown."""
        docnum = self.searcher.document_number(id=document_id)
        if docnum is None:
            return Matches.empty()
        text = self.searcher.stored_fields(docnum).get("text", "")
        common = max(LIKE_MAX_DOCS, LIKE_MAX_SHARE * self.searcher.doc_count_all())
        terms = [(word, weight) for word, weight, count in self.key_terms(text, numterms) if count <= common]
        if not terms:
            return Matches.empty()
        # The words' own postings: passages only (a section is not "like" one of its passages)
        like = [self.term("text", word, weight, sections=False) for word, weight in terms]
        return union(like, self.table.size).within(self.table.live).without(np.array([docnum]))

    def key_terms(self, text: str, numterms: int) -> list[tuple[str, float, int]]:
        """(word, weight, documents with it) of the `numterms` key words of a text: Whoosh's
        key_terms_from_text (the Bo1 model, normalised), with all the words' statistics read in
        one go (Whoosh looked each word up three times a segment: half of a paragraph page's
        related passages). The key words' own are remembered: their postings are scored next."""
        weights = term_weights(self.searcher.schema["text"], text)
        total = sum(weights.values())
        model = Bo1Model(self.searcher.doc_count_all(), self.searcher.field_length("text"))
        scored = []
        for (word, weight), frequency, count in zip(
            weights.items(), *self.statistics("text", weights), strict=True
        ):
            if count:
                scored.append((model.score(weight, frequency, total), word, frequency, count))
        if not scored:
            return []
        norm = model.normalizer(max(0, *(each[0] for each in scored)), total)
        ranked = sorted(((score / norm, *rest) for score, *rest in scored), key=lambda x: (-x[0], x[1]))
        for _, word, frequency, count in ranked[:numterms]:
            self.cache.put((self.generation, "statistics", "text", word), (np.array([frequency, count]),))
        return [(word, weight, count) for weight, word, _, count in ranked[:numterms]]

    def statistics(self, fieldname: str, words) -> tuple[list[float], list[int]]:
        """(total weights, document counts) of each of the words: term_statistics, in one go
        from the field's vocabulary where the table has one."""
        vocabulary = self.table.vocabularies.get(fieldname)
        if vocabulary is None:
            found = [self.term_statistics(fieldname, word) for word in words]
            return [weight for weight, _ in found], [count for _, count in found]
        weights, counts = vocabulary.statistics(words)
        return weights.tolist(), counts.tolist()

    def term_statistics(self, fieldname: str, text: str) -> tuple[float, int]:
        """(total weight, documents) of a term across all segments, deleted documents included
        (kept in the postings cache: a query's words are scored again on its other pages)."""
        key = (self.generation, "statistics", fieldname, text)
        cached = self.cache.get(key)
        if cached is None:
            vocabulary = self.table.vocabularies.get(fieldname)
            if vocabulary is not None:
                weights, counts = vocabulary.statistics([text])
                frequency, count = float(weights[0]), int(counts[0])
            else:
                frequency, count = 0.0, 0
                for sub, _offset in self.segments:
                    totals = term_totals(sub.reader(), fieldname, text)
                    if totals is not None:
                        frequency, count = frequency + totals[0], count + totals[1]
            cached = (np.array([frequency, count]),)
            self.cache.put(key, cached)
        return float(cached[0][0]), int(cached[0][1])

    def matches(self, query: q.Query) -> Matches:
        """Live documents matching the query, with their scores."""
        found = self._eval(query)
        return found.within(self.table.live)

    def read_postings(self, query: q.Query) -> None:
        """Read into the shared cache the postings a search of `query` reads, scoring nothing
        (a worker warming up; a second time, a lookup a term)."""
        for leaf in query.leaves():
            if not isinstance(leaf, q.Term):
                self._eval(leaf)  # a phrase, a prefix: read as a search reads them
            elif leaf.fieldname in self.searcher.schema:
                ids, _ = self.postings(leaf.fieldname, leaf.text)
                if len(ids) and self.searcher.schema[leaf.fieldname].scorable:
                    self.term_statistics(leaf.fieldname, leaf.text)  # what scoring it reads

    def _eval(self, node: q.Query) -> Matches:
        if isinstance(node, q.Term):
            key = ("term", node.fieldname, node.text, node.boost)
            if key not in self.leaves:
                self.leaves[key] = self.term(node.fieldname, node.text, node.boost)
            return self.leaves[key]
        if isinstance(node, q.And):
            return self._and(node.subqueries)
        if isinstance(node, q.Or):
            return union([self._eval(sub) for sub in node.subqueries], self.table.size)
        if isinstance(node, q.Not):
            return Matches.unscored(self.universe).without(self._eval(node.query).ids)
        if isinstance(node, q.AndNot):
            return self._eval(node.a).without(self._eval(node.b).ids)
        if isinstance(node, q.AndMaybe):
            return add_scores(self._eval(node.a), self._eval(node.b))
        if isinstance(node, q.Every):
            return Matches.unscored(self.universe)
        if isinstance(node, q.NullQuery.__class__):
            return Matches.empty()
        if isinstance(node, (q.Prefix, q.Wildcard, q.Phrase)):
            key = repr(node)
            if key not in self.leaves:
                self.leaves[key] = self.phrase(node) if isinstance(node, q.Phrase) else self.expansion(node)
            return self.leaves[key]
        if isinstance(node, q.NumericRange) and node.fieldname in self.table.ranges:
            return Matches.unscored(self.numeric_range(node))
        return Matches.unscored(self.whoosh_docs(node))

    def _and(self, subqueries) -> Matches:
        negative = [s.query for s in subqueries if isinstance(s, q.Not)]
        positive = [self._eval(s) for s in subqueries if not isinstance(s, q.Not)]
        result = intersect(sorted(positive, key=len)) if positive else Matches.unscored(self.universe)
        for sub in negative:
            result = result.without(self._eval(sub).ids)
        return result

    def postings(self, fieldname: str, text, sections: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, weights) of a term across all segments, with the sections of the
        passages that have a word of their text (Table.sections) unless `sections` is False."""
        if isinstance(text, bytes):  # words a prefix expands to come as bytes
            text = self.searcher.schema[fieldname].from_bytes(text)
        lift = sections and fieldname in SECTION_TEXT_FIELDS
        key = (self.generation, fieldname, text, lift)
        cached = self.cache.get(key)
        if cached is None:
            cached = term_postings(self.searcher, fieldname, text)
            if lift:
                cached = with_sections(*cached, self.table.sections)
            self.cache.put(key, cached)
        return cached

    def term(self, fieldname: str, text, boost: float = 1.0, sections: bool = True) -> Matches:
        if fieldname not in self.searcher.schema:
            return Matches.empty()
        ids, weights = self.postings(fieldname, text, sections)
        if not len(ids) or not self.searcher.schema[fieldname].scorable:
            return Matches.unscored(ids)
        return Matches(ids, self.bm25(fieldname, text, ids, weights) * boost)

    def bm25(self, fieldname: str, text, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Whoosh's BM25F formula, vectorised."""
        idf = self.idf(fieldname, text)
        avg = self.searcher.avg_field_length(fieldname) or 1
        length = self.table.lengths[fieldname][ids]
        return idf * (weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * length / avg))

    def idf(self, fieldname: str, text) -> float:
        """Whoosh's idf, from the term's statistics as every thread keeps them (Whoosh's cache
        is its searcher's, one a thread, and looked the term up again: a tenth of finding
        related passages, whose words are mostly new)."""
        _, count = self.term_statistics(fieldname, text)
        return log(self.table.size / (count + 1)) + 1

    def expansion(self, node: q.Query) -> Matches:
        """Prefix and wildcard: every word they expand to, at Whoosh's constant score."""
        ids = [self.postings(node.fieldname, word)[0] for word in node._btexts(self.searcher.reader())]
        found = union_all(ids, self.table.size)
        return Matches(found, np.full(len(found), float(node.boost)))

    def phrase(self, node: q.Phrase) -> Matches:
        """Documents with the words in order (positions read for those with every word only),
        scored as the AND of the phrase's words."""
        if not node.words:
            return Matches.empty()
        words = intersect([self.term(node.fieldname, word, node.boost) for word in node.words])
        if not len(words):
            return words
        key = (self.generation, "phrase", repr(node))
        cached = self.cache.get(key)
        if cached is None:  # paging through a phrase's results or clicking a facet asks again
            cached = (self.in_order(node, words.ids),)
            self.cache.put(key, cached)
        return words.within(cached[0])

    def in_order(self, node: q.Phrase, candidates: np.ndarray) -> np.ndarray:
        """Which candidates (documents with every word) have the phrase. A section has a phrase
        of its text when one of its paragraphs has it (its document holds no word pairs of its
        text, see documents.section_document; nor may a phrase run from one paragraph into the
        next)."""
        if node.fieldname not in SECTION_TEXT_FIELDS:
            return self.passages_in_order(node, candidates)
        sections = self.table.is_section(candidates)
        if not sections.any():
            return self.passages_in_order(node, candidates)
        found = self.passages_in_order(node, candidates[~sections])
        return unique(np.concatenate([found, self.table.sections_having(candidates[sections], found)]))

    def passages_in_order(self, node: q.Phrase, candidates: np.ndarray) -> np.ndarray:
        """Which candidates have the phrase: those with each of its pairs of words (one term
        each, see pairs.py); positions are read only for longer phrases, in the few documents
        left, and for pairs that are not indexed."""
        keyed = pairs.query_keys(node.fieldname, node.words, self.table.common) if node.slop <= 1 else [None]
        if pairs.FIELD not in self.searcher.schema:  # an index built before pairs
            keyed = [None]
        for keys in keyed:
            if keys is not None:
                having = union_all([self.postings(pairs.FIELD, key)[0] for key in keys], self.table.size)
                candidates = np.intersect1d(candidates, having, assume_unique=True)
        if (len(node.words) == 2 and None not in keyed) or not len(candidates):
            return candidates
        return phrase_documents(self.searcher, node.fieldname, node.words, candidates, node.slop)

    def numeric_range(self, node: q.NumericRange) -> np.ndarray:
        """Numbers and dates compared on their column (Whoosh expands a range into many terms)."""
        field = self.searcher.schema[node.fieldname]
        values = self.table.ranges[node.fieldname]
        absent = field.column_type.default_value()
        # DateRange keeps the dates it was given; its start and end are already converted.
        start, end = (
            (node.startdate, node.enddate) if isinstance(node, q.DateRange) else (node.start, node.end)
        )
        low = field.to_column_value(start) + node.startexcl if start is not None else 0
        high = field.to_column_value(end) - node.endexcl if end is not None else absent - 1
        order, in_order = self.table.range_order[node.fieldname]
        first, last = 0, len(values)
        if np.issubdtype(in_order.dtype, np.integer):
            first = np.searchsorted(in_order, _clamped(low, in_order.dtype), "left")
            last = np.searchsorted(in_order, _clamped(high, in_order.dtype), "right")
        if last - first > len(values) // NARROW_RANGE:  # wide: sorting would cost more than comparing
            return np.flatnonzero((values >= low) & (values <= high) & (values != absent)).astype(IDS)
        found = order[first:last]
        kept = values[found]
        return np.sort(found[(kept >= low) & (kept <= high) & (kept != absent)]).astype(IDS)

    def whoosh_docs(self, node: q.Query) -> np.ndarray:
        """Documents Whoosh's own matcher finds, cached like postings: paging through the
        results of a phrase or clicking a facet asks for the same phrase again."""
        key = (self.generation, "whoosh", repr(node))
        cached = self.cache.get(key)
        if cached is None:
            cached = (np.fromiter(sorted(self.searcher.docs_for_query(node)), dtype=IDS),)
            self.cache.put(key, cached)
        return cached[0]


@dataclass(frozen=True)
class Facet:
    """A column as small integers: codes[docnum] indexes labels, which are sorted; documents
    without a value have the last code."""

    codes: np.ndarray
    labels: tuple
    by_text: dict[str, int]  # str(label) -> code, for values that come from a URL

    @classmethod
    def of(cls, values: list, missing) -> Facet:
        """`missing` is the column's value for documents without one ("" or a numeric sentinel)."""
        labels = tuple(sorted({v for v in values if v is not None and v != missing}))
        index = {label: i for i, label in enumerate(labels)}
        codes = np.fromiter((index.get(v, len(labels)) for v in values), dtype=np.int32, count=len(values))
        return cls(codes, (*labels, None), {str(label): i for label, i in index.items()})

    @classmethod
    def of_numbers(cls, raw: np.ndarray, absent: int, translate) -> Facet:
        """The same from a numeric column as stored (sortable integers, `absent` for none)."""
        present = raw != absent
        stored = unique(raw[present])
        codes = np.searchsorted(stored, raw).astype(np.int32)
        codes[~present] = len(stored)
        labels = tuple(translate(int(x)) for x in stored)
        return cls(codes, (*labels, None), {str(label): i for i, label in enumerate(labels)})

    def counts(self, ids: np.ndarray, limit: int, keep: tuple[str, ...] = ()) -> tuple[dict, int]:
        """The `limit` most frequent labels among the documents (ties in label order) with their
        counts, plus the labels in `keep` (a user's selection stays visible); and how many
        distinct labels the documents have."""
        counts = np.bincount(self.codes[ids], minlength=len(self.labels))
        counts[-1] = 0  # no value
        present = np.flatnonzero(counts)
        top = present[np.argsort(-counts[present], kind="stable")[:limit]]
        kept = [self.by_text[text] for text in keep if text in self.by_text]
        return {self.labels[i]: int(counts[i]) for i in (*top.tolist(), *kept)}, len(present)


@dataclass(frozen=True)
class Table:
    """What every query on one index generation needs, computed once and shared by all threads:
    the live searchable documents, facet codes and sort keys."""

    generation: int
    universe: np.ndarray
    # The universe as a mask over every document number, deleted ones included: a match's
    # documents are kept in one lookup each (NumPy's isin sorted them with the universe).
    live: np.ndarray
    facets: dict[str, Facet]
    numbers: dict[str, np.ndarray]  # numeric sort keys, as stored
    ranges: dict[str, np.ndarray]  # numbers and dates as their sortable column values
    # Each range column's document numbers in the order of their values, and the values in that
    # order: a narrow range (a month) is two binary searches instead of comparing every value.
    range_order: dict[str, tuple[np.ndarray, np.ndarray]]
    lengths: dict[str, np.ndarray]
    # Each live passage's section document (-1: none, and for other documents): a section is
    # found by its paragraphs' words (documents.section_document), and shown only when none of
    # them matches by itself (shaping.py).
    sections: np.ndarray
    common: frozenset[str] = pairs.COMMON  # the words whose pairs are indexed (pairs.py)
    # Every term's statistics of the fields in VOCABULARY_FIELDS (vocabulary.py), where the
    # segments' terms tables can be read as arrays
    vocabularies: dict[str, Vocabulary] = dataclasses.field(default_factory=dict)

    @property
    def size(self) -> int:
        """How many documents the index has, deleted ones included (document numbers are below)."""
        return len(self.live)

    def is_section(self, ids: np.ndarray) -> np.ndarray:
        """True for each document that is a section (its paragraphs' words as one document)."""
        kinds = self.facets.get("kind")
        if kinds is None or "section" not in kinds.by_text:
            return np.zeros(len(ids), dtype=bool)
        return kinds.codes[ids] == kinds.by_text["section"]

    def sections_having(self, ids: np.ndarray, passages: np.ndarray) -> np.ndarray:
        """The sections of `ids` that one of the `passages` is in."""
        owners = self.sections[passages]
        return np.intersect1d(ids, owners[owners >= 0])

    @classmethod
    def build(
        cls,
        searcher,
        searchable: list[tuple[str, str]],
        facets: tuple[str, ...],
        numbers: tuple[str, ...],
        ranges: tuple[str, ...],
        segment_terms: dict | None = None,
    ) -> Table:
        """`searchable`: the terms of the documents a search may return. `segment_terms`: each
        segment's terms already read (vocabulary.vocabulary), kept by the caller across
        generations; without it they are read again."""
        schema = searcher.schema
        universe = live_documents(searcher, searchable)
        built_facets = {name: facet(searcher, name) for name in facets}
        live = np.zeros(searcher.doc_count_all(), dtype=bool)
        live[universe] = True
        columns = {name: numeric_column(searcher, name) for name in ranges}
        sections = section_documents(searcher, built_facets, live)
        lengths = {name: field_lengths(searcher, name) for name, field in schema.items() if field.scorable}
        if "text" in lengths:
            lengths["text"] = with_section_lengths(lengths["text"], sections)
        return cls(
            generation=searcher.reader().generation(),
            universe=universe,
            live=live,
            facets=built_facets,
            numbers={name: numeric_column(searcher, name).astype(np.int64) for name in numbers},
            ranges=columns,
            range_order={name: value_order(values) for name, values in columns.items()},
            lengths=lengths,
            common=common_words(searcher.document(id=COMMON_ID)),
            sections=sections,
            vocabularies=vocabularies(searcher, {} if segment_terms is None else segment_terms),
        )


def vocabularies(searcher, segment_terms: dict) -> dict[str, Vocabulary]:
    """The vocabulary of each field of VOCABULARY_FIELDS the index has (see Table.build)."""
    found = {}
    for name in VOCABULARY_FIELDS:
        if name in searcher.schema:
            built = vocabulary(leaves(searcher), name, segment_terms)
            if built is not None:
                found[name] = built
    return found


def _clamped(value: int, dtype: np.dtype) -> np.generic:
    """A bound as a number of the column's type (given a Python int, NumPy converted the whole
    column first), within its range: beyond it, the column's first or last value finds the same
    documents (the absent value, the largest, is left out after)."""
    limits = np.iinfo(dtype)
    return dtype.type(min(max(value, limits.min), limits.max))


def value_order(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers in the order of their values, the values in that order)."""
    order = np.argsort(values, kind="stable")
    return order, values[order]


def section_documents(searcher, facets: dict[str, Facet], live: np.ndarray) -> np.ndarray:
    """Each live passage's section document (its article's live section of the same number),
    -1 for other documents."""
    owners = np.full(searcher.doc_count_all(), -1, dtype=IDS)
    kinds, articles = facets.get("kind"), facets.get("article")
    if kinds is None or articles is None or "section" not in kinds.by_text:
        return owners
    numbers = numeric_column(searcher, "in_section").astype(np.int64)
    is_section = kinds.codes == kinds.by_text["section"]
    keys = articles.codes.astype(np.int64) * (int(numbers.max(initial=0)) + 1) + numbers
    heads = np.flatnonzero(is_section & live)
    heads = heads[np.argsort(keys[heads], kind="stable")]
    members = np.flatnonzero(~is_section & live & (numbers > 0))
    if len(heads) and len(members):
        at = np.minimum(np.searchsorted(keys[heads], keys[members]), len(heads) - 1)
        found = keys[heads][at] == keys[members]
        owners[members[found]] = heads[at[found]]
    return owners


def with_section_lengths(lengths: np.ndarray, sections: np.ndarray) -> np.ndarray:
    """Field lengths with each section's the sum of its passages' (its own text is not indexed)."""
    owned = sections >= 0
    return lengths + np.bincount(sections[owned], weights=lengths[owned], minlength=len(lengths))


def with_sections(
    ids: np.ndarray, weights: np.ndarray, sections: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A term's postings with the sections of the live passages that have it, each weighing
    what its passages weigh together: what its own text would have indexed."""
    owners = sections[ids]
    owned = owners >= 0
    if not owned.any():
        return ids, weights
    owners, owned_weights = owners[owned], weights[owned]
    if len(owners) > len(sections) // 64:
        # A common word's passages are added up on an array of every document: sorting them
        # (NumPy's unique) took 2.5 ms for 43,000 passages, this 0.4. Every weight is positive
        # (a frequency), so the documents with one are those found.
        dense = np.bincount(owners, weights=owned_weights, minlength=len(sections))
        dense[ids] = weights
        found = np.flatnonzero(dense > 0).astype(IDS)  # (on floats, flatnonzero took 0.7 ms)
        return found, dense[found]
    heads, where = unique_inverse(owners)
    summed = np.bincount(where, weights=owned_weights, minlength=len(heads))
    at = np.searchsorted(ids, heads)  # sections are never passages: each goes in between
    return np.insert(ids, at, heads), np.insert(weights.astype(np.float64), at, summed)


def live_documents(searcher, terms: list[tuple[str, str]]) -> np.ndarray:
    """Documents having any of the terms, deleted ones left out."""
    found = union_all([term_postings(searcher, f, t)[0] for f, t in terms])
    deleted = [
        np.fromiter(sub.reader().deleted_docs_set, dtype=IDS) + offset for sub, offset in leaves(searcher)
    ]
    return np.setdiff1d(found, np.concatenate(deleted), assume_unique=True) if deleted else found


def facet(searcher, fieldname: str) -> Facet:
    field = searcher.schema[fieldname]
    if isinstance(field.column_type, NumericColumn):
        return Facet.of_numbers(
            numeric_column(searcher, fieldname), field.column_type.default_value(), field.from_column_value
        )
    return Facet.of(column(searcher, fieldname), missing(field))


def numeric_column(searcher, fieldname: str) -> np.ndarray:
    """A numeric column's stored (sortable) values for every document, read a segment at a time
    (value by value, 100,000 documents take 40 ms)."""
    column_type = searcher.schema[fieldname].column_type
    dtype = np.dtype(">" + column_type._typecode)
    parts = []
    for sub, _offset in leaves(searcher):
        reader = sub.reader()
        values = np.full(reader.doc_count_all(), column_type.default_value(), dtype=dtype)
        if reader.has_column(fieldname):
            stored = reader.column_reader(fieldname, translate=False)
            raw = stored._dbfile.get(stored._basepos, stored._count * stored._fixedlen)
            values[: stored._count] = np.frombuffer(raw, dtype=dtype)
        parts.append(values)
    native = dtype.newbyteorder("=")
    return np.concatenate(parts).astype(native) if parts else np.empty(0, dtype=native)


def column(searcher, fieldname: str) -> list:
    """A column's value for every document, segment by segment. (Whoosh's multi-segment column
    reader leaves out segments without the column, so its values would shift to other documents.)"""
    values = []
    for sub, _offset in leaves(searcher):
        values.extend(sub.reader().column_reader(fieldname))
    return values


def missing(field):
    """The value a column holds for a document that has none."""
    return field.from_column_value(field.column_type.default_value())
