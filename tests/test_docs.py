"""The README keeps up with the code: every command, every setting, the two set-up commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.cli import cli
from archive.settings import SETTINGS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_an_example_and_is_in_the_readme(runner, name):
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output, f"archive {name} --help shows no example"
    assert f"archive {name}" in README, f"README does not mention `archive {name}`"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented(setting):
    default = f"`{setting.default}`" if setting.default else "none"
    assert f"| `{setting.name}` | {default} | {setting.help} |" in README


def test_readme_gives_the_two_setup_commands():
    assert "make serve" in README and "make test" in README
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci and "set -euo pipefail" in ci
