"""Before and after, side by side in one run: `python bench/compare.py --baseline REV`.

The baseline commit is checked out in a temporary git worktree and the working tree's package is
copied as it is at the start; the same corpus is built and
searched with it and with the working tree, in alternating rounds (so that a busy moment of the
machine hits both), and the median of the rounds is reported with the ratio after/before.
Measures: full build, one changed article, and per query class the library latency (p50, p95 over
repetitions) and the first-time cost on a freshly opened index. No assertion: figures only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from make_corpus import write_corpus  # noqa: E402
from queries import Sampler  # noqa: E402

# Runs inside one revision's checkout (its own `archive` on sys.path); the module that holds
# IndexHandle moved over time, so both places are tried.
MEASURE = r"""
import json, sys, time
from pathlib import Path
from archive.reindex import reindex
from archive.search import Request, search
try:
    from archive.engine.index import IndexHandle
except ImportError:
    from archive.index import IndexHandle

corpus, index_dir, reps = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
queries = json.loads(sys.argv[4])
out = {}
started = time.perf_counter()
reindex(corpus, index_dir)
out["build s"] = time.perf_counter() - started
first = sorted(corpus.glob("*.md"))[0]
original = first.read_text(encoding="utf-8")
first.write_text(original.replace(". ", ". Indeed, ", 1), encoding="utf-8")
out["one changed s"] = reindex(corpus, index_dir).seconds
first.write_text(original, encoding="utf-8")
reindex(corpus, index_dir)
handle = IndexHandle(index_dir)
search(handle, Request("zzzz"))  # the per-generation tables, once
for name, query in queries.items():
    started = time.perf_counter()
    search(handle, Request(query))
    out[f"{name}: first ms"] = (time.perf_counter() - started) * 1000
for name, query in queries.items():
    samples = []
    for _ in range(reps):
        started = time.perf_counter()
        search(handle, Request(query))
        samples.append(time.perf_counter() - started)
    samples.sort()
    out[f"{name}: p50 ms"] = samples[len(samples) // 2] * 1000
    out[f"{name}: p95 ms"] = samples[min(len(samples) - 1, int(0.95 * len(samples)))] * 1000
print(json.dumps(out))
"""


def worktree(revision: str, where: Path) -> Path:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(where), revision],
                   check=True, capture_output=True)  # fmt: skip
    # citeproc-js is installed by npm, not committed: the baseline uses the working tree's copy.
    modules = ROOT / "archive" / "csl" / "node_modules"
    if modules.is_dir() and not (where / "archive" / "csl" / "node_modules").exists():
        (where / "archive" / "csl" / "node_modules").symlink_to(modules)
    return where


def snapshot(where: Path) -> Path:
    """The working tree's package as it is now: edits made while the comparison runs must not
    reach half of its rounds."""
    modules = ROOT / "archive" / "csl" / "node_modules"
    shutil.copytree(
        ROOT / "archive", where / "archive", ignore=shutil.ignore_patterns("node_modules", "__pycache__")
    )
    if modules.is_dir():
        (where / "archive" / "csl" / "node_modules").symlink_to(modules)
    return where


def one_per_class(corpus: Path) -> dict[str, str]:
    """A query of each class, drawn from the corpus's passages as the working tree parses them."""
    sys.path.insert(0, str(ROOT))
    from archive.parse import parse_file

    passages = [p for path in sorted(corpus.iterdir()) for p in parse_file(path).passages]
    return {name: drawn[0][0] for name, drawn in Sampler(passages).queries(1).items()}


def measure(checkout: Path, corpus: Path, index_dir: Path, reps: int, queries: dict[str, str]) -> dict:
    shutil.rmtree(index_dir, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(corpus), str(index_dir), str(reps), json.dumps(queries)],
        capture_output=True, text=True, check=True, env=env, cwd=checkout,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="the commit to compare with (e.g. HEAD~1, a hash)")
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reps", type=int, default=30, help="repetitions of each query per round")
    args = parser.parse_args()
    os.environ.setdefault("ARCHIVE_KEY_FILE", str(Path(tempfile.gettempdir()) / "archive-bench.key"))
    with tempfile.TemporaryDirectory(prefix="archive-compare-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        calibration = write_corpus(args.passages, corpus)
        queries = one_per_class(corpus)
        before = worktree(args.baseline, work / "baseline")
        after = snapshot(work / "working-tree")
        runs: dict[str, list[dict]] = {"before": [], "after": []}
        try:
            for _ in range(args.rounds):
                runs["before"].append(measure(before, corpus, work / "index-before", args.reps, queries))
                runs["after"].append(measure(after, corpus, work / "index-after", args.reps, queries))
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)], check=False
            )
    print(f"{args.passages} passages ({json.dumps(calibration, ensure_ascii=False)}); baseline {args.baseline}; "
          f"median of {args.rounds} alternating rounds; queries {json.dumps(queries, ensure_ascii=False)}\n")  # fmt: skip
    print("| measure | before | after | after/before |\n|---|---:|---:|---:|")
    for key in runs["after"][0]:
        old = statistics.median(r[key] for r in runs["before"] if key in r)
        new = statistics.median(r[key] for r in runs["after"])
        print(f"| {key} | {old:.2f} | {new:.2f} | {new / old:.2f} |")


if __name__ == "__main__":
    main()
