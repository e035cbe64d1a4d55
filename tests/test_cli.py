"""The command line: options checked like the query language checks them."""

from __future__ import annotations

import json
import socket

from expected import P

from archive.cli import cli


def test_cli_validates_kinds_and_clamps_pages(runner, seed_index):
    bogus = runner.invoke(cli, ["search", "Putin", "--kind", "bogus", "--index", str(seed_index)])
    assert bogus.exit_code == 2 and "'bogus' is not one of" in bogus.output
    late = runner.invoke(cli, ["search", "Putin", "--page", "99", "--index", str(seed_index)])
    assert late.exit_code == 0 and "(page 3 of 3)" in late.output


def test_serve_says_the_port_is_taken_before_announcing_it(runner, seed_index):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = runner.invoke(cli, ["serve", "--index", str(seed_index), "--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot serve on 127.0.0.1:{port}: Address already in use" in result.output
    assert "Serving the archive" not in result.output


def test_search_command_prints_highlighted_hits(runner, seed_index):
    result = runner.invoke(cli, ["search", "sanctioned", "--index", str(seed_index)])
    assert result.exit_code == 0, result.output
    assert "results for sanction" in result.output and P + "p14" in result.output
    assert "¶ 14, p. 115" in result.output


def test_search_command_json_shape(runner, seed_index):
    result = runner.invoke(
        cli, ["search", "Lavrov", "--json", "--kind", "chronology", "--index", str(seed_index)]
    )
    data = json.loads(result.output)
    assert set(data) >= {"query", "interpreted", "total", "page", "pages", "suggestion", "facets", "hits"}
    assert set(data["hits"][0]) >= {
        "id", "kind", "article", "article_title", "section", "number", "page_start", "page_end",
        "date_start", "date_end", "text", "snippet",
    }  # fmt: skip
    assert data["hits"][0]["id"].startswith("cc-2019-09-china-russia-p")
    assert {h["kind"] for h in data["hits"]} == {"chronology"}


def test_search_command_reports_a_refused_query(runner, seed_index):
    result = runner.invoke(cli, ["search", "*", "--index", str(seed_index)])
    assert result.exit_code == 1 and "too broad" in result.output


def test_search_command_prints_partial_matches(runner, seed_index):
    result = runner.invoke(cli, ["search", "Putin Xi zeppelin", "--index", str(seed_index)])
    assert result.exit_code == 0, result.output
    assert "Passages with 2 of your 3 words:" in result.output and "missing: zeppelin" in result.output


def test_an_xhtml_page_is_parsed_without_a_library_warning(tmp_path):
    """Hakyll writes XHTML ('<?xml …?>' first); it is read as HTML, as browsers read it, and the
    report is not interrupted by Beautiful Soup's advice to read it as XML."""
    import subprocess
    import sys

    page = tmp_path / "post.html"
    page.write_text(
        '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">\n'
        "<head><title>Post</title></head><body><h1>Post</h1><p>The post's own text, long enough.</p>"
        + "<p>More of the post's text, as long as a real page's opening is.</p>" * 8
        + "</body></html>",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "archive", "parse", str(page)], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("post: Post") and "Warning" not in done.stderr
