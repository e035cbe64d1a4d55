"""The performance goals, measured side by side in one run: `python bench/run.py` (or `make bench`).

On the calibrated corpus (bench/make_corpus.py, 130,000 passages by default) or on any folder
(`--corpus DIR`), each run builds the index from nothing, changes one article, searches through
the library, loads the same passages into SQLite FTS5 and runs the same queries there, then
serves the index with the production server and measures `/search`, `/api/search` and paragraph
pages one request at a time and under 16 connections, with a Flask "hello" floor on the same
server setup. Every query and every address is new (drawn from the passages themselves), so no
page cache answers. The median of `--runs` runs is reported against each goal with PASS or MISS,
and everything is written to bench/results/<stamp>.json. No assertion: figures only.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_corpus import CACHE, write_corpus  # noqa: E402
from queries import CLASSES, Sampler, has_chinese, paragraph_paths  # noqa: E402

from archive.engine.index import IndexHandle  # noqa: E402
from archive.search import Request, search, warm  # noqa: E402
from archive.settings import SERVER_THREADS  # noqa: E402

PASSAGES = 130_000
CLIENTS = 16
WRK_THREADS = 2
# Addresses drawn for each load, per second it lasts: more than the fastest page is asked for
# (the hello floor aside), so no page, query or paragraph repeats under load. Words and articles
# still recur (7,500 paragraphs come from about 1,200 articles), as they do for real readers.
LOAD_ADDRESSES_PER_SECOND = 500

# (key, label, goal, unit, "<=" or ">="): what the issue asks, on 2 cores.
GOALS = (
    ("build_s", "full build", 90, "s", "<="),
    ("build_peak_mb", "peak RSS of the build", 1024, "MB", "<="),
    ("one_changed_s", "one changed article", 0.5, "s", "<="),
    ("search_alone_p95", "/search HTML, new URLs, one at a time: p95", 50, "ms", "<="),
    ("search_load_rps", f"/search HTML, {CLIENTS} connections: throughput", 300, "req/s", ">="),
    ("search_load_p95", f"/search HTML, {CLIENTS} connections: p95", 100, "ms", "<="),
    ("search_load_errors", f"/search HTML, {CLIENTS} connections: errors", 0, "", "<="),
    ("api_alone_p95", "/api/search, new URLs, one at a time: p95", 30, "ms", "<="),
    ("api_load_rps", f"/api/search, {CLIENTS} connections: throughput", 300, "req/s", ">="),
    ("api_load_p95", f"/api/search, {CLIENTS} connections: p95", 100, "ms", "<="),
    ("api_load_errors", f"/api/search, {CLIENTS} connections: errors", 0, "", "<="),
    ("paragraph_alone_p95", "paragraph pages, new URLs, one at a time: p95", 50, "ms", "<="),
    ("paragraph_load_rps", f"paragraph pages, {CLIENTS} connections: throughput", 300, "req/s", ">="),
    ("paragraph_load_p95", f"paragraph pages, {CLIENTS} connections: p95", 100, "ms", "<="),
    ("paragraph_load_errors", f"paragraph pages, {CLIENTS} connections: errors", 0, "", "<="),
    ("first_query_ms", "first query on a fresh worker (worst of a hit and a zero-hit query)", 50, "ms", "<="),
    ("fts5_ratio_median", "archive/FTS5 p95, median over query classes", 2, "×", "<="),
)


def percentiles(samples: list[float]) -> dict:
    """p50/p95/p99 in milliseconds of samples in seconds."""
    ordered = sorted(samples) or [0.0]
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": pick(0.50) * 1000, "p95": pick(0.95) * 1000, "p99": pick(0.99) * 1000}


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# -- building ----------------------------------------------------------------------------------

BUILD = """
import json, resource, sys, time
from pathlib import Path
from archive.reindex import reindex
started = time.perf_counter()
report = reindex(Path(sys.argv[1]), Path(sys.argv[2]), full=True)
# The largest process: this one, or a parse worker or writer process.
peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print(json.dumps({"seconds": time.perf_counter() - started, "passages": report.passages,
                  "failed": len(report.failed), "peak_rss_mb": peak / 1024}))
