"""The command line: options checked like the query language checks them."""

from __future__ import annotations

import socket

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
