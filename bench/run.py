"""Benchmarks, side by side in one run: `python bench/run.py [--smoke]` (or `make bench`).

Measures full builds (1k, 10k, 100k passages), incremental reindex on the largest corpus, query
latency per class through the library and through HTTP, the same passages and queries in SQLite
FTS5 and in naive Whoosh (index opened per query, default analyzer), a Flask "hello" floor, and an
HTTP load on 127.0.0.1. Writes bench/results/<stamp>.json and prints Markdown tables.
No assertion here: the goals are reported, never tested.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_corpus import CACHE, write_corpus  # noqa: E402

from archive.engine.documents import unpack  # noqa: E402
from archive.engine.index import IndexHandle  # noqa: E402
from archive.search import Request, search  # noqa: E402
from archive.settings import SERVER_THREADS  # noqa: E402

QUERIES = {
    "one term": ("iterator", "iterator"),
    "two terms": ("default encoding", "default encoding"),
    "three terms": ("file object method", "file object method"),
    "phrase": ('"regular expression"', '"regular expression"'),
    "prefix": ("serializ*", "serializ*"),
    "field filter": ("kind:figure module", "module"),
    "date range": ("date:2005-03", None),
    "misspelling": ("fucntion", "fucntion"),
}
WARM_PARALLEL = 4
GOALS = "p95 ≤ 50 ms end to end (1-3 terms, phrase); one-article reindex ≤ 1 s; full build ≤ 90 s; ≥ 150 req/s, 0 errors"


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": pick(0.50) * 1000, "p95": pick(0.95) * 1000, "p99": pick(0.99) * 1000}


def timed(function, repetitions: int, warmup: int = 2) -> dict:
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repetitions):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


BUILD = """
import json, resource, sys, time
from pathlib import Path
from archive.reindex import reindex
started = time.perf_counter()
report = reindex(Path(sys.argv[1]), Path(sys.argv[2]), full=True)
# The largest process: this one, or a parse worker or writer process.
peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print(json.dumps({"seconds": time.perf_counter() - started, "passages": report.passages,
                  "peak_rss_mb": peak / 1024}))
"""


def build(corpus: Path, index_dir: Path) -> dict:
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


def incremental(corpus: Path, index_dir: Path) -> dict:
    from archive.reindex import reindex

    first = sorted(corpus.glob("*.md"))[0]
    original = first.read_text(encoding="utf-8")
    results = {}
    first.write_text(original.replace(". ", ". Indeed, ", 1), encoding="utf-8")
    results["one changed"] = reindex(corpus, index_dir).seconds
    added = corpus / "zz-added.md"
    added.write_text(original.replace("AUTHOR NUMBER", "ANOTHER AUTHOR"), encoding="utf-8")
    results["one added"] = reindex(corpus, index_dir).seconds
    added.unlink()
    results["one removed"] = reindex(corpus, index_dir).seconds
    first.write_text(original, encoding="utf-8")
    reindex(corpus, index_dir)
    return results


def library_latency(index_dir: Path, reps: int) -> dict:
    handle = IndexHandle(index_dir)
    return {name: timed(lambda q=q: search(handle, Request(q)), reps) for name, (q, _) in QUERIES.items()}


def first_latency(index_dir: Path) -> dict:
    """Each query once on a freshly opened index, nothing of it cached yet (after one unrelated
    query has built the per-generation tables): what a new query costs."""
    handle = IndexHandle(index_dir)
    search(handle, Request("zzzz"))
    out = {}
    for name, (query, _) in QUERIES.items():
        started = time.perf_counter()
        search(handle, Request(query))
        out[name] = (time.perf_counter() - started) * 1000
    return out


def passages_of(index_dir: Path):
    handle = IndexHandle(index_dir)
    for fields in handle.searcher().documents(doctype="payload"):
        yield from unpack(fields["payload"]).passages


def fts5(index_dir: Path, reps: int) -> dict:
    """The same passages in SQLite FTS5 (porter stemming, bm25, snippet()), the same queries."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE p USING fts5(id UNINDEXED, kind UNINDEXED, text, tokenize='porter unicode61')"
    )
    db.execute("CREATE TABLE d (id TEXT, date_start TEXT, date_end TEXT)")
    started = time.perf_counter()
    rows = [(p.id, p.kind, p.text, p.date_start, p.date_end) for p in passages_of(index_dir)]
    db.executemany("INSERT INTO p VALUES (?, ?, ?)", [r[:3] for r in rows])
    db.executemany("INSERT INTO d VALUES (?, ?, ?)", [(r[0], r[3], r[4]) for r in rows if r[3]])
    build_seconds = time.perf_counter() - started
    top = "SELECT id, snippet(p, 2, '<mark>', '</mark>', '…', 24) FROM p WHERE p MATCH ? {} ORDER BY bm25(p) LIMIT 20"
    count = "SELECT count(*) FROM p WHERE p MATCH ? {}"

    def run(name: str, match: str | None):
        if match is None:
            db.execute(
                "SELECT id FROM d WHERE date_start <= '2005-03-31' AND date_end >= '2005-03-01' ORDER BY date_start LIMIT 20"
            ).fetchall()
            return
        extra = "AND kind = 'figure'" if name == "field filter" else ""
        db.execute(top.format(extra), (match,)).fetchall()
        db.execute(count.format(extra), (match,)).fetchone()

    latency = {name: timed(lambda n=name, m=m: run(n, m), reps) for name, (_, m) in QUERIES.items()}
    return {"build_seconds": build_seconds, "latency": latency}