"""


def build(corpus: Path, index_dir: Path) -> dict:
    """A full build from nothing, in its own process (so its peak memory is its own)."""
    shutil.rmtree(index_dir, ignore_errors=True)
    out = subprocess.run(
        [sys.executable, "-c", BUILD, str(corpus), str(index_dir)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["index_mb"] = folder_size(index_dir) / 2**20
    return result


def editable(corpus: Path) -> Path:
    """The first article file a benchmark may append a paragraph to."""
    for suffix in (".md", ".markdown", ".txt", ".html"):
        found = sorted(p for p in corpus.rglob(f"*{suffix}") if p.stat().st_size > 200)
        if found:
            return found[0]
    raise SystemExit(f"no Markdown, text or HTML article in {corpus} to change")


CHANGES = 3  # times an article is changed and restored: six one-article reindexes, median taken


def one_changed(corpus: Path, index_dir: Path) -> float:
    """Median seconds to reindex after one article changed: it gains a paragraph, then loses it
    again, CHANGES times (one sample had a merge of small segments or not by chance). The
    build's writes are flushed to disk first: a just-written gigabyte being written back made a
    change right after the build twice as slow, which is not where anyone edits an article."""
    from archive.reindex import reindex

    path = editable(corpus)
    original = path.read_bytes()
    os.sync()
    seconds = []
    try:
        for take in range(CHANGES):
            added = f"A paragraph added by the benchmark, take {take}."
            path.write_bytes(
                original + (f"<p>{added}</p>" if path.suffix == ".html" else f"\n\n{added}\n").encode()
            )
            seconds.append(reindex(corpus, index_dir).seconds)
            path.write_bytes(original)
            seconds.append(reindex(corpus, index_dir).seconds)
    finally:
        path.write_bytes(original)
        reindex(corpus, index_dir)
    return statistics.median(seconds)


def all_passages(index_dir: Path) -> list:
    handle = IndexHandle(index_dir)
    return [p for article in handle.parsed_articles() for p in article.passages]


# -- the library and FTS5 ----------------------------------------------------------------------


def library(index_dir: Path, queries: dict) -> dict:
    """Per class: each query twice (new, then again) on an index opened once and warmed as a
    server's worker warms it (its first query paid 0.8 s for what a worker builds as it starts);
    p95 over all."""
    handle = IndexHandle(index_dir)
    warm(handle)
    return per_class(queries, lambda name, query, match: search(handle, Request(query)))


def per_class(queries: dict, run) -> dict:
    """Percentiles per query class of run(class, archive query, FTS5 query): each query twice
    (new, then again)."""
    out = {}
    for name, drawn in queries.items():
        samples = []
        for query, match in drawn:
            for _ in range(2):
                started = time.perf_counter()
                run(name, query, match)
                samples.append(time.perf_counter() - started)
        out[name] = percentiles(samples)
    return out


def fts5(passages: list, queries: dict) -> dict:
    """The same passages in SQLite FTS5 (porter stemming, bm25, snippet(); Chinese in a trigram
    table), the same queries: the top 20 with snippets and the count, as the archive gives."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE p USING fts5(id UNINDEXED, kind UNINDEXED, text, tokenize='porter unicode61')"
    )
    db.execute("CREATE VIRTUAL TABLE c USING fts5(id UNINDEXED, text, tokenize='trigram')")
    db.execute("CREATE TABLE d (id TEXT, date_start TEXT, date_end TEXT)")
    db.execute("CREATE INDEX d_start ON d (date_start)")
    started = time.perf_counter()
    db.executemany("INSERT INTO p VALUES (?, ?, ?)", [(p.id, p.kind, p.text) for p in passages])
    db.executemany("INSERT INTO c VALUES (?, ?)", [(p.id, p.text) for p in passages if has_chinese(p.text)])
    db.executemany(
        "INSERT INTO d VALUES (?, ?, ?)",
        [(p.id, p.date_start, p.date_end or p.date_start) for p in passages if p.date_start],
    )
    build_seconds = time.perf_counter() - started

    def run(name: str, match: str) -> None:
        if name == "date range":
            month = match.split(":", 1)[1]
            db.execute("SELECT id FROM d WHERE date_start <= ? AND date_end >= ? ORDER BY date_start LIMIT 20",
                       (month + "-31", month + "-01")).fetchall()  # fmt: skip
            return
        table, column, extra, args = ("c", 1, "", ()) if name == "Chinese" else ("p", 2, "", ())
        if name == "field filter":
            kind, match = match.split("|", 1)
            extra, args = "AND kind = ?", (kind.split(":", 1)[1],)
        top = f"SELECT id, snippet({table}, {column}, '<mark>', '</mark>', '…', 24) FROM {table} WHERE {table} MATCH ? {extra} ORDER BY bm25({table}) LIMIT 20"
        db.execute(top, (match, *args)).fetchall()
        db.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH ? {extra}", (match, *args)).fetchone()

    latency = per_class(queries, lambda name, query, match: run(name, match))
    return {"build_seconds": build_seconds, "latency": latency}


