"""The dependency rules of DESIGN.md and the README's map, read from the source.

parser -> importer -> catalogue -> services -> views/API: curation depends on
catalog and never the reverse, nothing but the importer's command uses the
importer, the pure modules import no Django, and no two modules import each other
(directly or round a longer loop).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("catalog", "curation", "config")
PURE = {
    "catalog.parsing",
    "catalog.normalize",
    "catalog.names",
    "catalog.citations",
    "catalog.coauthor_picture",
    "curation.finders.text",
    "curation.finders.name_rules",
    "curation.finders.clustering",
    "curation.matcher",
    "curation.matcher.features",
    "curation.matcher.model",
    "curation.matcher.training",
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }


def _imports(name: str, path: Path) -> set[str]:
    """Modules ``name`` imports (absolute names), from any ``import`` statement."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


MODULES = _modules()
GRAPH = {
    name: {m for m in _imports(name, path) if m in MODULES and m != name}
    for name, path in MODULES.items()
}


def test_layers_catalog_never_imports_curation():
    offenders = {
        name: sorted(m for m in deps if m.startswith("curation"))
        for name, deps in GRAPH.items()
        if name.startswith("catalog")
    }

    assert {name: deps for name, deps in offenders.items() if deps} == {}


def test_layers_only_the_import_command_uses_the_importer():
    users = {
        name
        for name, deps in GRAPH.items()
        if any(m == "catalog.importing" or m.startswith("catalog.importing.") for m in deps)
        and not name.startswith("catalog.importing")
    }

    assert users == {"catalog.management.commands.import_seeds", "curation.uploads"}


@pytest.mark.parametrize("name", sorted(PURE))
def test_layers_pure_module_imports_no_django(name):
    imported = _imports(name, MODULES[name])

    assert {m for m in imported if m.split(".")[0] == "django"} == set()
    assert {m for m in imported if m.startswith("catalog.models")} == set()


def test_layers_no_import_cycle():
    # Depth-first search; a package's __init__ importing its own submodules is
    # the usual re-export and not a cycle unless a submodule imports the package back.
    state: dict[str, str] = {}
    cycles: list[list[str]] = []

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for dep in sorted(GRAPH[name]):
            if state.get(dep) == "open":
                cycles.append([*trail[trail.index(dep) :], dep] if dep in trail else [name, dep])
            elif dep not in state:
                visit(dep, [*trail, dep])
        state[name] = "done"

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])

    assert cycles == []


def test_layers_no_module_past_about_500_lines():
    lengths = {name: len(path.read_text().splitlines()) for name, path in MODULES.items()}

    assert {name: n for name, n in lengths.items() if n > 520} == {}


def test_layers_every_module_opens_with_a_docstring():
    missing = {
        name
        for name, path in MODULES.items()
        if path.stat().st_size and ast.get_docstring(ast.parse(path.read_text())) is None
    }

    assert missing == set()
