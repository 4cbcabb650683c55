"""The house has no import cycles: every module can be imported after the ones it needs.

The graph is read from the source (imports inside functions count too: they hide a
cycle rather than remove it), then every module is imported in that order. A package
importing its own modules (``claims/admin/__init__.py``) is fine; a module importing
one that imports it back is not.
"""

from __future__ import annotations

import ast
import importlib
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("claims", "verifier")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def house_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The house modules ``name`` imports, anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            # "from claims.admin import display" imports the module claims.admin.display.
            subs = {f"{base}.{alias.name}" for alias in node.names}
            found.update(subs & set(modules) or {base})
    return {m for m in found if m in modules and m != name}


def graph() -> dict[str, set[str]]:
    modules = house_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def test_there_is_no_import_cycle() -> None:
    try:
        order = list(TopologicalSorter(graph()).static_order())
    except CycleError as exc:
        pytest.fail(f"import cycle: {' -> '.join(exc.args[1])}")
    assert order


def test_every_module_imports_after_the_ones_it_needs() -> None:
    for name in TopologicalSorter(graph()).static_order():
        importlib.import_module(name)