# -- serving -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command: list[str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/readyz")  # 200 once every worker has warmed up
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                return process
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"server on port {port} did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def rss_mb(process: subprocess.Popen) -> float:
    """Resident memory of a server and its worker processes."""
    return sum(memory_mb(process).values())


def memory_mb(process: subprocess.Popen) -> dict[str, float]:
    """A server's and its workers' resident memory: their own (anon), and the index files they
    map (file: the page cache, shared with the system and given back under pressure)."""
    children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout
    totals = {"anon": 0.0, "file": 0.0}
    for pid in [process.pid, *map(int, children.split())]:
        try:
            status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
        except OSError:  # a process that just ended
            continue
        for line in status.splitlines():
            name, _, value = line.partition(":")
            if name in ("RssAnon", "RssFile"):
                totals[name[3:].lower()] += int(value.split()[0]) / 1024
    return totals


def serve_archive(index_dir: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "archive",
        "serve",
        "--index",
        str(index_dir),
        "--corpus",
        str(index_dir),
    ]
    return start([*command, "--port", str(port)], port), port


HELLO = """
from flask import Flask
app = Flask(__name__)
@app.get("/readyz")
@app.get("/")
def hello():
    return "hello"
"""


def serve_hello(work: Path) -> tuple[subprocess.Popen, int]:
    (work / "hello_app.py").write_text(HELLO, encoding="utf-8")
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--chdir", str(work), "-w", str(os.cpu_count() or 2),
               "--threads", str(SERVER_THREADS), "-k", "gthread", "--keep-alive", "0", "-b", f"127.0.0.1:{port}",
               "hello_app:app"]  # fmt: skip
    return start(command, port), port


def get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def one_at_a_time(port: int, paths: list[str]) -> dict:
    """Each address once, in turn."""
    samples = []
    for path in paths:
        started = time.perf_counter()
        get(port, path)
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def first_queries(index_dir: Path, hit: str, miss: str) -> float:
    """A fresh server; a query with hits and a zero-hit query sent at once, so each lands on a
    fresh worker: the slower, in ms."""
    server, port = serve_archive(index_dir)
    try:

        def timed(query: str) -> float:
            started = time.perf_counter()
            get(port, "/search?" + urlencode({"q": query}))
            return (time.perf_counter() - started) * 1000

        with ThreadPoolExecutor(2) as pool:
            return max(pool.map(timed, (hit, miss)))
    finally:
        stop(server)


WRK_LUA = """
-- Every address in turn, each made new, so no page cache answers; wrk prints p50-p99, we want p95.
-- The threads take turns through the list (thread 1 the 1st, 3rd, ... address), so that no two ask
-- for the same one.
local paths = {%s}
local threads = 0
function setup(thread) threads = threads + 1; thread:set("id", threads) end
function init(args) counter = 0 end
function request()
  counter = counter + 1
  local path = paths[((counter - 1) * %d + id - 1) %% #paths + 1]
  local joiner = string.find(path, "?", 1, true) and "&" or "?"
  return wrk.format("GET", path .. joiner .. "nocache=" .. id .. "-" .. counter)
end
function done(summary, latency, requests)
  io.write(string.format("P95 %%.3f\\n", latency:percentile(95) / 1000))
end
"""


def load(port: int, paths: list[str], seconds: int, clients: int = CLIENTS) -> dict:
    """`clients` connections in a closed loop on 127.0.0.1 for a bounded time (wrk when present)."""
    if shutil.which("wrk"):
        import re

        with tempfile.NamedTemporaryFile("w", suffix=".lua", encoding="utf-8") as lua:
            lua.write(WRK_LUA % (", ".join(json.dumps(p) for p in paths), WRK_THREADS))
            lua.flush()
            command = [
                "wrk",
                f"-t{WRK_THREADS}",
                f"-c{clients}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                lua.name,
            ]
            out = subprocess.run([*command, f"http://127.0.0.1:{port}/"], capture_output=True, text=True,
                                 timeout=seconds + 60).stdout  # fmt: skip
        errors = sum(
            int(x)
            for x in re.findall(r"(?:Non-2xx or 3xx responses|connect|read|write|timeout)[: ]+(\d+)", out)
        )
        requests = int(out.split(" requests in ")[0].split()[-1])
        return {"tool": "wrk", "rps": float(out.split("Requests/sec:")[1].split()[0]),
                "p95": float(out.split("P95 ")[1].split()[0]), "errors": errors,
                "requests": requests, "addresses": len(set(paths))}  # fmt: skip
    samples, errors, deadline, counter = [], [0], time.monotonic() + seconds, iter(range(10**9))

    def client():
        while time.monotonic() < deadline:
            n = next(counter)
            path = paths[n % len(paths)]
            started = time.perf_counter()
            try:
                if get(port, f"{path}{'&' if '?' in path else '?'}nocache={n}") != 200:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
            samples.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "tool": "python",
        "rps": len(samples) / seconds,
        "p95": percentiles(samples)["p95"],
        "errors": errors[0],
        "requests": len(samples),
        "addresses": len(set(paths)),
    }


