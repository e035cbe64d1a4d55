"""Queries for a benchmark, drawn from the indexed passages themselves, so that any folder (the
calibrated corpus or a user's own) is searched for words it holds, in every query class.

Each query has its archive form and its SQLite FTS5 form (None where FTS5 has no equivalent).
Drawn with a fixed seed: the same corpus gives the same queries in every run and revision.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable

HAN = re.compile(r"[\u4e00-\u9fff]{4,}")
WORD = re.compile(r"\b[a-z]{4,}\b")
STOP = frozenset(
    "that this with from have were been which their there they them then than what when where "
    "will would could should about into also more most some such only other over very your".split()
)

CLASSES = (
    "one term",
    "rare term",
    "two terms",
    "three terms",
    "phrase",
    "prefix",
    "field filter",
    "date range",
    "misspelling",
    "Chinese",
)


def has_chinese(text: str) -> bool:
    return bool(HAN.search(text))


def quoted(words: Iterable[str]) -> str:
    return " ".join(f'"{w}"' for w in words)


class Sampler:
    def __init__(self, passages: list, seed: int = 7):
        self.random = random.Random(seed)
        self.english = [p for p in passages if not has_chinese(p.text) and WORD.search(p.text.lower())]
        self.chinese = [p for p in passages if has_chinese(p.text)]
        self.dated = [p for p in passages if p.date_start]
        self.by_kind: dict[str, list] = {}
        for p in passages:
            self.by_kind.setdefault(p.kind, []).append(p)
        frequency = Counter()
        for p in self.english:
            frequency.update(set(self.words(p)))
        self.frequency = frequency
        self.rare = sorted(w for w, n in frequency.items() if n <= 3)

    @staticmethod
    def words(passage) -> list[str]:
        return [w for w in WORD.findall(passage.text.lower()) if w not in STOP]

    def passage_words(self, pool: list, at_least: int = 1) -> list[str]:
        for _ in range(100):
            words = self.words(self.random.choice(pool))
            if len(words) >= at_least:
                return words
        return ["archive"] * at_least

    def one(self, name: str) -> tuple[str, str | None] | None:
        """A query of the class, or None when the folder has nothing to draw it from."""
        r = self.random
        if name not in ("date range", "Chinese") and not self.english:
            return None
        if name == "one term":
            word = r.choice(self.passage_words(self.english))
            return word, quoted([word])
        if name == "rare term":
            word = r.choice(self.rare) if self.rare else r.choice(self.passage_words(self.english))
            return word, quoted([word])
        if name in ("two terms", "three terms"):
            n = 2 if name == "two terms" else 3
            words = r.sample(self.passage_words(self.english, n), n)
            return " ".join(words), quoted(words)
        if name == "phrase":
            text = r.choice(self.english).text.lower()
            pairs = re.findall(r"\b([a-z]{3,}) ([a-z]{3,})\b", text)
            if not pairs:
                return None
            first, second = r.choice(pairs)
            return f'"{first} {second}"', f'"{first} {second}"'
        if name == "prefix":
            long = [w for w in self.passage_words(self.english) if len(w) >= 7] or ["international"]
            stem = r.choice(long)[:5]
            return f"{stem}*", f'"{stem}"*'
        if name == "field filter":
            kinds = [k for k in self.by_kind if k not in ("paragraph", "section")] or ["paragraph"]
            kind = r.choice(kinds)
            english = (
                [p for p in self.by_kind[kind] if not has_chinese(p.text)] if kind != "paragraph" else []
            )
            word = r.choice(self.passage_words(english or self.english))
            return f"kind:{kind} {word}", f"kind:{kind}|{quoted([word])}"
        if name == "date range":
            if not self.dated:
                return None
            month = r.choice(self.dated).date_start[:7]
            return f"date:{month}", f"date:{month}"
        if name == "misspelling":
            word = r.choice([w for w in self.passage_words(self.english) if len(w) >= 6] or ["government"])
            i = r.randrange(1, len(word) - 2)
            typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            return typo, quoted([typo])
        if name == "Chinese":
            if not self.chinese:
                return None
            run = r.choice(HAN.findall(r.choice(self.chinese).text))
            size = r.choice((3, 4))
            start = r.randrange(0, len(run) - size + 1)
            return run[start : start + size], f'"{run[start : start + size]}"'
        raise ValueError(name)

    def queries(self, per_class: int) -> dict[str, list[tuple[str, str | None]]]:
        out = {}
        for name in CLASSES:
            drawn = [q for q in (self.one(name) for _ in range(per_class)) if q]
            if drawn:
                out[name] = drawn
        return out


def paragraph_paths(passages: list, count: int, seed: int = 11) -> list[str]:
    """Addresses of paragraph pages (/a/<article>/p/<n>) of different passages."""
    numbered = [p for p in passages if p.number is not None and p.kind in ("paragraph", "lead", "chronology")]
    chosen = random.Random(seed).sample(numbered, min(count, len(numbered)))
    return [f"/a/{p.article_id}/p/{p.number}" for p in chosen]
