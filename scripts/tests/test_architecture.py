"""The one-way dependency rules of ARCHITECTURE.md, checked on the imports of scripts/chw."""

from __future__ import annotations

import ast
from pathlib import Path

CHW = Path(__file__).resolve().parents[1] / "chw"
# the shared helpers: everything may import them, they import nothing but each other
HELPERS = {"chw.settings", "chw.errors", "chw.logs", "chw.sqlquote", "chw.vocabulary"}
MAX_MODULE_LINES = 400


def _package(path: Path) -> str:
    """chw.<first part>: the module or package a file belongs to."""
    return ".".join(path.relative_to(CHW.parent).with_suffix("").parts[:2])


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("chw"):
            names = [f"chw.{a.name}" for a in node.names] if node.module == "chw" else []
            found |= {".".join(n.split(".")[:2]) for n in [*names, node.module] if n != "chw"}
        elif isinstance(node, ast.Import):
            found |= {".".join(a.name.split(".")[:2]) for a in node.names if a.name[:4] == "chw."}
    return found


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in CHW.rglob("*.py"):
        package = _package(path)
        graph.setdefault(package, set()).update(_imports(path) - {package})
    return graph


def test_nothing_imports_the_cli() -> None:
    importers = sorted(p for p, deps in _graph().items() if "chw.cli" in deps)
    assert importers == []


def test_helpers_import_only_helpers() -> None:
    graph = _graph()
    wrong = {h: sorted(graph.get(h, set()) - HELPERS) for h in HELPERS}
    assert {h: deps for h, deps in wrong.items() if deps} == {}


def test_the_dashboard_reads_the_published_marts_alone() -> None:
    """The dashboard imports no other chw module: its input is the published DuckDB file."""
    assert _graph()["chw.dashboard"] == set()


def test_no_module_is_a_thousand_lines_again() -> None:
    sizes = {str(p.relative_to(CHW)): len(p.read_text().splitlines()) for p in CHW.rglob("*.py")}
    assert {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES} == {}
