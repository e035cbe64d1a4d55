"""The one analysis used at index and query time: English and Russian stemming, CJK bigrams,
folding, and compounds as written (China-Russia, S-400, COVID-19, U.S., 9/11, AT&T, e-commerce).

A compound is indexed as its parts at consecutive positions (so "China Russia" and the phrase
"China-Russia relations" find it) and as the parts run together at the last part's position (so
"chinarussia" or "ecommerce" find "China-Russia" and "e-commerce"), as Elasticsearch's
word_delimiter_graph does with catenate_all. At query time (mode "query") only the parts are
produced: query.py turns a compound the user typed into the phrase of its parts OR the run-together
form. Numbers keep their decimal point (1.5, 2.7.5) and lose thousands separators (80,000 -> 80000);
initialisms are one word (U.S. -> us).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer
from whoosh.lang import stemmer_for_language

# Han ideographs and Japanese kana have no spaces between words: they are indexed as bigrams.
CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A word: letters and digits, with inner apostrophes (Xi's). Possessive quantifiers throughout:
# a tokenizer that backtracks can be made quadratic by one crafted paragraph ("1.1.1…1a1").
# A word may end in "++" (C++, Notepad++), one of a letter or two in "#" (C#, F#): without them,
# "C++" was searched as "c".
_WORD = rf"[^\W_{CJK_CHARS}]++(?:['’][^\W_{CJK_CHARS}]++)*+(?:(?:\+\+|(?<!\w\w\w)#)(?![\w+#]))?+"
# What joins words into a compound: a hyphen (and the dashes used as one: U+2010, U+2011, the en
# dash of "Sino–Soviet"), a slash, a dot, an ampersand, a comma between digits (80,000). Not the
# em dash, which is punctuation.
JOINER = "-‐‑–/.&"
_JOIN = rf"(?:[{JOINER}]|(?<=\d),(?=\d))"
TOKEN = re.compile(rf"[{CJK_CHARS}]++|{_WORD}(?:{_JOIN}{_WORD})*+")
CJK_TOKEN = re.compile(rf"[{CJK_CHARS}]++")
# A character a token other than a run of CJK may hold: before it, a token may still go on.
TOKEN_CHAR = re.compile(rf"[^\W_{CJK_CHARS}]|[{JOINER}'’,]")
SPLIT = re.compile(rf"({_JOIN})")
CJK_RUN = re.compile(rf"[{CJK_CHARS}]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# A "word" longer than this is not a word (base64, a run of one letter): it is not indexed, as
# Lucene's StandardTokenizer drops tokens over 255 characters.
MAX_WORD_CHARS = 100


def cjk_pieces(run: str) -> list[tuple[int, int]]:
    """Overlapping bigrams of a CJK run, or the single character of a one-character run."""
    return [(i, i + 2) for i in range(len(run) - 1)] or [(0, len(run))]


class MixedScriptAnalyzer(Tokenizer):
    """Words of alphabetic scripts and overlapping bigrams of CJK runs (战略互信 -> 战略 略互 互信),
    lowercased and folded, and Snowball-stemmed when `stemmed`: one pass, no filter chain,
    because indexing spends most of its time here."""

    def __init__(self, stemmed: bool, cjk: bool = True):
        self.stemmed = stemmed
        self.cjk = cjk

    def __eq__(self, other):  # an analyzer is compared when Whoosh checks a schema
        return (
            self.__class__ is other.__class__
            and self.stemmed == other.stemmed
            and self.indexes_cjk == other.indexes_cjk
        )

    @property
    def indexes_cjk(self) -> bool:
        return getattr(self, "cjk", True)  # analyzers pickled before the option index CJK

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            pieces = [as_one_term(value)]
        elif mode == "query":
            pieces = text_pieces(value, whole=False)
        else:
            pieces = indexed_pieces(value, self.indexes_cjk)
        pos = start_pos
        stemmed = self.stemmed
        for text, original, start, end, whole in pieces:
            if not text:  # SKIPPED
                pos += 1
                continue
            token.text = stem(text) if stemmed else text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = original
            if positions:
                token.pos = pos - 1 if whole else pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            pos += not whole
            yield token


def as_one_term(value: str) -> Piece:
    """A word given whole (a prefix, a wildcard) as the index holds it: one word or number as
    its term (80,000 -> 80000), a compound as its run-together form (non-lexical -> nonlexical,
    so that non-lexical* finds it); anything else folded and lowercased."""
    whole = (fold(value.lower()), value, 0, len(value), False)
    if not TOKEN.fullmatch(value):
        return whole
    pieces = text_pieces(value, whole=True)
    joined = [piece for piece in pieces if piece[4]]
    if joined:
        return (joined[-1][0], value, 0, len(value), False)
    return (pieces[0][0], value, 0, len(value), False) if len(pieces) == 1 and pieces[0][0] else whole


# One term of a text before stemming, as a plain tuple (this is the indexing hot path): its folded
# text, the text as written, where it is, and whether it is the run-together form of a compound
# (indexed at its last part's position).
Piece = tuple[str, str, int, int, bool]
SKIPPED: Piece = ("", "", 0, 0, False)  # a position taken by a piece the analyzer leaves out
JOINER_CHARS = frozenset(JOINER + ",")


def text_pieces(text: str, whole: bool = True, cjk: bool = True) -> list[Piece]:
    """Words, CJK bigrams (unless not `cjk`) and compound parts in order; with `whole`, each
    compound's parts are followed by their run-together form. Over-long words are left out.
    A list, not a generator, with a path of its own for plain ASCII words (most of them): the
    writers run this on every passage, and those steps took a third of its time."""
    out: list[Piece] = []
    add = out.append
    for match in TOKEN.finditer(text):
        word = match.group()
        if JOINER_CHARS.isdisjoint(word):  # most words: one piece
            if word.isascii():  # neither CJK nor anything to fold
                if len(word) <= MAX_WORD_CHARS:
                    add((word.lower(), word, *match.span(), False))
            elif CJK_RUN.match(word):
                if not cjk:  # left out, but its positions kept: no phrase may jump across it
                    out += [SKIPPED] * len(cjk_pieces(word))
                    continue
                offset = match.start()
                for start, end in cjk_pieces(word):
                    add((word[start:end], word[start:end], offset + start, offset + end, False))
            elif len(word) <= MAX_WORD_CHARS:
                add((fold(word.lower()), word, *match.span(), False))
        elif len(word) <= MAX_WORD_CHARS:
            offset = match.start()
            units = [(unit_text(word[start:end]), start, end) for start, end in unit_spans(word)]
            for unit, start, end in units:
                add((unit, word[start:end], offset + start, offset + end, False))
            if whole and len(units) > 1:
                add(("".join(u for u, _, _ in units), word, offset, match.end(), True))
    return out


def term_positions(analyzer: MixedScriptAnalyzer, value: str) -> dict[str, list[int]]:
    """Each term the analyzer makes of a text being indexed, with its positions, in order of
    first appearance: its tokens (see __call__: the same pieces, positions and stems) without a
    token object each. The pieces are those with CJK bigrams, whichever the analyzer: the other
    analysis of the text is already cached (indexed_pieces), and an analyzer that leaves CJK out
    takes the place of each bigram, as its own pieces do."""
    positions: dict[str, list[int]] = {}
    pos, stemmed, skip_cjk = 0, analyzer.stemmed, not analyzer.indexes_cjk
    for text, original, _, _, whole in indexed_pieces(value, True):
        # left out, keeping its position: decided on the text as written, as the analyzer does
        # (halfwidth katakana fold into CJK, and are words)
        if not text or (skip_cjk and CJK_RUN.match(original)):
            pos += 1
            continue
        term = stem(text) if stemmed else text
        at = positions.get(term)
        if at is None:
            positions[term] = [pos - 1 if whole else pos]
        else:
            at.append(pos - 1 if whole else pos)
        pos += not whole
    return positions


@lru_cache(maxsize=8)
def indexed_pieces(text: str, cjk: bool = True) -> tuple[Piece, ...]:
    """text_pieces of a text being indexed, kept for the few texts indexed at once: a passage's
    text is analysed for two fields and its word pairs (pairs.py)."""
    return tuple(text_pieces(text, whole=True, cjk=cjk))


def unit_spans(word: str) -> list[tuple[int, int]]:
    """Where the units of a token are: its words, except that digits joined by dots or commas
    are one number (1.5, 2.7.5, 80,000) and single letters joined by dots one initialism (U.S.)."""
    pieces = SPLIT.split(word)  # word, joiner, word, joiner, …
    spans, position = [], 0
    for piece in pieces[::2]:
        spans.append((position, position + len(piece)))
        position += len(piece) + 1  # every joiner is one character
    joiners = pieces[1::2]
    merged, i = [], 0
    while i < len(spans):
        j = i
        while j + 1 < len(spans) and _same_unit(word, spans[j], spans[j + 1], joiners[j]):
            j += 1
        merged.append((spans[i][0], spans[j][1]))
        i = j + 1
    return merged


def _same_unit(word: str, left: tuple[int, int], right: tuple[int, int], joiner: str) -> bool:
    a, b = word[left[0] : left[1]], word[right[0] : right[1]]
    if joiner in ".," and a.isdigit() and b.isdigit():
        return True
    return joiner == "." and len(a) == len(b) == 1 and a.isalpha() and b.isalpha()


def unit_text(unit: str) -> str:
    """A compound unit as a term: folded, lowercased; U.S -> us, 80,000 -> 80000, 1.5 stays."""
    if unit.replace(",", "").replace(".", "").isdigit():
        return unit.replace(",", "")
    return fold(unit.replace(".", "").lower())


def compound_parts(word: str) -> list[str] | None:
    """The parts of a compound as the user wrote them (S-400 -> ['S', '400']), None for a word."""
    if not TOKEN.fullmatch(word) or CJK_RUN.match(word):
        return None
    units = [word[start:end] for start, end in unit_spans(word)]
    return units if len(units) > 1 else None


@lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """Latin accents folded (café -> cafe) and curly apostrophes straightened; Cyrillic kept."""
    word = word.replace("’", "'")
    if CYRILLIC.search(word) or word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


_english = stemmer_for_language("en")
_russian = stemmer_for_language("ru")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball stem in the word's own language: Russian for Cyrillic, English otherwise."""
    if CJK_RUN.match(word):
        return word
    if CYRILLIC.search(word):
        return _russian(word)
    return _english(word)


