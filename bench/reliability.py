"""The reliability campaign: `python bench/reliability.py [--quick]` (or `make reliability`).

Three measurements, each bounded in count and time, against 127.0.0.1 only:
1. a hostile corpus (tests/hostile.py) beside good articles, through `archive check` and
   `archive reindex`: files tried, failures named, tracebacks, good files lost, outside files read;
2. a fuzz of the running server (`archive serve`): hostile query strings, facet and page values,
   paths and Host headers; responses with status 5xx or no response;
3. reindexes made to die: at every named fault point of the commit, and by SIGKILL at random
   moments; after each, the index must open whole (the old state or the new) and the next
   reindex must succeed.
Writes bench/results/reliability-<stamp>.json and prints a table. Nothing is asserted here.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from hostile import good_markdown, write_hostile_corpus  # noqa: E402

from archive.faults import FAULT_POINTS  # noqa: E402

ARCHIVE = [sys.executable, "-m", "archive"]
SEED = ROOT / "corpus" / "cc-2019-09-china-russia.md"
ALPHABET = [
    *'abcxyz "()*-+:[]~^\\/&|?!.,;战略互信ёжик\u0000\u202e\u200b😀',
    " AND ", " OR ", " NOT ", "kind:", "year:", "date:", "section:", "author:", "title:", "article:",
    "99999999999999999999", "0000-00-00", "<script>", "%00", "../", "\n",
]  # fmt: skip


def run(command: list[str], env: dict, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, check=False)


def hostile_folder(workdir: Path, env: dict, good_count: int) -> dict:
    corpus = workdir / "corpus"
    cases = write_hostile_corpus(corpus, workdir / "outside")
    for n in range(good_count):
        (corpus / f"extra-{n:03}.md").write_text(good_markdown(f"goodword{n:03}x"), encoding="utf-8")
    (corpus / SEED.name).write_bytes(SEED.read_bytes())
    started = time.monotonic()
    check = run([*ARCHIVE, "check", str(corpus)], env)
    index_dir = workdir / "index"
    reindex = run([*ARCHIVE, "reindex", "--corpus", str(corpus), "--index", str(index_dir)], env)
    seconds = time.monotonic() - started
    words = [c.word for c in cases if c.outcome == "good"] + [f"goodword{n:03}x" for n in range(good_count)]
    lost = [w for w in words if not search_total(index_dir, w, env)]
    outside = [
        c.word for c in cases if c.outcome == "skipped" and c.word and search_total(index_dir, c.word, env)
    ]
    named = reindex.stderr.count("failed: ") + reindex.stderr.count("skipped: ")
    expected_bad = sum(c.outcome in ("failed", "skipped") for c in cases)
    return {
        "files tried": len(cases) + good_count + 1,
        "good files": len(words) + 1,
        "bad files named": f"{named} (at least {expected_bad} expected)",
        "tracebacks": check.stderr.count("Traceback") + reindex.stderr.count("Traceback"),
        "good files lost": len(lost),
        "outside files indexed": len(outside),
        "check exit": check.returncode,
        "reindex exit": reindex.returncode,
        "seconds (check + reindex)": round(seconds, 1),
        "index": str(index_dir),
    }


def search_total(index_dir: Path, word: str, env: dict) -> int:
    result = run([*ARCHIVE, "search", word, "--json", "--index", str(index_dir)], env)
    try:
        return json.loads(result.stdout)["total"]
    except (ValueError, KeyError):
        return 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fuzz_server(index_dir: Path, env: dict, requests: int, seconds: float) -> dict:
    port = free_port()
    server = subprocess.Popen(
        [*ARCHIVE, "serve", "--index", str(index_dir), "--port", str(port), "--corpus", str(index_dir)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    rng = random.Random(7)
    counts = {"requests": 0, "5xx": 0, "no response": 0, "4xx": 0}
    try:
        wait_for_port(port)
        deadline = time.monotonic() + seconds
        while counts["requests"] < requests and time.monotonic() < deadline:
            path, headers = fuzzed_request(rng)
            status = fetch(port, path, headers)
            counts["requests"] += 1
            if status is None:
                counts["no response"] += 1
            elif status >= 500:
                counts["5xx"] += 1
            elif status >= 400:
                counts["4xx"] += 1
    finally:
        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=30)
    counts["tracebacks in the server log"] = errors.count("Traceback")
    return counts


def fuzzed_request(rng: random.Random) -> tuple[str, dict]:
    text = "".join(rng.choice(ALPHABET) for _ in range(rng.choice((1, 3, 10, 40, 300))))
    kind = rng.random()
    if kind < 0.5:
        path = f"/search?q={quote(text)}"
    elif kind < 0.7:
        facet = rng.choice(("kind", "year", "section", "article", "sort", "page", "size", "bogus"))
        path = f"/api/search?q={quote(text[:20])}&{facet}={quote(text)}&page={rng.randint(-5, 10**6)}"
    elif kind < 0.85:
        path = f"/a/{quote(text, safe='')}/p/{rng.choice(('1', '-1', '99999999999999999999', quote(text)))}"
    else:
        path = rng.choice(("/api/passages/", "/api/articles/", "/a/")) + quote(text, safe="")
    headers = {}
    if rng.random() < 0.2:
        headers["Host"] = rng.choice(
            ("a" * 70 + ".org", "evil.example", "[::1]:80", "x y", "127.0.0.1:99999")
        )
    return path, headers


def fetch(port: int, path: str, headers: dict) -> int | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the server did not start on port {port}")


REINDEX = "import sys; from pathlib import Path; from archive.reindex import reindex; reindex(Path(sys.argv[1]), Path(sys.argv[2]), full=True)"


def kill_cycles(workdir: Path, env: dict, random_kills: int) -> dict:
    corpus, index_dir = workdir / "kill-corpus", workdir / "kill-index"
    corpus.mkdir()
    for n in range(20):
        (corpus / f"a{n:02}.md").write_bytes(SEED.read_bytes().replace(b"Putin", f"Putin{n:02}".encode()))
    run([*ARCHIVE, "reindex", "--corpus", str(corpus), "--index", str(index_dir)], env)
    rng = random.Random(11)
    trials = [("fault", f"{point}:exit") for point in FAULT_POINTS] * 2
    trials += [("kill", rng.uniform(0.3, 4.0)) for _ in range(random_kills)]
    lost, failed_next = 0, 0
    before = passages_each(index_dir, env)
    for what, how in trials:
        for path in corpus.glob("*.md"):  # a change in every file, so each reindex has work to do
            path.write_text(
                path.read_text(encoding="utf-8") + f"\n\nEdit {rng.random()}.\n", encoding="utf-8"
            )
        trial_env = {**env, "ARCHIVE_FAULT": how} if what == "fault" else env
        process = subprocess.Popen(
            [sys.executable, "-c", REINDEX, str(corpus), str(index_dir)], env=trial_env
        )
        if what == "kill":
            time.sleep(how)
            process.kill()
        process.wait(timeout=300)
        lost += passages_each(index_dir, env) not in (before, before + 1)  # old state or new, whole
        check = run([*ARCHIVE, "reindex", "--corpus", str(corpus), "--index", str(index_dir)], env)
        failed_next += check.returncode != 0
        before = passages_each(index_dir, env)
    return {"reindexes killed": len(trials), "states lost or mixed": lost, "next reindex failed": failed_next}


WHOLE = """
import sys, json
from collections import Counter
from archive.engine.index import IndexHandle
handle = IndexHandle(sys.argv[1])
counts = Counter(f["article"] for f in handle.searcher().documents(doctype="passage"))
print(json.dumps(counts))
"""


def passages_each(index_dir: Path, env: dict) -> int | None:
    """The number of passages every one of the 20 articles has, None unless they all have the
    same (every trial adds a paragraph to every file: a mix of old and new would differ)."""
    result = run([sys.executable, "-c", WHOLE, str(index_dir)], env)
    try:
        counts = json.loads(result.stdout)
    except ValueError:
        return None
    values = set(counts.values())
    return values.pop() if len(counts) == 20 and len(values) == 1 else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer files, requests and kills (3 minutes)")
    parser.add_argument("--kills-only", action="store_true", help="only the killed reindexes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="archive-reliability-") as tmp:
        workdir = Path(tmp)
        env = {**os.environ, "ARCHIVE_KEY_FILE": str(workdir / "index.key"), "PYTHONPATH": str(ROOT)}
        if args.quick:
            env["ARCHIVE_FILE_SECONDS"] = "3"
        results = {
            "machine": f"{os.cpu_count()} cores",
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        if not args.kills_only:
            results["hostile folder"] = folder = hostile_folder(workdir, env, 20 if args.quick else 150)
            results["server fuzz"] = fuzz_server(
                Path(folder.pop("index")), env, 300 if args.quick else 3000, 60 if args.quick else 600
            )
        results["kills"] = kill_cycles(workdir, env, 3 if args.quick else 20)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = ("-kills" if args.kills_only else "") + ("-quick" if args.quick else "")
    out = ROOT / "bench" / "results" / f"reliability-{stamp}{suffix}.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    for section, values in results.items():
        if isinstance(values, dict):
            print(f"\n#### {section}\n\n| measure | value |\n|---|---|")
            print("\n".join(f"| {k} | {v} |" for k, v in values.items()))
    print(f"\n{out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