def naive_whoosh(index_dir: Path, reps: int, work: Path) -> dict:
    """Whoosh as a first attempt would use it: default StemmingAnalyzer, the index opened per query."""
    from whoosh import highlight, index, qparser
    from whoosh import query as wq
    from whoosh.fields import DATETIME, ID, TEXT, Schema

    schema = Schema(
        id=ID(stored=True),
        kind=ID(stored=True),
        text=TEXT(stored=True),
        date_start=DATETIME,
        date_end=DATETIME,
    )
    folder = work / "naive"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    started = time.perf_counter()
    ix = index.create_in(str(folder), schema)
    writer = ix.writer(limitmb=256)
    for p in passages_of(index_dir):

        def day(s):
            return datetime.fromisoformat(s) if s else None

        writer.add_document(
            id=p.id, kind=p.kind, text=p.text, date_start=day(p.date_start), date_end=day(p.date_end)
        )
    writer.commit()
    build_seconds = time.perf_counter() - started

    def run(query_text: str):
        ix = index.open_dir(str(folder))
        with ix.searcher() as searcher:
            if query_text.startswith("date:"):
                parsed = wq.And(
                    [
                        wq.DateRange("date_start", None, datetime(2005, 3, 31)),
                        wq.DateRange("date_end", datetime(2005, 3, 1), None),
                    ]
                )
            else:
                parsed = qparser.QueryParser("text", schema).parse(query_text)
            results = searcher.search(parsed, limit=20)
            results.formatter = highlight.HtmlFormatter(tagname="mark")
            for hit in results:
                hit.highlights("text")

    latency = {name: timed(lambda q=q: run(q), reps) for name, (q, _) in QUERIES.items()}
    return {"build_seconds": build_seconds, "latency": latency}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command: list[str], port: int, env: dict | None = None) -> subprocess.Popen:
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return process
        except OSError:
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
    out = subprocess.run(
        ["ps", "-o", "rss=", "--ppid", str(process.pid), "-p", str(process.pid)],
        capture_output=True,
        text=True,
    )
    return sum(int(x) for x in out.stdout.split()) / 1024


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
        "--port",
        str(port),
    ]
    return start(command, port), port


HELLO = """
from flask import Flask
app = Flask(__name__)
@app.get("/healthz")
@app.get("/")
def hello():
    return "hello"
"""


def serve_hello(work: Path) -> tuple[subprocess.Popen, int]:
    (work / "hello_app.py").write_text(HELLO, encoding="utf-8")
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--chdir",
        str(work),
        "-w",
        str(os.cpu_count() or 2),
        "--threads",
        str(SERVER_THREADS),
        "-k",
        "gthread",
        "--access-logfile",
        "-",
        "-b",
        f"127.0.0.1:{port}",
        "hello_app:app",
    ]
    return start(command, port), port


def http_latency(port: int, paths: dict[str, str], reps: int, distinct: bool = False) -> dict:
    """Sequential GETs of each path; with `distinct`, every request has its own URL, so the
    server's page cache never answers (term postings may still be cached, as in real use)."""
    counter = iter(range(10**9))

    def get(path: str):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", f"{path}&nocache={next(counter)}" if distinct else path)
        connection.getresponse().read()
        connection.close()

    def warm(path: str):
        # Every worker process has its own caches, and sequential connections mostly land on the
        # same one: warm-up requests go in parallel so that every worker sees them.
        with ThreadPoolExecutor(WARM_PARALLEL) as pool:
            list(pool.map(lambda _: get(path), range(3 * WARM_PARALLEL)))

    results = {}
    for name, path in paths.items():
        warm(path)
        results[name] = timed(lambda p=path: get(p), reps, warmup=0)
    return results


def search_path(query: str) -> str:
    from urllib.parse import urlencode

    return "/search?" + urlencode({"q": query})


