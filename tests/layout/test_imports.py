"""The house's rules, read from the source: who may import whom, and no circles.

`core/` is imported by both sides and imports neither; `actions/` (the action
server) and `bot/` (the gateway) never import each other. Imports made only
for type checking do not count: they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterator, Set

import pytest

from core.paths import REPO_ROOT

PACKAGES = ("core", "actions", "bot", "nlu", "connectors", "rasa_patched")
NEVER = {
    "core": {"bot", "actions", "nlu", "connectors", "rasa_patched"},
    "actions": {"bot", "nlu", "connectors", "rasa_patched"},
    "bot": {"actions", "nlu", "connectors", "rasa_patched"},
    "nlu": {"bot", "actions", "connectors", "rasa_patched"},
    # What Rasa loads besides NLU components (the gateway's channel, the launcher): Rasa, core/ and our patches.
    "connectors": {"bot", "actions", "nlu"},
    # Runs inside Rasa's process, as nlu/ does.
    "rasa_patched": {"bot", "actions", "connectors"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path, top_level_only: bool) -> Set[str]:
    """Our modules that `path` imports; with top_level_only, only those run when it is imported."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: Set[str] = set()

    def visit(nodes, top: bool) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and _type_checking_only(node):
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                if not top_level_only:
                    visit(ast.iter_child_nodes(node), False)
                continue
            visit(ast.iter_child_nodes(node), top)

    visit(tree.body, True)
    return {name for name in found if name.split(".")[0] in PACKAGES}


MODULES = {module_name(p): p for p in sources()}


def resolve(name: str) -> str:
    """`bot.store.conversations` stays; `bot.store.sms_store_fn` becomes its module `bot.store`."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


@pytest.mark.parametrize("module", sorted(MODULES))
def test_nothing_imports_across_the_line(module):
    own = module.split(".")[0]
    crossing = sorted(n for n in imports_of(MODULES[module], top_level_only=False) if n.split(".")[0] in NEVER[own])
    assert not crossing, f"{module} imports {crossing}"


def test_the_import_graph_has_no_circles():
    graph: Dict[str, Set[str]] = {
        module: {resolve(n) for n in imports_of(path, top_level_only=True)} - {module, ""}
        for module, path in MODULES.items()
    }
    # A package's __init__ importing its own modules is how packages work, not a circle.
    for module, targets in graph.items():
        graph[module] = {t for t in targets if not module.startswith(t + ".")}
    state: Dict[str, int] = {}
    stack: list = []

    def walk(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt]
                pytest.fail("import circle: " + " -> ".join(cycle))
            if nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module)
