"""Parsing workers: forked, warmed up before their first file, stopped when done."""

from __future__ import annotations

import os
from pathlib import Path

from archive.isolation import Budget, Pool

BUDGET = Budget(seconds=10, memory=512 * 2**20)
WARMED: list[int] = []  # in a worker: the process that warmed up


def warm() -> None:
    WARMED.append(os.getpid())


def failing_warm() -> None:
    raise RuntimeError("a warm-up that fails")


def who_parsed(path: Path) -> tuple[str, int, bool]:
    return path.name, os.getpid(), os.getpid() in WARMED


def test_each_worker_warms_up_before_its_first_file():
    with Pool(who_parsed, BUDGET, warm=warm, started=1) as pool:
        assert len(pool.workers) == 1  # forked before the files are known
        outcomes = list(pool.map([Path(f"{n}.md") for n in range(5)]))
        assert len(pool.workers) == min(os.cpu_count() or 1, 4)  # grown to what the files need
    assert [o.value[0] for o in outcomes] == [f"{n}.md" for n in range(5)]  # in input order
    assert all(o.error is None and o.value[2] for o in outcomes)  # every worker had warmed up
    assert os.getpid() not in WARMED  # in the workers, not here


def test_a_failing_warm_up_still_parses():
    with Pool(who_parsed, BUDGET, warm=failing_warm, started=1) as pool:
        outcomes = list(pool.map([Path("a.md")]))
    assert outcomes[0].error is None and outcomes[0].value[0] == "a.md"


def test_a_pool_given_no_files_stops_its_worker():
    with Pool(who_parsed, BUDGET, warm=warm, started=1) as pool:
        assert list(pool.map([])) == []
        worker = pool.workers[0]
    assert not worker.process.is_alive() and worker.process.exitcode is not None


def test_a_worker_that_died_before_its_first_file_is_replaced(tmp_path):
    """The first worker waits while the reindex lists the corpus; if it dies meanwhile (killed,
    out of memory), a new one parses the files."""
    with Pool(who_parsed, BUDGET, started=1) as pool:
        first = pool.workers[0]
        first.process.kill()
        first.process.join()
        outcomes = list(pool.map([Path("a.md"), Path("b.md")]))
    assert [o.value[0] for o in outcomes] == ["a.md", "b.md"] and all(o.error is None for o in outcomes)
    assert first.process.pid not in [o.value[1] for o in outcomes]


def dying_warm() -> None:
    os._exit(3)


def test_workers_that_die_warming_up_fail_their_files_not_the_run():
    with Pool(who_parsed, BUDGET, warm=dying_warm, started=1) as pool:
        outcomes = list(pool.map([Path(f"{n}.md") for n in range(3)]))
    assert [o.path.name for o in outcomes] == ["0.md", "1.md", "2.md"]
    assert all(o.value is None and ("died" in o.error or "could be started" in o.error) for o in outcomes)