WRK_LATENCY_LUA = """
-- wrk prints p50/75/90/99; the issue asks for p95 (milliseconds).
function done(summary, latency, requests)
  io.write(string.format("P95 %.3f\\n", latency:percentile(95) / 1000))
end
"""
MIXED_LUA = """
-- Every query class in turn, each URL new, so the server's page cache never answers.
local paths = {%s}
local threads = 0
function setup(thread) threads = threads + 1; thread:set("id", threads) end
function init(args) counter = 0 end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[counter %% #paths + 1] .. "&nocache=" .. id .. "-" .. counter)
end
"""


def wrk(port: int, path: str, seconds: int, clients: int, script: str) -> str:
    command = ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", "-s", script]
    url = f"http://127.0.0.1:{port}{path or '/'}"
    return subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 30).stdout


def load(port: int, path: str, seconds: int, clients: int = 16, mixed: bool = False) -> dict:
    """Concurrent clients on 127.0.0.1 for a bounded time: wrk when present. `mixed`: every query
    class in turn with URLs never repeated (no page cache)."""
    if shutil.which("wrk"):
        paths = ", ".join(json.dumps(search_path(q)) for q, _ in QUERIES.values())
        with tempfile.NamedTemporaryFile("w", suffix=".lua", encoding="utf-8") as lua:
            lua.write((MIXED_LUA % paths if mixed else "") + WRK_LATENCY_LUA)
            lua.flush()
            out = wrk(port, path, seconds, clients, lua.name)
        rate = float(out.split("Requests/sec:")[1].split()[0])
        p95 = float(out.split("P95 ")[1].split()[0]) if "P95 " in out else None
        errors = sum(
            int(x)
            for x in __import__("re").findall(
                r"(?:Non-2xx or 3xx responses|connect|read|write|timeout)[: ]+(\d+)", out
            )
        )
        return {"tool": "wrk", "requests_per_s": rate, "p95": p95, "errors": errors}
    samples, errors, deadline = [], [0], time.monotonic() + seconds
    paths = [search_path(q) for q, _ in QUERIES.values()] if mixed else [path]
    counter = iter(range(10**9))

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            n = next(counter)
            url = f"{paths[n % len(paths)]}&nocache={n}" if mixed else path
            started = time.perf_counter()
            try:
                connection.request("GET", url)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            samples.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "tool": "python",
        "requests_per_s": len(samples) / seconds,
        **percentiles(samples),
        "errors": errors[0],
    }


