"""The language an article is written in, from its text, for articles whose metadata and file
name state none: citations need it (styles title-case English titles only, and a Spanish title
cased as English is wrong) and so do the page's lang attribute and its citation_language tag.

Two clues, each cheap and sure enough to act on: the script of the letters (Han without kana is
Chinese, kana Japanese, Hangul Korean, and so on), and for Latin script the share of the most
common function words of each of ten languages. When neither clue is clear, None: the caller
keeps its default."""

from __future__ import annotations

import re
from collections import Counter

SAMPLE_CHARS = 20_000  # the opening of the text is enough, and bounds the cost
MIN_LETTERS = 40  # fewer letters than this say nothing
SCRIPT_SHARE = 0.3  # of letters, for a non-Latin script to name the language
MIN_FUNCTION_SHARE = 0.08  # of words, for the best Latin-script language to count
MARGIN = 1.5  # the best language's function words outnumber the next one's this many times

# Letters of each script (as character ranges: one regular expression pass each) and the
# language the script most often writes
SCRIPTS = {
    "LATIN": ("A-Za-z\u00c0-\u024f\u1e00-\u1eff", None),
    "CJK": ("\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff", "zh"),
    "KANA": ("\u3040-\u30ff\u31f0-\u31ff", "ja"),
    "HANGUL": ("\uac00-\ud7af\u1100-\u11ff\u3130-\u318f", "ko"),
    "CYRILLIC": ("\u0400-\u04ff", "ru"),
    "GREEK": ("\u0370-\u03ff", "el"),
    "HEBREW": ("\u0590-\u05ff", "he"),
    "ARABIC": ("\u0600-\u06ff\u0750-\u077f", "ar"),
    "DEVANAGARI": ("\u0900-\u097f", "hi"),
    "BENGALI": ("\u0980-\u09ff", "bn"),
    "TAMIL": ("\u0b80-\u0bff", "ta"),
    "THAI": ("\u0e00-\u0e7f", "th"),
    "GEORGIAN": ("\u10a0-\u10ff", "ka"),
    "ARMENIAN": ("\u0530-\u058f", "hy"),
}
# Runs of letters, whose lengths are summed: a list of each letter alone took a tenth of parsing
LETTERS = {script: re.compile(f"[{ranges}]+") for script, (ranges, _) in SCRIPTS.items()}
# Chinese, Japanese and Korean write a syllable or a word in one character, where Latin script
# spells it in several letters: counted alike, one English word outweighed five Chinese ones.
# Three letters a character (a syllable's worth) let neither outweigh the other's prose
IDEOGRAPHIC = ("CJK", "KANA", "HANGUL")
LETTERS_PER_CHARACTER = 3
UKRAINIAN_LETTERS = re.compile("[іїєґІЇЄҐ]")  # Cyrillic letters Russian does not use
FUNCTION_WORDS = {
    "en": "the and of to is that with for this are was be it on not by from have which",
    "es": "el la los las que y en es por para con una del se no al como más pero sus",
    "fr": "le la les des et est une du que dans pour pas sur au ce qui il sont avec aux",
    "de": "der die das und ist nicht mit ein eine den zu auf für sich dem von auch wird",
    "pt": "o os as que e do da em um uma para com não é dos das ao pelo mais como",
    "it": "il di che è per non del della con sono gli le un una nel alla anche più come",
    "nl": "de het een en van is dat op te niet met voor zijn die ook als bij aan er",
    "pl": "i w na z się nie do że to jest jak o od po przez dla czy tak ale",
    "id": "yang dan di ke dari ini itu dengan untuk pada adalah dalam tidak akan oleh sebagai juga",
    "tr": "ve bir bu da de için ile olarak çok daha gibi olan kadar sonra ama değil",
}
# Only the words one language has alone ("de" and "la" are in several): each counts for one
_SHARED = Counter(word for words in FUNCTION_WORDS.values() for word in set(words.split()))
# Words of one letter are left out too: "a", "e", "o" are a formula's variables as often
WORDS = {
    language: frozenset(word for word in words.split() if _SHARED[word] == 1 and len(word) > 1)
    for language, words in FUNCTION_WORDS.items()
}
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def detect_language(text: str) -> str | None:
    """The text's language as a BCP 47 primary tag ('ja', 'es'), or None when unclear."""
    sample = text[:SAMPLE_CHARS]
    scripts = _script_counts(sample)
    for script in IDEOGRAPHIC:  # a character is a syllable or a word: weigh it like a word's letters
        scripts[script] *= LETTERS_PER_CHARACTER
    letters = sum(scripts.values())
    if letters < MIN_LETTERS:
        return None
    script, count = scripts.most_common(1)[0]
    if script == "LATIN" or count < SCRIPT_SHARE * letters:
        return _latin_language(sample) if scripts["LATIN"] >= SCRIPT_SHARE * letters else None
    if script == "CJK":
        return "ja" if scripts["KANA"] >= 0.1 * count else "zh"
    if script == "KANA":
        return "ja"
    if script == "CYRILLIC" and UKRAINIAN_LETTERS.search(sample):
        return "uk"
    return SCRIPTS[script][1]


def _script_counts(text: str) -> Counter:
    return Counter({script: sum(map(len, letters.findall(text))) for script, letters in LETTERS.items()})


def _latin_language(text: str) -> str | None:
    words = [word.lower() for word in WORD.findall(text)]
    if not words:
        return None
    counts = Counter(words)  # then each language's few words are looked up, not every word each time
    scores = Counter({language: sum(counts[word] for word in known) for language, known in WORDS.items()})
    (best, first), (_, second) = scores.most_common(2)
    if first < MIN_FUNCTION_SHARE * len(words) or first < MARGIN * second:
        return None
    return best
