"""The engine boundary: only archive/engine/ knows Whoosh."""

from __future__ import annotations

import ast
import warnings
from functools import cache
from pathlib import Path

import whoosh

PACKAGE = Path(__file__).resolve().parent.parent / "archive"
ENGINE = PACKAGE / "engine"


@cache
def whoosh_private_names() -> frozenset[str]:
    """Every private name Whoosh defines or assigns: functions, classes, attributes."""
    names = set()
    for path in Path(whoosh.__file__).parent.rglob("*.py"):
        with warnings.catch_warnings():  # Whoosh's old regex strings ("\g<1>") warn
            warnings.simplefilter("ignore")
            tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute):
                names.add(node.attr)
    return frozenset(name for name in names if name.startswith("_") and not name.startswith("__"))


def whoosh_imports(source: str) -> list[int]:
    """Lines of a module that import Whoosh."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        else:
            continue
        lines += [node.lineno for module in modules if module.split(".")[0] == "whoosh"]
    return lines


def private_whoosh_names_used(source: str) -> list[str]:
    """Private Whoosh names a module reaches on other objects (`reader._read_ids`); a class's own
    private attributes (`self._local`) are its own."""
    private = whoosh_private_names()
    return [
        node.attr
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute)
        and node.attr in private
        and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
    ]


def outside_modules() -> dict[str, str]:
    return {
        str(path.relative_to(PACKAGE)): path.read_text(encoding="utf-8")
        for path in sorted(PACKAGE.rglob("*.py"))
        if ENGINE not in path.parents
    }


def test_no_module_outside_the_engine_imports_whoosh():
    modules = outside_modules()
    assert "search.py" in modules and "reindex.py" in modules and "web/api.py" in modules
    assert {name: lines for name, source in modules.items() if (lines := whoosh_imports(source))} == {}


def test_no_module_outside_the_engine_touches_a_private_whoosh_name():
    used = {
        name: names
        for name, source in outside_modules().items()
        if (names := private_whoosh_names_used(source))
    }
    assert used == {}


def test_the_boundary_checks_see_an_offender():
    assert {"_read_ids", "_cached_reader", "_commit", "_dbfile"} <= whoosh_private_names()
    offender = "from whoosh import query as q\nimport whoosh.index\n\ndef f(reader):\n    return reader._read_ids()\n"
    assert whoosh_imports(offender) == [1, 2]
    assert private_whoosh_names_used(offender) == ["_read_ids"]
    assert private_whoosh_names_used("class A:\n    def f(self):\n        return self._commit\n") == []