def table(title: str, header: list[str], rows: list[list]) -> str:
    fmt = lambda v: f"{v:.1f}" if isinstance(v, float) else str(v)  # noqa: E731
    lines = [f"\n### {title}\n", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def report(results: dict) -> str:
    out = [f"Machine: {results['machine']}; {results['date']}; goals: {GOALS}"]
    out.append(table("Full build", ["passages", "seconds", "index MB", "peak RSS MB (largest process)"],
                     [[b["passages"], b["seconds"], b["index_mb"], b["peak_rss_mb"]] for b in results["builds"]]))  # fmt: skip
    out.append(
        table(
            "Incremental reindex (largest corpus)",
            ["change", "seconds"],
            [[k, v] for k, v in results["incremental"].items()],
        )
    )
    lib, fts, naive, web = (
        results["library"],
        results["fts5"]["latency"],
        results["naive_whoosh"]["latency"],
        results["http"],
    )
    first, fresh = results["library_first"], results["http_uncached"]
    rows = [
        [name, first[name], lib[name]["p50"], lib[name]["p95"], lib[name]["p99"], fresh[name]["p95"], web[name]["p95"],
         fts[name]["p95"], lib[name]["p95"] / max(fts[name]["p95"], 1e-6), naive[name]["p95"],
         naive[name]["p95"] / max(lib[name]["p95"], 1e-6)]
        for name in QUERIES
    ]  # fmt: skip
    out.append(table(f"Query latency, ms ({results['builds'][-1]['passages']} passages)",
                     ["class", "lib first", "lib p50", "lib p95", "lib p99", "HTTP p95 new URL", "HTTP p95 same URL",
                      "FTS5 p95", "archive/FTS5", "naive p95", "naive/archive"], rows))  # fmt: skip
    floor = results["floor"]
    out.append(table("HTTP floor (seed corpus)", ["request", "p50", "p95", "ratio to hello p50"],
                     [["Flask hello", floor["hello"]["p50"], floor["hello"]["p95"], 1.0],
                      ["search page", floor["search"]["p50"], floor["search"]["p95"], floor["search"]["p50"] / max(floor["hello"]["p50"], 1e-6)],
                      ["search page, new URL each time", floor["search_uncached"]["p50"], floor["search_uncached"]["p95"],
                       floor["search_uncached"]["p50"] / max(floor["hello"]["p50"], 1e-6)]]))  # fmt: skip
    out.append(table("Pages with citations (seed corpus, new URL each time), ms", ["page", "p50", "p95", "goal p95"],
                     [[name, floor[name]["p50"], floor[name]["p95"], 50] for name in ("citation page", "20 hits")]))  # fmt: skip
    cites = results["citations"]
    out.append(table("citeproc-js through V8, ms", ["style", "cold engine build", "warm citation p50", "warm p95"],
                     [[s, cites["cold_ms"][s], cites["warm_ms"][s]["p50"], cites["warm_ms"][s]["p95"]] for s in cites["cold_ms"]]))  # fmt: skip
    ld, mx = results["load"], results["load_mixed"]
    out.append(table("HTTP load (largest corpus, 16 clients)", ["load", "tool", "req/s", "p95 ms", "errors", "RSS before MB", "RSS after MB"],
                     [["one two-term query, repeated", ld["tool"], ld["requests_per_s"], ld["p95"], ld["errors"], ld["rss_before_mb"], ld["rss_after_mb"]],
                      ["all classes, every URL new", mx["tool"], mx["requests_per_s"], mx["p95"], mx["errors"], ld["rss_after_mb"], mx["rss_after_mb"]]]))  # fmt: skip
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Benchmark the archive against SQLite FTS5 and naive Whoosh."
    )
    parser.add_argument(
        "--smoke", action="store_true", help="1k passages, a few seconds: keeps the scripts alive in CI"
    )
    args = parser.parse_args()
    sizes = [1000] if args.smoke else [1000, 10_000, 100_000]
    reps, load_seconds = (5, 2) if args.smoke else (20, 20)
    work = Path(tempfile.mkdtemp(prefix="archive-bench-"))
    results = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "smoke": args.smoke,
        "builds": [],
    }
    try:
        for size in sizes:
            corpus = CACHE / f"corpus-{size}"
            results.setdefault("corpora", {})[size] = write_corpus(size, corpus)
            results["builds"].append(build(corpus, work / f"index-{size}"))
            print(f"built {size}: {results['builds'][-1]}", file=sys.stderr)
        largest = work / f"index-{sizes[-1]}"
        results["incremental"] = incremental(CACHE / f"corpus-{sizes[-1]}", largest)
        results["library_first"] = first_latency(largest)
        results["library"] = library_latency(largest, reps)
        results["fts5"] = fts5(largest, reps)
        results["naive_whoosh"] = naive_whoosh(largest, reps, work)
        server, port = serve_archive(largest)
        try:
            paths = {n: search_path(q) for n, (q, _) in QUERIES.items()}
            results["http_uncached"] = http_latency(port, paths, reps, distinct=True)
            results["http"] = http_latency(port, paths, reps)
            before = rss_mb(server)
            results["load"] = {
                **load(port, search_path("default encoding"), load_seconds),
                "rss_before_mb": before,
            }
            results["load"]["rss_after_mb"] = rss_mb(server)
            results["load_mixed"] = {
                **load(port, "", load_seconds, mixed=True),
                "rss_after_mb": rss_mb(server),
            }
        finally:
            stop(server)
        results["floor"] = floor(work, reps)
        results["citations"] = citation_cost(reps)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S") + ("-smoke" if args.smoke else "")
    (out_dir / f"{stamp}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(report(results))


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
            warm[style_id] = percentiles(samples)  # in ms
    finally:
        engine.close()
    return {"cold_ms": cold, "warm_ms": warm}


def floor(work: Path, reps: int) -> dict:
    """The search page on the seed corpus against a Flask hello on the same server setup."""
    seed_index = work / "seed-index"
    from archive.reindex import reindex

    reindex(ROOT / "corpus", seed_index)
    hello, hello_port = serve_hello(work)
    try:
        hello_times = http_latency(hello_port, {"hello": "/"}, reps * 5)["hello"]
    finally:
        stop(hello)
    server, port = serve_archive(seed_index)
    path = {"search": search_path("strategic partnership")}
    try:
        search_times = http_latency(port, path, reps * 5)["search"]
        uncached = http_latency(port, path, reps * 5, distinct=True)["search"]
        # A citation page (six citations: two locators, three styles) and a page of 20 hits.
        pages = {
            "citation page": "/a/cc-2019-09-china-russia/p/14?from=bench",
            "20 hits": search_path("Putin") + "&size=20",
        }
        page_times = http_latency(port, pages, reps * 5, distinct=True)
    finally:
        stop(server)
    return {"hello": hello_times, "search": search_times, "search_uncached": uncached, **page_times}


if __name__ == "__main__":
    main()
