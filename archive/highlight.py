"""Highlighting: escaped text plus <mark> around what matched, phrases as one span."""

from __future__ import annotations

import html
import re

from .engine.analysis import spans as analysis_spans
from .engine.analysis import spans_from
from .engine.query import MatchTerms

SNIPPET_CHARS = 280
TAG = re.compile(r"(<[^>]+>)")


def match_spans(text: str, terms: MatchTerms) -> list[tuple[int, int]]:
    """Character spans of text to mark, merged where they overlap (CJK bigrams, phrases)."""
    if not terms:
        return []
    # Compounds' run-together forms included. Only the words that may start like one of the
    # query's (a phrase's first word) are analysed; a phrase reads on from its first word.
    every = analysis_spans(text, whole=True, heads=heads(terms))
    prefixes = terms.prefixes
    spans = [
        (start, end)
        for word, stem, start, end, _ in every
        if stem in terms.stems
        or word in terms.exact
        or (prefixes and any(word.startswith(p) for p in prefixes))
    ]
    for word, stem, start, _end, is_whole in every if terms.phrases else ():
        for phrase in terms.phrases:
            if is_whole or (phrase[0] != stem and phrase[0] != word):  # most words fail here
                continue
            window = spans_from(text, start, len(phrase))
            if len(window) == len(phrase) and (
                tuple(t[1] for t in window) == phrase or tuple(t[0] for t in window) == phrase
            ):
                spans.append((start, window[-1][3]))
    return merge_spans(spans)


# Stems whose words do not all begin with their first two letters: Snowball's dying, lying and
# tying (die, lie, tie). Checked on every word of up to three letters with common suffixes, and
# on 92,000 words of real prose: no other stem of three letters or more begins otherwise.
IRREGULAR_STEMS = frozenset({"die", "lie", "tie"})


def heads(terms: MatchTerms) -> frozenset[str] | None:
    """How the words the query looks for begin (of a phrase, its first word): a passage's word
    can match only if one of its terms begins so (see analysis.candidate_tokens). None when any
    word may match (an empty prefix)."""
    words = (*terms.stems, *terms.exact, *terms.prefixes, *(phrase[0] for phrase in terms.phrases))
    if not all(words):
        return None
    return frozenset(map(_head, words))


def _head(word: str) -> str:
    """Two letters or digits of an ASCII word of three characters or more (a word's English
    stem keeps them), else its first character. By first characters, a sixth of the words of a
    three-word query's hits were analysed; by two, a twentieth."""
    word = word.lower()
    two = word[:2]
    if len(word) >= 3 and two.isascii() and two.isalnum() and word not in IRREGULAR_STEMS:
        return two
    return word[:1]


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def marked(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """Escaped text[start:end] with <mark> around each span."""
    end = len(text) if end is None else end
    out, cursor = [], start
    for a, b in spans:
        a, b = max(a, start), min(b, end)
        if a >= b:
            continue
        out.append(html.escape(text[cursor:a], quote=False))
        out.append(f"<mark>{html.escape(text[a:b], quote=False)}</mark>")
        cursor = b
    out.append(html.escape(text[cursor:end], quote=False))
    return "".join(out)


def candidate_region(text: str, terms: MatchTerms, width: int) -> tuple[int, int]:
    """A stretch of a long text around the first likely match, found with a cheap regex, so that
    only it is analyzed (section documents run to thousands of words)."""
    words = set(terms.stems) | set(terms.exact) | set(terms.prefixes) | {w for p in terms.phrases for w in p}
    stems = sorted({w[: max(3, len(w) - 1)] for w in words if w}, key=len, reverse=True)
    if not stems:
        return 0, min(len(text), 3 * width)
    start = max(0, first_of(text, stems) - width)
    return start, min(len(text), start + 3 * width)


def first_of(text: str, stems: list[str]) -> int:
    """Where the first of the stems is in the text, in either case (0 when none is): found in the
    text lowercased by str.find, 23 us a long text, where a regular expression compiled for each
    query took 181; by the expression when lowercasing changes the text's length (İ), so that
    positions stay the text's own."""
    lowered = text.lower()
    if len(lowered) != len(text):
        match = re.search("|".join(re.escape(s) for s in stems), text, re.IGNORECASE)
        return match.start() if match else 0
    found = [at for at in (lowered.find(stem.lower()) for stem in stems) if at >= 0]
    return min(found, default=0)


def snippet(text: str, terms: MatchTerms, width: int = SNIPPET_CHARS) -> str:
    """The best window of a passage (most marks), escaped, with <mark>; ellipses where cut."""
    if len(text) > 4 * width:
        start, end = candidate_region(text, terms, width)
        start = text.rfind(" ", 0, start) + 1 if start else 0
        space = text.find(" ", end)
        # At the next space, unless the text has none near (a run of symbols): then cut there,
        # so that the window is always shorter than the text it came from.
        end = space if 0 < space <= start + 4 * width else min(len(text), start + 3 * width)
        inner = snippet(text[start:end], terms, width)
        if start and not inner.startswith("… "):
            inner = "… " + inner
        return inner + (" …" if end < len(text) and not inner.endswith(" …") else "")
    spans = match_spans(text, terms)
    if len(text) <= width:
        return marked(text, spans)
    start = best_window(text, spans, width)
    end = min(len(text), start + width)
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    if start > 0 and text[start - 1] != " ":
        start = text.find(" ", start) + 1 or start
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return prefix + marked(text, spans, start, end) + suffix


def best_window(text: str, spans: list[tuple[int, int]], width: int) -> int:
    if not spans:
        return 0
    best, best_count = 0, -1
    for a, _ in spans:
        begin = max(0, a - width // 4)
        count = sum(1 for s, e in spans if s >= begin and e <= begin + width)
        if count > best_count:
            best, best_count = begin, count
    return best


def highlight_html(fragment: str, text: str, terms: MatchTerms) -> str:
    """Mark matches inside display HTML (escaped text + <em>/<strong>), keeping its tags.

    Spans come from the plain text; the fragment's text content is the same characters.
    """
    spans = match_spans(text, terms)
    if not spans:
        return fragment
    pieces, offset = [], 0
    for piece in TAG.split(fragment):
        if TAG.fullmatch(piece):
            pieces.append(piece)
            continue
        plain = html.unescape(piece)
        local = [(a - offset, b - offset) for a, b in spans if b > offset and a < offset + len(plain)]
        pieces.append(marked(plain, local))
        offset += len(plain)
    if offset != len(text):  # the fragment's text differs from the passage text: mark the text instead
        return marked(text, spans)
    return "".join(pieces)
