"""Adjacent words indexed as one term, so that a phrase is found without reading positions.

A phrase of common words ("use the", "support the") has tens of thousands of passages with both
words; checking their order read the positions of every one of them, 0.3–2.7 s on 130,000
passages. Pairs of words at consecutive positions are also terms, of the `pairs` field, as search
engines index shingles: a two-word phrase is one posting list, and a longer one is checked on
positions only in the passages that have each of its pairs.

Keys: "x:a_b" for the words of a passage as written (the `exact` field), "s:a_b" for their stems
(the `text` field) when they differ from the words ("s:use_the" would repeat "x:use_the"),
"t:a_b" for a title's stems and "h:a_b" for a heading's. Terms never hold "_" or ":" (see
analysis.py).

Only pairs with a common word are indexed ("common grams", as Lucene's CommonGramsFilter): a
common word's positions are what a phrase check cannot afford to read, while two rarer words have
short posting lists to check. Indexing every pair doubled the terms of the index and made the
build 67% slower (20,000 passages: 132 -> 221 s); pairs with a function word 35% (177-183 s).
Common are the function words and the 100 words most frequent in the index's own corpus when it
was created (210 s): phrases like "class method" in a manual or "Xi Jinping" in a China
archive took 0.2-1 s on positions at 130,000 passages (on 20,000: p50 69 -> 35 ms, slowest
179 -> 53 ms). The set is kept in the index and never changes for it, since which pairs it holds
must not. Pairs with a CJK bigram are not indexed: those phrases are read on positions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import islice, pairwise

from .analysis import CJK_RUN, indexed_pieces, stem, text_pieces

FIELD = "pairs"
# The most frequent English and Russian function words. Fixed, not counted from the corpus: which
# pairs an index holds must not change when articles are added.
COMMON_WORDS = """
a about after all also an and any are as at be been before being between both but by can could
did do does each either for from had has have he her here his how i if in into is it its may
might more most must my no nor not now of on one only or other our out over she should so some
such than that the their them then there these they this those through to too under up upon us
very was we were what when where whether which while who why will with within without would you
your и в во не что на с со как а то все но да к у же за бы по только от из или ни до для мы
они он она оно это этот эта эти был была были быть есть при о об его ее их
""".split()
COMMON = frozenset(stem(word) for word in COMMON_WORDS)
FREQUENT_WORDS = 100  # the corpus's own most frequent words (by files having them) added to COMMON
MIN_WORD_CHARS = 2  # "xi", "un", "eu" are names
BODY_EXACT, BODY_STEMS, TITLE, HEADING = "x", "s", "t", "h"
PREFIX = {"exact": BODY_EXACT, "text": BODY_STEMS, "title": TITLE, "section": HEADING}


def frequent_stems(texts: Iterable[str], count: int = FREQUENT_WORDS) -> frozenset[str]:
    """The `count` stems found in most of the texts (a sample of the corpus's files), besides the
    function words: what else is common in this corpus."""
    having: Counter[str] = Counter()
    for text in texts:
        # Each word as written once (in the order first met): the same terms, a third less to
        # read (this runs before any file is parsed: 3.4 -> 2.2 s for 200 of the bench's files)
        distinct = " ".join(dict.fromkeys(text.split()))
        having.update(
            {
                stem(term)
                for term, _, _, _, _ in text_pieces(distinct, whole=False)
                if len(term) >= MIN_WORD_CHARS
            }
        )
    # Ties in alphabetical order: most_common keeps the order words came in, which follows each
    # text's set of stems, whose order changes from process to process (string hashing)
    ordered = sorted(having.items(), key=lambda item: (-item[1], item[0]))
    ranked = (word for word, _ in ordered if word not in COMMON and not CJK_RUN.match(word))
    return frozenset(islice(ranked, count))


def adjacent(text: str, common: frozenset[str] = COMMON) -> Iterator[tuple[str, str, str, str]]:
    """(word, its stem, next word, its stem) for every two terms at consecutive positions, as the
    analyzers place them, when one is common and neither is CJK. A compound's run-together form
    shares its last part's position (so it follows the part before, and precedes the next word)."""
    before: list[tuple[str, str, bool]] = []  # the terms at the previous position
    here: list[tuple[str, str, bool]] = []
    for term, _, _, _, whole in indexed_pieces(text, True):  # the analyzers' cache entry
        if not whole:
            before, here = here, []
        if CJK_RUN.match(term):  # its position stays empty: no pair reaches across it
            continue
        stemmed = stem(term)
        is_common = stemmed in common
        for word, word_stem, word_common in before:
            if is_common or word_common:
                yield word, word_stem, term, stemmed
        here.append((term, stemmed, is_common))


def body_keys(text: str, common: frozenset[str] = COMMON) -> set[str]:
    """The keys of a passage's own text: its pairs as written, and their stems where they differ."""
    keys = set()
    for a, stem_a, b, stem_b in adjacent(text, common):
        keys.add(f"{BODY_EXACT}:{a}_{b}")
        if stem_a != a or stem_b != b:
            keys.add(f"{BODY_STEMS}:{stem_a}_{stem_b}")
    return keys


def heading_keys(text: str | None, prefix: str, common: frozenset[str] = COMMON) -> set[str]:
    """The keys of a title (TITLE) or heading (HEADING): their stemmed pairs."""
    if not text:
        return set()
    return {f"{prefix}:{stem_a}_{stem_b}" for _, stem_a, _, stem_b in adjacent(text, common)}


# A passage's document names its text here; the writer adds the text's pairs to the document's own
# (a title's, a heading's): it tokenises the text for its fields anyway, where the reindexing
# process tokenised every passage a second time for its pairs (a tenth of a build's CPU)
BODY = "_pairs_of"


def document_keys(fields: dict, common: frozenset[str] | None) -> set[str]:
    """A document's keys: the pairs of its BODY text, made with the index's common words (never
    a default: pairs made with other words than the index's would not be found by its phrase
    queries), and those its `pairs` field has already."""
    if common is None:
        raise RuntimeError("the writer was not given the index's common words")
    keys = body_keys(fields[BODY], common)
    if fields.get(FIELD):
        keys.update(fields[FIELD].split(" "))
    return keys


def with_body_pairs(fields: dict, common: frozenset[str] | None) -> dict:
    """The document with the pairs of its BODY text in its `pairs` field (document_keys), as
    Whoosh's writer takes it."""
    keys = document_keys(fields, common)
    return {name: value for name, value in fields.items() if name != BODY} | {FIELD: document_value(keys)}


def document_value(keys: set[str]) -> str | None:
    """The keys as the field's value (split on spaces by its analyzer)."""
    return " ".join(sorted(keys)) or None


def query_keys(
    fieldname: str, words: list[str], common: frozenset[str] = COMMON
) -> list[tuple[str, ...] | None]:
    """For each pair of adjacent words of a phrase searched in `fieldname` (words analysed for
    that field), the keys any of which a document with that pair has; None where the pair is not
    indexed (no common word, a CJK word, or a field without pairs). `common`: the index's."""
    prefix = PREFIX.get(fieldname)
    return [_keys(prefix, a, b, common) if prefix else None for a, b in pairwise(words)]


def _keys(prefix: str, a: str, b: str, common: frozenset[str]) -> tuple[str, ...] | None:
    # The words of stemmed fields are stems already (and a stem's own stem may differ from it).
    stem_a, stem_b = (stem(a), stem(b)) if prefix == BODY_EXACT else (a, b)
    if CJK_RUN.match(a) or CJK_RUN.match(b) or (stem_a not in common and stem_b not in common):
        return None
    if prefix == BODY_STEMS and stem(a) == a and stem(b) == b:
        # a passage whose words are their own stems keeps only the pair as written
        return (f"{BODY_STEMS}:{a}_{b}", f"{BODY_EXACT}:{a}_{b}")
    return (f"{prefix}:{a}_{b}",)
