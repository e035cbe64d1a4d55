"""The production server (gunicorn) as a user's browser meets it: started by `archive serve`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.parse

import pytest

START_SECONDS = 60  # the server warms the index and citeproc-js before it answers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ask(port: int, target: str) -> tuple[int, str]:
    """Status and body of one GET, sent by hand so any length of address can be tried."""
    status, _, body = ask_with_headers(port, target)
    return status, body


def ask_with_headers(port: int, target: str) -> tuple[int, str, str]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), head.decode("latin-1"), body.decode("utf-8")


@pytest.fixture(scope="module")
def served(seed_index, tmp_path_factory):
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = tmp_path_factory.mktemp("server") / "log"
    command = [sys.executable, "-m", "archive", "serve", "--index", str(seed_index), "--port", str(port)]
    with open(log, "w") as out:
        process = subprocess.Popen(
            [*command, "--corpus", str(seed_index.parent / "corpus"), "--workers", "1", "--threads", "2"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            try:
                if ask(port, "/readyz")[0] == 200:  # its one worker has warmed up
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the server did not answer: " + log.read_text()[-2000:])
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_ready_once_warm(served):
    assert ask(served, "/readyz") == (200, '{"status":"ready","workers":1,"warm":1}\n')


def test_a_long_pasted_query_is_served(served):
    status, body = ask(served, "/search?q=" + urllib.parse.quote_plus("Putin Xi " * 700))
    assert status == 200 and "cut to its first 1000 characters" in body


def test_an_address_too_long_for_the_server_gets_the_archive_page(served):
    status, head, body = ask_with_headers(served, "/search?q=" + urllib.parse.quote("战略互信" * 300))
    assert status == 414 and "X-Frame-Options: DENY" in head and "Content-Security-Policy" in head
    assert "<h1>Search too long</h1>" in body and "the first 1,000 characters" in body
    assert 'href="/static/archive.css' in body and 'role="search"' in body  # the site's page, with its form
    assert ask(served, "/search?q=" + urllib.parse.quote("战略互信"))[0] == 200  # and the worker still serves


def test_the_page_for_a_too_long_address_is_at_the_archive_public_address():
    from archive.web import create_app
    from archive.web.errors import address_too_long

    app = create_app({"INDEX": "unused", "CORPUS": "unused", "BASE_URL": "https://example.org/archive"})
    page = address_too_long(app, 8190)
    body = page.get_data(as_text=True)
    assert page.status_code == 414 and page.headers["X-Content-Type-Options"] == "nosniff"
    assert 'href="/archive/static/' in body and 'action="/archive/search"' in body


def test_a_worker_freezes_what_warming_made(app, monkeypatch):
    """What a worker warms lives as long as it: frozen, the collector's full passes skip it."""
    import gc
    import logging
    from types import SimpleNamespace

    from archive.web import store
    from archive.web.server import Warmth, _warm

    monkeypatch.setitem(app.config, "WARMTH", Warmth(1))
    worker = SimpleNamespace(wsgi=app, log=logging.getLogger("test"), age=1, pid=os.getpid())
    assert gc.get_freeze_count() == 0
    try:
        _warm(worker)
        assert gc.get_freeze_count() > 0 and app.config["WARMTH"].count() == 1
    finally:
        gc.unfreeze()
        store.close(app)  # its thread keeping new versions warm (the handle reopens when asked)
