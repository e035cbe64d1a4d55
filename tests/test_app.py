"""The app factory: configuration only, the index opened on first use, closed on request."""

from __future__ import annotations

from expected import SEED_ID

from archive.web import create_app, store


def test_the_factory_touches_no_file(tmp_path, corpus_dir):
    index_dir = tmp_path / "index"
    app = create_app({"CORPUS": str(corpus_dir), "INDEX": str(index_dir), "TESTING": True})
    assert app.config["INDEX"] == str(index_dir) and app.config["BUILD_MISSING_INDEX"] is True
    assert not index_dir.exists()  # nothing built, nothing opened
    assert app.extensions["archive"]._handle is None


def test_the_first_request_builds_a_missing_index_when_allowed(tmp_path, corpus_dir):
    index_dir = tmp_path / "index"
    app = create_app({"CORPUS": str(corpus_dir), "INDEX": str(index_dir), "TESTING": True})
    page = app.test_client().get(f"/a/{SEED_ID}/p/14")
    assert page.status_code == 200 and (index_dir / "archive-index.json").is_file()
    store.close(app)
    assert app.extensions["archive"]._handle is None
    assert app.test_client().get("/search?q=Putin").status_code == 200  # opened again


def test_without_an_index_pages_say_so_without_server_paths(tmp_path):
    index_dir = tmp_path / "secret-place" / "index"
    app = create_app({"CORPUS": str(tmp_path), "INDEX": str(index_dir), "BUILD_MISSING_INDEX": False})
    client = app.test_client()
    page = client.get("/search?q=Putin")
    assert page.status_code == 503
    text = page.get_data(as_text=True)
    assert "index cannot be opened" in text and "secret-place" not in text
    api = client.get("/api/search?q=Putin")
    assert api.status_code == 503 and "index cannot be opened" in api.get_json()["error"]


def test_settings_come_from_the_environment_then_the_mapping(monkeypatch, tmp_path):
    monkeypatch.setenv("ARCHIVE_PAGE_SIZE", "7")
    monkeypatch.setenv("ARCHIVE_INDEX", str(tmp_path / "from-env"))
    app = create_app({"INDEX": str(tmp_path / "given"), "BUILD_MISSING_INDEX": False})
    assert app.config["PAGE_SIZE"] == 7 and app.config["INDEX"] == str(tmp_path / "given")


def test_the_app_reindex_command_reports_like_the_cli(tmp_path, corpus_dir):
    index_dir = tmp_path / "index"
    app = create_app({"CORPUS": str(corpus_dir), "INDEX": str(index_dir)})
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "3 added, 0 changed, 0 removed, 0 failed, 0 unchanged" in result.output
    again = app.test_cli_runner().invoke(args=["reindex"])
    assert "0 added, 0 changed, 0 removed, 0 failed, 3 unchanged" in again.output