# Words in capitals: an initialism (U.S.), or two or more capitals and digits (NATO, G20, ФСБ).
CAPITALS = re.compile(r"(?<![\w.])(?:[A-ZА-ЯЁ]\.){2,}+|(?<![\w-])[A-ZА-ЯЁ][A-ZА-ЯЁ0-9]++(?![\w])")


class AcronymAnalyzer(Tokenizer):
    """Only the words written in capitals (NATO, START, PLA, U.S.), lowercased: what a query in
    capitals prefers over the same word in lower case ("New START" the treaty, not "a new start")."""

    def __eq__(self, other):
        return self.__class__ is other.__class__

    def __call__(self, value, positions=False, chars=False, mode="", tokenize=True, **kwargs):
        token = Token(positions, chars, mode=mode, **kwargs)
        for pos, match in enumerate(CAPITALS.finditer(value)):
            token.text, token.boost, token.stopped = unit_text(match.group(0)), 1.0, False
            if positions:
                token.pos = pos
            yield token


def acronym_analyzer() -> AcronymAnalyzer:
    return AcronymAnalyzer()


def exact_analyzer(cjk: bool = True) -> MixedScriptAnalyzer:
    """Unstemmed, lowercased, folded words: exact phrases, names and spelling suggestions.
    Without `cjk`, CJK text is left out at index time (queries still analyse it)."""
    return MixedScriptAnalyzer(stemmed=False, cjk=cjk)


