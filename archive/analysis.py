"""The one analysis used at index and query time: English and Russian stemming, CJK bigrams, folding."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer
from whoosh.lang import stemmer_for_language

# Han ideographs and Japanese kana have no spaces between words: they are indexed as bigrams.
CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(rf"[{CJK_CHARS}]+|[^\W_{CJK_CHARS}]+(?:['’][^\W_{CJK_CHARS}]+)*")
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

    def __init__(self, stemmed: bool):
        self.stemmed = stemmed

    def __eq__(self, other):
        return self.__class__ is other.__class__ and self.stemmed == other.stemmed

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
        matches = TOKEN.finditer(value) if tokenize else [re.match(r"(?s).*", value)]
        pos = start_pos
        for match in matches:
            word = match.group(0)
            if tokenize and len(word) > MAX_WORD_CHARS and not CJK_RUN.match(word):
                pos += 1
                continue
            pieces = cjk_pieces(word) if tokenize and CJK_RUN.match(word) else [(0, len(word))]
            for start, end in pieces:
                text = fold(word[start:end].lower())
                token.text = stem(text) if self.stemmed else text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = word[start:end]
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar = start_char + match.start() + start
                    token.endchar = start_char + match.start() + end
                pos += 1
                yield token


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


def exact_analyzer() -> MixedScriptAnalyzer:
    """Unstemmed, lowercased, folded words: exact phrases, names and spelling suggestions."""
    return MixedScriptAnalyzer(stemmed=False)


def stemming_analyzer() -> MixedScriptAnalyzer:
    """The search analyzer: exact_analyzer plus Snowball stemming (English or Russian per word)."""
    return MixedScriptAnalyzer(stemmed=True)


def spans(text: str) -> list[tuple[str, str, int, int]]:
    """(exact term, stemmed term, start, end) of every token: the analyzers' output with offsets,
    computed without Whoosh's token machinery (highlighting runs this on every hit)."""
    out = []
    for match in TOKEN.finditer(text):
        word = match.group(0)
        pieces = cjk_pieces(word) if CJK_RUN.match(word) else [(0, len(word))]
        for start, end in pieces:
            exact = fold(word[start:end].lower())
            out.append((exact, stem(exact), match.start() + start, match.start() + end))
    return out


def analyze(text: str, stemmed: bool = True) -> list[str]:
    """The terms a text becomes, in order."""
    analyzer = stemming_analyzer() if stemmed else exact_analyzer()
    return [token.text for token in analyzer(text)]
