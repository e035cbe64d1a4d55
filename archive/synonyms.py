"""Synonyms a corpus declares in `synonyms.txt` at its top, in the Solr/Elasticsearch format:

    # equivalent words: each finds the others
    uncrewed, unmanned, drone
    PRC, China, People's Republic of China
    # explicit: a query for the words on the left searches those on the right
    Beijing => China, Beijing

Read at reindex time and stored in the index (a change to the file is a change to the index);
applied at query time to the words typed outside quotes. A key is one word; alternatives may be
phrases. Never an error: a line the archive cannot use is reported and skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SYNONYMS_FILE = "synonyms.txt"
MAX_BYTES = 1024 * 1024
MAX_ALTERNATIVES = 20  # per word: more would make every query on it slow


@dataclass(frozen=True)
class Synonyms:
    """word (lower case) -> what is searched for it: the word itself and its equivalents, or
    (for an explicit `=>` rule) the words on the right."""

    table: dict[str, tuple[str, ...]] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.table)

    def searched_for(self, word: str) -> tuple[str, ...]:
        """What to search for a word the user typed (the word alone when it has no synonyms)."""
        found = self.table.get(word.lower())
        if found is None:
            return (word,)
        return tuple(word if alternative == SELF else alternative for alternative in found)


SELF = ""  # stands for the word as the user typed it


def read_synonyms_text(corpus_dir: Path) -> str | None:
    """The corpus's synonyms.txt as text, None when it has none; ValueError when unreadable."""
    path = corpus_dir / SYNONYMS_FILE
    if not path.is_file() or path.is_symlink():
        return None
    if path.stat().st_size > MAX_BYTES:
        raise ValueError(f"{path} is over {MAX_BYTES // 1024} KB; synonyms were not read")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{path} cannot be read as UTF-8 text ({error}); synonyms were not read") from error


def parse_synonyms(text: str) -> Synonyms:
    table: dict[str, list[str]] = {}
    problems = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        left, arrow, right = line.partition("=>")
        keys = [w.strip() for w in left.split(",") if w.strip()]
        values = [w.strip() for w in (right if arrow else left).split(",") if w.strip()]
        if not keys or not values:
            problems.append(f"line {number}: no words on one side of {line!r}; skipped")
            continue
        for key in keys:
            if " " in key:
                if arrow:
                    problems.append(
                        f"line {number}: {key!r} is several words, and only one word can be replaced; skipped"
                    )
                continue  # a phrase is found through the other words of its line
            found = table.setdefault(key.lower(), [] if arrow else [SELF])
            found += [
                SELF if v.lower() == key.lower() else v for v in values if arrow or v.lower() != key.lower()
            ]
    return Synonyms(
        {key: tuple(dict.fromkeys(values))[:MAX_ALTERNATIVES] for key, values in table.items() if values},
        tuple(problems),
    )
