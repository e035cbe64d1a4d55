"""Did you mean: the query with its unknown words corrected from the index's own words, within
a budget (correcting a word scans the lexicon), never to a function word."""

from __future__ import annotations

import time

from .analysis import analyze, stem
from .index import IndexHandle
from .query import clean_query

# Never offered as a correction: "foo" is not a typo for "for".
FUNCTION_WORDS = frozenset(
    "a an and are as at be been but by can for from had has have he her his i if in into is it its "
    "may not of on or our she so than that the their them there these they this those to was we "
    "were what when which who will with would you".split()
)
SUGGEST_WORDS = 5  # unknown words did-you-mean tries to correct, at most
SUGGEST_SECONDS = 0.05  # CPU time did-you-mean may spend on one query


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
    corrector = searcher.corrector("exact")
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
            found = corrector.suggest(bare, limit=5, maxdist=2, prefix=1)
            options = sorted(
                (o for o in found if o not in FUNCTION_WORDS), key=lambda o: edit_distance(bare, o)
            )
            if options:
                word = word.replace(word.strip("\"'()+-"), options[0])
                changed = True
        words.append(word)
    if not changed:
        return None
    return " ".join(words + cleaned.described_filters)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: Whoosh's corrector ranks its candidates by frequency, so "zooo"
    came back as "zhao" (two edits) before "zoo" (one); the nearest word is the likeliest."""
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other)))
        previous = current
    return previous[-1]