def stemming_analyzer() -> MixedScriptAnalyzer:
    """The search analyzer: exact_analyzer plus Snowball stemming (English or Russian per word)."""
    return MixedScriptAnalyzer(stemmed=True)


Span = tuple[str, str, int, int, bool]
CACHED_WORD_CHARS = 40  # longer tokens (a run of Chinese is one) are analysed, not kept


def spans(text: str, whole: bool = False, heads: frozenset[str] | None = None) -> list[Span]:
    """(exact term, stemmed term, start, end, is the run-together form) of every token: the
    analyzers' output with offsets, computed without Whoosh's token machinery (highlighting runs
    this on every hit, so each word's analysis is kept). Parts follow one another; `whole` adds
    compounds' run-together forms. With `heads`, only the tokens whose terms may start with one
    of them are analysed (see candidate_tokens), so positions do not follow: see spans_from."""
    out = []
    for match in TOKEN.finditer(text) if heads is None else candidate_tokens(text, heads):
        out.extend(_token_spans(match, whole))
    return out


def _token_spans(match: re.Match, whole: bool) -> list[Span]:
    word, offset = match.group(0), match.start()
    analysed = word_spans(word) if len(word) <= CACHED_WORD_CHARS else _word_spans(word)
    return [
        (term, stemmed, offset + start, offset + end, is_whole)
        for term, stemmed, start, end, is_whole in analysed
        if whole or not is_whole
    ]


