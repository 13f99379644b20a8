"""The package's modules import each other without a circle.

A circle (cache -> engine -> rules -> restricted -> cache, which HS810 once brought in) ties
modules that should be read, tested and changed apart, and makes the order of imports matter.
Imports inside functions count too: they are a circle put off, not removed. Imports under
``if TYPE_CHECKING:`` do not, since they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "tools" / "hindsight"


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` except what sits under ``if TYPE_CHECKING:``."""
    out, todo = [], [tree]
    while todo:
        node = todo.pop()
        out.append(node)
        for child in ast.iter_child_nodes(node):
            test = child.test if isinstance(child, ast.If) else None
            if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
                todo.extend(child.orelse)
                continue
            todo.append(child)
    return out


def _imports(source: str, name: str, package: str, modules: set[str]) -> set[str]:
    """The modules of ``modules`` that the module ``name`` (of ``package``) imports when run.

    A submodule's import of a package it is in is left out: Python imports the package
    first anyway, so a package that loads its submodules on demand is no circle.
    """
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            # `from hindsight import clock` imports the module hindsight.clock
            targets = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules]
            targets = targets or [base]
        else:
            continue
        found.update(
            t for t in targets if t in modules and not name.startswith(t + ".") and t != name
        )
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        graph[name] = _imports(path.read_text(encoding="utf-8"), name, package, set(modules))
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_imports_are_read_as_python_runs_them() -> None:
    modules = {"p", "p.a", "p.b", "p.c", "p.d", "p.sub", "p.sub.e"}
    source = (
        "from typing import TYPE_CHECKING\nfrom p import a\nfrom . import b\n"
        "def f():\n    from p.c import name\n"
        "if TYPE_CHECKING:\n    from p.d import Thing\n"
    )
    assert _imports(source, "p.x", "p", modules) == {"p.a", "p.b", "p.c"}
    assert _imports("from .. import a\nimport p.sub\n", "p.sub.e", "p.sub", modules) == {"p.a"}
    assert "hindsight.engine" in _graph()["hindsight.cache"]


def test_no_module_imports_itself_back() -> None:
    assert _circles(_graph()) == []


def test_a_circle_would_be_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]
