"""Relevance, side by side with SQLite FTS5: `python bench/relevance.py` (or `make relevance`).

Queries as analysts type them, each judged by hand against the seed article and the test
fixtures: a case succeeds when a passage judged relevant is among the first 10 the archive
shows (complete matches, then partial ones), and likewise for FTS5 given the same words (porter
stemming, bm25; its MATCH syntax takes the words quoted, as a site built on it would pass them).
Separate from the speed benchmark (bench/run.py); writes bench/results/relevance-<stamp>.json.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.engine.index import IndexHandle  # noqa: E402
from archive.reindex import reindex  # noqa: E402
from archive.search import Request, search  # noqa: E402

TOP = 10
S = "cc-2019-09-china-russia-"
# (query, passages judged relevant, what the case is about)
CASES = [
    ("US-China trade war", {S + "p14"}, "hyphenated compound"),
    ("Ironically, the US-China trade war and US sanctions", {S + "p14"}, "a pasted sentence"),
    ("China-Russia relations", {S + "p11", S + "p40", S + "p1"}, "hyphenated compound"),
    ("S-400", {S + "p66"}, "model number"),
    ("S400 missiles", {S + "p66"}, "model number, closed up"),
    ("one-to-one talks", {S + "p23"}, "hyphenated phrase"),
    ("Sino-Russian relations", {S + "p36", S + "p49"}, "hyphenated adjective"),
    ("soybeans", {S + "p16", S + "p9"}, "plural"),
    ("sanctioned Russia", {S + "p14"}, "stemming"),
    ('"strategic partnership"', {S + "p7"}, "phrase"),
    ("Moscow Zoo pandas", {S + "p21", S + "fig3"}, "several words"),
    ("panda diplomacy zoo Moscow teddy", {S + "p21", S + "p39", S + "fig3"}, "4-5 words, no passage has all"),
    ("joint air patrol bombers", {S + "p28", S + "p65"}, "several words"),
    ("Lavrov", {S + "p39", S + "p54", S + "p64"}, "name"),
    ("Orenburg", {S + "p34"}, "rare place name"),
    ("Beidou GLONASS satellite", {S + "p15", S + "p71"}, "names"),
    ("alliance Yan Xuetong", {S + "p43", S + "p44"}, "scholar"),
    ("Yeltsin alliance 1999", {S + "p44"}, "year as a word"),
    ("Economist cover", {S + "fig5", S + "p40"}, "figure caption"),
    ("Putin Xi zoo", {S + "p21", S + "fig3"}, "names and a word"),
    ("Xinjiang UN", {S + "p62"}, "acronym"),
    ("PLA Center 2019", {S + "p34"}, "acronym and number"),
    ("KADIZ", {S + "p30"}, "acronym"),
    ("5G Huawei", {S + "fig1"}, "number-letter word"),
    ("战略互信", {S + "p42"}, "Chinese"),
    ("外交月", {S + "p27"}, "Chinese, three characters"),
    ("Аргументы и факты", {S + "p64"}, "Russian"),
    ("pandda zooo", {S + "p21", S + "fig3"}, "misspellings"),
    ("Bishkek summit", {S + "p59", S + "p55"}, "place"),
    ("New START", {"arms-control-p3"}, "treaty name in capitals"),
    ("Intermediate-Range Nuclear Forces", {"arms-control-p2"}, "hyphenated treaty name"),
    ("e-commerce soybeans", {S + "p16"}, "hyphenated"),
]


def build(folder: Path) -> Path:
    corpus = folder / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / "cc-2019-09-china-russia.md", corpus)
    for path in (ROOT / "tests" / "corpus").iterdir():
        if path.is_file():  # the formats/ folder is the format tests' own
            shutil.copy(path, corpus)
    reindex(corpus, folder / "index")
    return folder / "index"


def archive_top(handle: IndexHandle, query: str) -> list[str]:
    results = search(handle, Request(query, page_size=TOP))
    shown = [h.id for h in results.hits] + [h.id for h in (results.partial.hits if results.partial else ())]
    return shown[:TOP]


def fts5_index(handle: IndexHandle) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE p USING fts5(id UNINDEXED, text, tokenize='porter unicode61')")
    for article in handle.parsed_articles():
        db.executemany("INSERT INTO p VALUES (?, ?)", [(x.id, x.text) for x in article.passages])
    return db


def fts5_top(db: sqlite3.Connection, query: str) -> list[str]:
    tokens = re.findall(r'"[^"]*"|\S+', query)
    match = " ".join(t if t.startswith('"') else '"' + t.replace('"', "") + '"' for t in tokens)
    try:
        return [
            row[0]
            for row in db.execute("SELECT id FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT ?", (match, TOP))
        ]
    except sqlite3.Error:
        return []


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="archive-relevance-") as tmp:
        os.environ.setdefault("ARCHIVE_KEY_FILE", str(Path(tmp) / "index.key"))
        handle = IndexHandle(build(Path(tmp)))
        db = fts5_index(handle)
        rows = []
        for query, relevant, about in CASES:
            ours, theirs = archive_top(handle, query), fts5_top(db, query)
            rows.append({"query": query, "about": about, "archive": bool(relevant & set(ours)),
                         "fts5": bool(relevant & set(theirs))})  # fmt: skip
        handle.close()
    found = {name: sum(row[name] for row in rows) for name in ("archive", "fts5")}
    out = ROOT / "bench" / "results" / f"relevance-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(
        json.dumps({"top": TOP, "found": found, "cases": rows}, indent=2, ensure_ascii=False) + "\n"
    )
    print("| query | about | archive | FTS5 |\n|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['query']} | {row['about']} | {'✓' if row['archive'] else '✗'} | {'✓' if row['fts5'] else '✗'} |"
        )
    print(
        f"\nFound in the first {TOP}: archive {found['archive']}/{len(rows)}, FTS5 {found['fts5']}/{len(rows)}"
    )
    print(out.relative_to(ROOT))


if __name__ == "__main__":
    main()