def spans_from(text: str, offset: int, count: int) -> list[Span]:
    """The first `count` spans of spans(text) (run-together forms left out) from the one that
    starts at `offset`: the words a phrase beginning there would cover."""
    out: list[Span] = []
    start = offset
    run = CJK_TOKEN.match(text, offset)
    if run:  # a run of Chinese: its bigrams from here on are those of the rest of the run
        start = run.end()
        if start - offset == 1:  # a run of one character is its own piece
            bounds = [(offset, start)]
        else:  # the next `count` bigrams only: a run can be thousands of characters
            bounds = [(i, i + 2) for i in range(offset, min(start - 1, offset + count))]
        out = [(text[a:b], text[a:b], a, b, False) for a, b in bounds]
    else:  # back to where the token holding it starts (not across CJK: a Latin token stops there)
        while start and TOKEN_CHAR.match(text, start - 1):
            start -= 1
    for match in TOKEN.finditer(text, start) if len(out) < count else ():
        if match.end() > offset:
            out.extend(span for span in _token_spans(match, False) if span[2] >= offset)
            if len(out) >= count:
                break
    return out[:count]


# Any character outside ASCII but CJK: the token holding it is a candidate whatever the query.
# Compiled once: Python takes milliseconds to compile a class of wide ranges.
NOT_ASCII_NOR_CJK = re.compile("[\x80-\u303f\u3100-\u33ff\u4dc0-\u4dff\ua000-\uf8ff\ufb00-\U0010ffff]")


def candidate_tokens(text: str, heads: frozenset[str]) -> Iterator[re.Match]:
    """The tokens of `text` (as TOKEN.finditer finds them) that may have a term starting with one
    of `heads` (lowercase; one character, or two ASCII letters or digits), found without stepping
    through the others: highlighting spent most of its time stepping through words that could not
    match.

    Lowercasing keeps an ASCII word's characters, and a compound's terms start where its parts
    start; so an ASCII token is a candidate when one of its parts begins with a head, a joiner
    allowed between a head's two characters (a run-together form: U.S. -> us, e-commerce ->
    ecommerce, 1,500 -> 1500). A token with any other character may begin with anything (folding:
    é -> e; the Russian stemmer, used for a word with Cyrillic in it, turns the Latin K of a
    mistyped Kремль into к). A run of Chinese is bigrams, each starting at one of its characters.
    So the tokens are found around those characters (_finder, NOT_ASCII_NOR_CJK); a few found
    cannot match (a head after an apostrophe), none that may is missed."""
    hits = [m.start() for m in _finder(heads).finditer(text)]
    if not text.isascii():
        hits = sorted(hits + [m.start() for m in NOT_ASCII_NOR_CJK.finditer(text)])
    cursor = 0
    for at in hits:
        if at < cursor:  # inside the token just given
            continue
        # Tokens never hold a space: TOKEN finds the same tokens from the last one as from the start.
        for token in TOKEN.finditer(text, max(cursor, text.rfind(" ", 0, at) + 1)):
            if token.end() > at:
                break
        else:
            return  # no token from here on
        if token.start() <= at:
            yield token
            cursor = token.end()
        else:  # a character between tokens (a curly quote, a dash)
            cursor = at + 1


@lru_cache(maxsize=1024)
def _finder(heads: frozenset[str]) -> re.Pattern:
    """An ASCII head, either case, not after an ASCII letter or digit (so starting a token or a
    compound's part, or inside a token with other characters), a head's two characters perhaps
    with one other between them (a joiner); a CJK head anywhere. Without wide or non-ASCII
    classes, so quick to compile: each query has its own, and with a class of the joiners it
    took 0.45 ms (now 0.06)."""
    ascii_heads = sorted(head for head in heads if head.isascii())
    # A head's first character only, the second looked ahead for: a match must not run into the
    # next token ("9 99": the second 9 begins a token of its own)
    alternatives = [
        rf"{re.escape(head[0])}(?=\W?{re.escape(head[1])})" for head in ascii_heads if len(head) == 2
    ]
    if firsts := "".join(re.escape(head) for head in ascii_heads if len(head) == 1):
        alternatives.append(f"[{firsts}]")
    found = [f"(?<![A-Za-z0-9])(?:{'|'.join(alternatives)})"] if alternatives else []
    if cjk_heads := "".join(head[0] for head in sorted(heads) if CJK_RUN.match(head)):
        found.append(f"[{cjk_heads}]")
    # Either case of ASCII letters only: the heads found here are ASCII (other tokens are found
    # by NOT_ASCII_NOR_CJK)
    return re.compile("|".join(found) or "(?!)", re.IGNORECASE | re.ASCII)


def _word_spans(word: str) -> tuple[Span, ...]:
    """spans() of one token, relative to it."""
    return tuple(
        (term, stem(term), start, end, is_whole) for term, _, start, end, is_whole in text_pieces(word)
    )


word_spans = lru_cache(maxsize=100_000)(_word_spans)


def analyze(text: str, stemmed: bool = True) -> list[str]:
    """The terms a text becomes, in order."""
    analyzer = stemming_analyzer() if stemmed else exact_analyzer()
    return [token.text for token in analyzer(text)]
