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


def test_warm_coins_makes_each_articles_coins(seed_index):
    from archive.records import coins
    from archive.web.helpers import COINS, warm_coins

    app = create_app({"INDEX": str(seed_index), "CORPUS": "unused", "BUILD_MISSING_INDEX": False})
    try:
        with app.app_context():
            articles = list(store.get_handle().article_records().values())
            warm_coins(articles)
        assert articles and all(app.extensions[COINS].get(a) == coins(a) for a in articles)
    finally:
        store.close(app)


def test_the_articles_coins_are_made_before_the_first_page(seed_index, monkeypatch):
    """A results page's COinS encode whole records: a worker makes them as it warms up, before
    any page (which would make those of its own articles), so its first pages only add each
    article's address."""
    import archive.web.warmup as warmup
    from archive.web.helpers import COINS

    app = create_app({"INDEX": str(seed_index), "CORPUS": "unused", "BUILD_MISSING_INDEX": False})
    before_any_page = []
    real_warm_coins = warmup.warm_coins
    monkeypatch.setattr(
        warmup,
        "warm_coins",
        lambda articles: (before_any_page.append(len(app.extensions[COINS]) == 0), real_warm_coins(articles)),
    )
    try:
        warm_pages(app)
        assert before_any_page == [True] and len(app.extensions[COINS])
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
    try:
        store.keep_warm(app)
        store.keep_warm(app)
        warming = [thread for thread in set(threading.enumerate()) - before if thread.name == "keep-warm"]
        assert len(warming) == 1 and warming[0].is_alive()
    finally:
        store.close(app)
    assert not warming[0].is_alive()
