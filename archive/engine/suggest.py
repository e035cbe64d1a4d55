"""Did you mean: the query with its unknown words corrected from the index's own words, within
a budget (correcting a word scans the lexicon), never to a function word."""

from __future__ import annotations

import time

import numpy as np

from .analysis import CJK_RUN, analyze, stem
from .index import IndexHandle
from .query import clean_query
from .sets import unique

# Never offered as a correction: "foo" is not a typo for "for".
FUNCTION_WORDS = frozenset(
    "a an and are as at be been but by can for from had has have he her his i if in into is it its "
    "may not of on or our she so than that the their them there these they this those to was we "
    "were what when which who will with would you".split()
)
SUGGEST_WORDS = 5  # unknown words did-you-mean tries to correct, at most
SUGGEST_SECONDS = 0.05  # CPU time did-you-mean may spend on one query
MAX_EDITS = 2  # a correction is at most this many edits away (see edit_distance)
LEXICON_WORDS = (3, 24)  # shortest and longest words offered as corrections


def suggest(handle: IndexHandle, text: str) -> str | None:
    """A corrected query when some plain words are not in the index (did you mean); remembered
    per index generation, since the same typos come back and correcting one scans the lexicon."""
    key = (handle.generation(), text)
    remembered = handle.suggestions.get(key)
    if remembered is None:
        remembered = (correction(handle, text),)
        handle.suggestions.put(key, remembered)
    return remembered[0]


def correction(handle: IndexHandle, text: str) -> str | None:
    """The query with its unknown words corrected. Correcting a word scans the lexicon, so at
    most SUGGEST_WORDS words are tried, within SUGGEST_SECONDS of CPU: a pasted paragraph of
    made-up words must cost no more than a short query."""
    searcher = handle.searcher()
    cleaned = clean_query(text, searcher.schema)
    words_known = lexicon(handle)
    changed = False
    words, tried = [], 0
    deadline = time.thread_time() + SUGGEST_SECONDS
    for word in cleaned.text.split():
        bare = word.strip("\"'()+-").lower()
        if (
            tried < SUGGEST_WORDS
            and time.thread_time() < deadline
            and bare.isalpha()
            and len(analyze(bare, stemmed=False)) == 1
            and bare not in ("and", "or", "not")
            and len(bare) > 2
            and searcher.doc_frequency("exact", bare) == 0
            and searcher.doc_frequency("text", stem(bare)) == 0
        ):
            tried += 1
            if options := words_known.nearest(bare):
                word = word.replace(word.strip("\"'()+-"), options[0])
                changed = True
        words.append(word)
    if not changed:
        return None
    return " ".join(words + cleaned.described_filters)


def edit_distance(a: str, b: str) -> int:
    """Letters added, dropped, changed or swapped with their neighbour (optimal string alignment):
    a swap is the commonest typo ("recieve"), one edit, not two. Whoosh's corrector ranked its
    candidates by frequency, so "zooo" came back as "zhao" (two edits) before "zoo" (one)."""
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            if i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        before, previous = previous, current
    return previous[-1]


class Lexicon:
    """The index's own words (of the unstemmed field) as did-you-mean needs them. Each word and
    each form of it with one letter deleted is hashed into one sorted NumPy array (SymSpell's
    idea), so the words within reach of a typo are a few binary searches away. Whoosh's corrector
    walked the whole term dictionary through a Levenshtein automaton in Python instead: 50-300 ms
    a word on 130,000 passages."""

    # What is found: the typo with up to two letters left out meets a word with up to one left
    # out. So a swap, a wrong letter, one or two letters too many, a wrong letter and one too
    # many, one letter missing; not two missing or two wrong (rarer, and those cost a table
    # twenty times as large).

    def __init__(self, words: list[str], frequencies: list[int]):
        self.words = words
        self.frequencies = np.asarray(frequencies, dtype=np.int64)
        keys: list[int] = []  # Python's string hash: salted per process, as this table is
        owners: list[int] = []
        for number, word in enumerate(words):
            forms = deletions(word)
            keys.extend(map(hash, forms))
            owners.extend([number] * len(forms))
        order = np.argsort(np.asarray(keys, dtype=np.int64), kind="stable")
        self.keys = np.asarray(keys, dtype=np.int64)[order]
        self.owners = np.asarray(owners, dtype=np.int32)[order]

    def most_frequent(self, count: int) -> list[str]:
        """The `count` words in most documents, the most frequent first."""
        return [self.words[i] for i in np.argsort(-self.frequencies, kind="stable")[:count]]

    def nearest(self, typo: str) -> list[str]:
        """Words the table reaches from `typo` (see above) and within MAX_EDITS of it, nearest
        first, then the more frequent."""
        forms = deletions(typo)
        forms |= {shorter for form in forms for shorter in deletions(form)}  # two letters out
        probe = np.fromiter(map(hash, forms), dtype=np.int64)
        starts = np.searchsorted(self.keys, probe, "left")
        ends = np.searchsorted(self.keys, probe, "right")
        if not (ends > starts).any():
            return []
        found = unique(np.concatenate([self.owners[a:b] for a, b in zip(starts, ends, strict=True)]))
        scored = []
        for number in found.tolist():
            word = self.words[number]
            if word in FUNCTION_WORDS or word == typo:
                continue
            distance = edit_distance(typo, word)  # hash collisions and far words drop out here
            if distance <= MAX_EDITS:
                scored.append((distance, -int(self.frequencies[number]), word))
        return [word for _, _, word in sorted(scored)]


def deletions(word: str) -> set[str]:
    """The word and every form of it with one letter left out."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def lexicon(handle: IndexHandle) -> Lexicon:
    """The index's lexicon, built once per index version (a server worker builds it at start)."""
    return handle.derived("lexicon", build_lexicon)


def build_lexicon(searcher) -> Lexicon:
    """Words of the unstemmed field and their document frequencies, read segment by segment
    (Whoosh's multi-segment term iterator merges term infos in Python: ten times slower)."""
    shortest, longest = LEXICON_WORDS
    counts: dict[str, int] = {}
    for sub, _offset in searcher.leaf_searchers():
        for term, info in sub.reader().iter_field("exact"):
            if shortest <= len(term) <= longest * 4:  # bytes: up to 4 per letter
                word = term.decode("utf-8")
                if shortest <= len(word) <= longest and word.isalpha() and not CJK_RUN.match(word):
                    counts[word] = counts.get(word, 0) + info.doc_frequency()
    return Lexicon(list(counts), list(counts.values()))
