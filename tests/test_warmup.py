"""A worker renders each page kind once before its first request, and never fails to start."""

from __future__ import annotations

from archive.web import create_app, store
from archive.web.warmup import NONSENSE, warm_pages


def test_each_page_kind_is_rendered_once(seed_index):
    app = create_app({"INDEX": str(seed_index), "CORPUS": "unused", "BUILD_MISSING_INDEX": False})
    try:
        paths = warm_pages(app)
        assert paths[0] == "/"
        assert f"/search?q={NONSENSE}" in paths  # did-you-mean and partial matches
        assert any(p.startswith("/search?q=%22") for p in paths)  # a phrase
        assert any(p.startswith("/api/search?q=") for p in paths)
        assert any(p.startswith("/a/") and "/p/" in p for p in paths)  # citations, related passages
        client = app.test_client()
        assert [client.get(p).status_code for p in paths] == [200] * len(paths)
    finally:
        store.close(app)


def test_every_articles_coins_is_made_before_the_first_request(seed_index):
    """A results page's COinS encode whole records: a worker makes them as it warms up, so its
    first pages only add each article's address."""
    from archive.records import coins
    from archive.web.helpers import COINS

    app = create_app({"INDEX": str(seed_index), "CORPUS": "unused", "BUILD_MISSING_INDEX": False})
    try:
        warm_pages(app)
        with app.app_context():
            articles = list(store.get_handle().article_records().values())
        assert articles and all(app.extensions[COINS].get(a) == coins(a) for a in articles)
    finally:
        store.close(app)


def test_an_index_that_cannot_be_opened_does_not_stop_the_worker(tmp_path, caplog):
    app = create_app({"INDEX": str(tmp_path / "none"), "CORPUS": str(tmp_path), "BUILD_MISSING_INDEX": False})
    assert warm_pages(app) == []
    assert "pages could not be warmed" in caplog.text


def test_a_worker_keeps_new_versions_of_the_index_warm_until_it_closes(seed_index):
    """One thread a worker (asked twice, started once), stopped when the worker closes."""
    import threading

    app = create_app({"INDEX": str(seed_index), "CORPUS": "unused", "BUILD_MISSING_INDEX": False})
    before = set(threading.enumerate())
    store.keep_warm(app)
    store.keep_warm(app)
    warming = [thread for thread in set(threading.enumerate()) - before if thread.name == "keep-warm"]
    assert len(warming) == 1 and warming[0].is_alive()
    store.close(app)
    assert not warming[0].is_alive()
