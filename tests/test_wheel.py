"""The archive as users install it: a wheel, run from outside the repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

RENDER = """
import sys
import archive
from archive.web import create_app

assert "site-packages" not in archive.__file__ and sys.argv[2] in archive.__file__, archive.__file__
client = create_app({"INDEX": sys.argv[1], "BUILD_MISSING_INDEX": False}).test_client()
for path in ("/", "/search?q=Putin", "/a/cc-2019-09-china-russia/p/14", "/static/archive.css", "/nowhere"):
    response = client.get(path)
    print(path, response.status_code, len(response.data))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel pip builds from the repository, installed (without its dependencies, which the
    test's environment has) into a folder of its own."""
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(root / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next((root / "dist").glob("archive-*.whl"))
    target = root / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    return target


def test_the_installed_wheel_renders_every_page_kind(installed, seed_index, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", RENDER, str(seed_index), str(installed)],
        cwd=tmp_path,  # outside the repository: nothing may come from the checkout
        env={"PYTHONPATH": str(installed), "ARCHIVE_KEY_FILE": os.environ["ARCHIVE_KEY_FILE"]},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    statuses = {line.split()[0]: int(line.split()[1]) for line in result.stdout.splitlines()}
    assert statuses == {
        "/": 200,
        "/search?q=Putin": 200,
        "/a/cc-2019-09-china-russia/p/14": 200,
        "/static/archive.css": 200,
        "/nowhere": 404,
    }