def page_addresses(
    sampler: Sampler, queries: dict, passages: list, load_seconds: int
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The addresses each page kind is asked one at a time (half the library's queries each for
    /search and /api/search), and under load: queries and paragraphs drawn anew, none asked before
    and none asked twice (as many as the folder gives)."""
    flat = [q for drawn in queries.values() for q, _ in drawn]
    count = LOAD_ADDRESSES_PER_SECOND * load_seconds
    fresh = load_queries(sampler, 2 * count, set(flat))
    half = len(flat) // 2
    paragraphs = [f"{p}?from=bench" for p in paragraph_paths(passages, half + count)]
    alone = {
        "search": [f"/search?{urlencode({'q': q})}" for q in flat[:half]],
        "api": [f"/api/search?{urlencode({'q': q})}" for q in flat[half:]],
        "paragraph": paragraphs[:half],
    }
    loaded = {
        "search": [f"/search?{urlencode({'q': q})}" for q in fresh[0::2]],
        "api": [f"/api/search?{urlencode({'q': q})}" for q in fresh[1::2]],
        "paragraph": paragraphs[half:],
    }
    return alone, loaded


def load_queries(sampler: Sampler, count: int, asked: set[str]) -> list[str]:
    """Up to `count` different queries, of each class in turn, none of them in `asked`."""
    drawn = sampler.queries(count // len(CLASSES) + 1)
    fresh = [[q for q in dict.fromkeys(q for q, _ in one) if q not in asked] for one in drawn.values()]
    mixed = [q for group in itertools.zip_longest(*fresh) for q in group if q is not None]
    return mixed[:count]


def served(
    index_dir: Path, alone: dict[str, list[str]], loaded: dict[str, list[str]], load_seconds: int
) -> dict:
    """Each page kind one address at a time (`alone`), then under load (`loaded`: addresses none
    of which the server was asked before), on the production server."""
    server, port = serve_archive(index_dir)
    out = {}
    try:
        out["rss_start_mb"] = rss_mb(server)
        out["memory_start_mb"] = memory_mb(server)
        for kind, paths in alone.items():
            out[f"{kind}_alone"] = one_at_a_time(port, paths)
            out[f"{kind}_load"] = load(port, loaded[kind], load_seconds)
        out["rss_end_mb"] = rss_mb(server)
        out["memory_end_mb"] = memory_mb(server)
    finally:
        stop(server)
    return out


def hello_floor(work: Path, load_seconds: int) -> dict:
    server, port = serve_hello(work)
    try:
        return {"alone": one_at_a_time(port, ["/"] * 200), "load": load(port, ["/"], load_seconds)}
    finally:
        stop(server)


# -- one run, several runs, the report ---------------------------------------------------------


def one_run(
    corpus: Path, work: Path, per_class: int, load_seconds: int, built_index: Path | None = None
) -> dict:
    """Build, change, search and serve once; with `built_index`, only search and serve that."""
    index_dir = built_index or work / "index"
    built = {"seconds": float("nan"), "peak_rss_mb": float("nan"), "passages": 0, "index_mb": 0.0}
    if not built_index:
        built = build(corpus, index_dir)
        print(f"  built: {built}", file=sys.stderr)
    passages = all_passages(index_dir)
    sampler = Sampler(passages)
    queries = sampler.queries(per_class)
    run = {"build": built, "one_changed_s": float("nan") if built_index else one_changed(corpus, index_dir)}
    run["library"] = library(index_dir, queries)
    run["fts5"] = fts5(passages, queries)
    first = next(iter(queries.values()))[0][0]  # the first class the folder gave a query for
    run["first_query_ms"] = first_queries(index_dir, first, "zzqxj wvkpq")
    run["http"] = served(index_dir, *page_addresses(sampler, queries, passages, load_seconds), load_seconds)
    run["hello"] = hello_floor(work, load_seconds)
    run["queries"] = {name: [q for q, _ in drawn] for name, drawn in queries.items()}
    return run


def figures(run: dict) -> dict:
    """The goal figures of one run."""
    ratios = [run["library"][n]["p95"] / max(run["fts5"]["latency"][n]["p95"], 1e-3) for n in run["library"]]
    http = run["http"]
    out = {
        "build_s": run["build"]["seconds"],
        "build_peak_mb": run["build"]["peak_rss_mb"],
        "one_changed_s": run["one_changed_s"],
        "first_query_ms": run["first_query_ms"],
        "fts5_ratio_median": statistics.median(ratios),
    }
    for kind in ("search", "api", "paragraph"):
        out[f"{kind}_alone_p95"] = http[f"{kind}_alone"]["p95"]
        out[f"{kind}_load_rps"] = http[f"{kind}_load"]["rps"]
        out[f"{kind}_load_p95"] = http[f"{kind}_load"]["p95"]
        out[f"{kind}_load_errors"] = http[f"{kind}_load"]["errors"]
    return out


def medians(runs: list[dict]) -> dict:
    each = [figures(run) for run in runs]
    return {key: statistics.median(one[key] for one in each) for key in each[0]}


def table(title: str, header: list[str], rows: list[list]) -> str:
    fmt = lambda v: f"{v:,.1f}" if isinstance(v, float) else str(v)  # noqa: E731
    lines = [f"\n### {title}\n", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows])


def verdict(value: float, goal: float, how: str) -> str:
    if value != value:  # not measured (NaN)
        return "n/a"
    return "PASS" if (value <= goal if how == "<=" else value >= goal) else "MISS"


def report(results: dict) -> str:
    runs, median = results["runs"], results["median"]
    out = [f"Machine: {results['machine']}; {results['date']}; {len(runs)} run(s), medians reported.",
           f"Corpus: {results['corpus']}", "Calibration: " + json.dumps(results["calibration"], ensure_ascii=False)]  # fmt: skip
    out.append(table("Goals", ["goal", "measured", "goal", "", "verdict"],
                     [[label, median[key], f"{how} {goal}", unit, verdict(median[key], goal, how)]
                      for key, label, goal, unit, how in GOALS]))  # fmt: skip
    last = runs[-1]
    lib, fts = last["library"], last["fts5"]["latency"]
    out.append(table("Per query class, ms (last run; each query new, then once more)",
                     ["class", "queries", "archive p50", "archive p95", "FTS5 p50", "FTS5 p95", "archive/FTS5 p95"],
                     [[n, len(last["queries"][n]), lib[n]["p50"], lib[n]["p95"], fts[n]["p50"], fts[n]["p95"],
                       lib[n]["p95"] / max(fts[n]["p95"], 1e-3)] for n in lib]))  # fmt: skip
    http, hello = last["http"], last["hello"]
    rows = [
        [
            kind,
            http[f"{kind}_alone"]["p50"],
            http[f"{kind}_alone"]["p95"],
            http[f"{kind}_load"]["rps"],
            http[f"{kind}_load"]["p95"],
            http[f"{kind}_load"]["errors"],
            f"{http[f'{kind}_load'].get('addresses', '?'):,} / {http[f'{kind}_load'].get('requests', '?'):,}",
        ]
        for kind in ("search", "api", "paragraph")
    ]
    rows.append(["Flask hello (floor)", hello["alone"]["p50"], hello["alone"]["p95"], hello["load"]["rps"],
                 hello["load"]["p95"], hello["load"]["errors"], "1"])  # fmt: skip
    out.append(table(f"HTTP (last run; {CLIENTS} connections for the load)",
                     ["page", "alone p50 ms", "alone p95 ms", "load req/s", "load p95 ms", "errors",
                      "load: addresses drawn / requests made"], rows))  # fmt: skip
    out.append(table("Builds", ["run", "passages", "seconds", "peak RSS MB", "index MB", "FTS5 build s"],
                     [[i + 1, r["build"]["passages"], r["build"]["seconds"], r["build"]["peak_rss_mb"],
                       r["build"]["index_mb"], r["fts5"]["build_seconds"]] for i, r in enumerate(runs)]))  # fmt: skip
    out.append(
        f"\nServer memory: {http['rss_start_mb']:.0f} MB at start, {http['rss_end_mb']:.0f} MB after the loads"
        + (
            f" ({http['memory_end_mb']['anon']:.0f} MB the processes' own, {http['memory_end_mb']['file']:.0f} MB"
            " index files mapped by the workers: page cache)."
            if "memory_end_mb" in http
            else "."
        )
    )
    return "\n".join(out)


def corpus_calibration(passages: list) -> dict:
    """The calibration figures of any folder, from its indexed passages."""
    from make_corpus import calibration

    chinese = [p.text for p in passages if has_chinese(p.text)]
    english = [p.text for p in passages if not has_chinese(p.text)]
    per_article: dict[str, int] = {}
    for p in passages:
        per_article[p.article_id] = per_article.get(p.article_id, 0) + 1
    return calibration(english, chinese, list(per_article.values()) or [0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--smoke", action="store_true", help="1,000 passages, one short run: keeps the scripts alive in CI"
    )
    parser.add_argument("--corpus", type=Path, help="measure this folder instead of the calibrated corpus")
    parser.add_argument("--passages", type=int, default=PASSAGES, help="size of the calibrated corpus")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--per-class", type=int, default=40, help="queries drawn per query class")
    parser.add_argument("--load-seconds", type=int, default=15)
    parser.add_argument(
        "--index", type=Path, help="search and serve this index of --corpus, already built (no build figures)"
    )
    args = parser.parse_args()
    if args.smoke:
        args.passages, args.runs, args.per_class, args.load_seconds = 1000, 1, 6, 2
    work = Path(tempfile.mkdtemp(prefix="archive-bench-"))
    results = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "smoke": args.smoke,
    }
    try:
        if args.corpus:  # a copy: the run changes an article, and the user's folder stays theirs
            corpus = work / "corpus"
            shutil.copytree(args.corpus.resolve(), corpus, symlinks=True)
        else:
            corpus = CACHE / f"corpus-{args.passages}"
            results["generated"] = write_corpus(args.passages, corpus, light=args.smoke)
        results["corpus"] = str(args.corpus or corpus)
        print(f"corpus: {args.corpus or corpus}", file=sys.stderr)
        results["runs"] = []
        for n in range(args.runs):
            print(f"run {n + 1} of {args.runs}", file=sys.stderr)
            results["runs"].append(one_run(corpus, work, args.per_class, args.load_seconds, args.index))
        results["calibration"] = corpus_calibration(all_passages(args.index or work / "index"))
        results["median"] = medians(results["runs"])
        results["citations"] = citation_cost(5 if args.smoke else 20)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S") + ("-smoke" if args.smoke else "")
    (out_dir / f"{stamp}.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    print(report(results))
    print(citations_table(results["citations"]))


def citation_cost(reps: int) -> dict:
    """citeproc-js through V8: the cold build of a fresh engine per style, then the warm cost of
    one citation (a new item each time, so the string cache never answers)."""
    from archive.cite import STYLES, csl_item
    from archive.citeproc_js import Engine
    from archive.parse import parse_file
    from archive.styles import find_style

    item = csl_item(parse_file(ROOT / "corpus" / "cc-2019-09-china-russia.md"))
    engine = Engine()
    cold, warm = {}, {}
    try:
        for style_id in (*STYLES.values(), "harvard-cite-them-right"):
            try:
                style = find_style(style_id)
            except LookupError:
                continue
            started = time.perf_counter()
            engine.render(style, [item], [{"id": item["id"], "locator": "1", "label": "page"}])
            cold[style_id] = round((time.perf_counter() - started) * 1000, 1)
            samples = []
            for n in range(reps * 10):
                varied = {**item, "title": f"{item['title']} {n}"}
                started = time.perf_counter()
                engine.render(style, [varied], [{"id": item["id"], "locator": str(n + 1), "label": "page"}])
                samples.append(time.perf_counter() - started)
            warm[style_id] = percentiles(samples)
    finally:
        engine.close()
    return {"cold_ms": cold, "warm_ms": warm}


def citations_table(cites: dict) -> str:
    return table("citeproc-js through V8, ms", ["style", "cold engine build", "warm citation p50", "warm p95"],
                 [[s, cites["cold_ms"][s], cites["warm_ms"][s]["p50"], cites["warm_ms"][s]["p95"]] for s in cites["cold_ms"]])  # fmt: skip


if __name__ == "__main__":
    main()
