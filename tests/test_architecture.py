"""The import contracts between the core, the features and the plugins.

The contracts that import-linter can state live in pyproject.toml under [tool.importlinter] and
are checked here in-process. What they cannot state is checked here with grimp, on the same
import graph:

- a feature imports another feature only if its plugin module declares it in ``requires``;
- no import cycle among the modules of the core, nor within any one feature or plugin. Only
  imports that run when a module is first imported count: those inside functions are deferred
  and do not, and neither do those guarded by ``if TYPE_CHECKING:``;
- the plugins' tests, which are not packages and so not in the graph, import from the hub only
  its public modules, and no feature.

The last test runs all of this over a throwaway tree that breaks each rule once.
"""

from __future__ import annotations

import ast
import importlib.util
import itertools
import json
import re
import tomllib
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import grimp
import pytest
from importlinter import configuration
from importlinter.application import use_cases
from importlinter.application.output import console

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
PUBLIC_HUB = ("api", "testing", "contract")
"""The only modules of the core that plugins and their tests may import."""


@dataclass(frozen=True)
class Layout:
    """Where the core, the features and the plugins are, by their top-level package names."""

    core: str
    features: str
    plugins: tuple[str, ...]
    plugin_names: Mapping[str, str]
    """Each feature package's plugin name: the name its ``requires`` are written in."""
    plugin_tests: tuple[Path, ...]
    not_core: tuple[str, ...]
    """Packages under the core that are not code of the core."""

    @property
    def roots(self) -> tuple[str, ...]:
        return (self.core, self.features, *self.plugins)

    def public_hub(self) -> tuple[str, ...]:
        return tuple(f"{self.core}.{name}" for name in PUBLIC_HUB)


def project_layout() -> Layout:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    roots = project["tool"]["importlinter"]["root_packages"]
    entry_points = project["project"]["entry-points"]["simpul"]
    return Layout(
        core="hub",
        features="features",
        plugins=tuple(root for root in roots if root not in ("hub", "features")),
        plugin_names={value.rpartition(".")[0]: name for name, value in entry_points.items()},
        plugin_tests=tuple(sorted((ROOT / "plugins").glob("*/tests"))),
        not_core=("hub.plugin_template",),
    )


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


# import-linter
# -------------

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def lint_imports(config: Path) -> tuple[bool, str]:
    """Check the contracts in ``config`` as ``lint-imports`` does; return whether all are kept
    and the report.

    This calls what the command calls, not ``importlinter.cli.lint_imports``: that one also
    reconfigures logging, which would turn off every logger the other tests made, and puts the
    working directory on sys.path.
    """
    configuration.configure()
    soft_wrap, console.soft_wrap = console.soft_wrap, True
    try:
        with console.capture() as captured:
            kept = use_cases.lint_imports(config_filename=str(config), cache_dir=None, no_logo=True)
    finally:
        console.soft_wrap = soft_wrap
    return kept, ANSI.sub("", captured.get())


# grimp
# -----


def build_graph(layout: Layout, *, exclude_type_checking_imports: bool) -> grimp.ImportGraph:
    return grimp.build_graph(
        *layout.roots,
        exclude_type_checking_imports=exclude_type_checking_imports,
        cache_dir=None,
    )


@cache
def package_folders(package: str) -> tuple[Path, ...]:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.submodule_search_locations is None:
        return ()
    folders = (Path(location) for location in spec.submodule_search_locations)
    return tuple(dict.fromkeys(folder for folder in folders if folder.is_dir()))


def module_file(module: str) -> Path | None:
    top, *rest = module.split(".")
    for folder in package_folders(top):
        path = folder.joinpath(*rest)
        for candidate in (path / "__init__.py", path.with_suffix(".py")):
            if candidate.is_file():
                return candidate
    return None


def deferred_import_lines(path: Path) -> frozenset[int]:
    """The lines of the import statements in ``path`` that run only when a function is called."""
    lines: set[int] = set()

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if in_function and isinstance(child, ast.Import | ast.ImportFrom):
                lines.add(child.lineno)
            visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), False)
    return frozenset(lines)


def import_lines(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    details = graph.get_import_details(importer=importer, imported=imported)
    return ", ".join(f"l.{line}" for line in sorted({d["line_number"] for d in details}))


def feature_of(layout: Layout, module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != layout.features or len(parts) < 2:
        return None
    return ".".join(parts[:2])


def declared_requires(feature: str) -> tuple[str, ...]:
    """The ``requires`` tuple of the feature's plugin module, read without importing it."""
    path = module_file(f"{feature}.plugin")
    if path is None:
        return ()
    for node in ast.parse(path.read_text(encoding="utf-8"), str(path)).body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        else:
            continue
        if any(isinstance(target, ast.Name) and target.id == "requires" for target in targets):
            return tuple(ast.literal_eval(node.value))
    return ()


def undeclared_feature_imports(layout: Layout, graph: grimp.ImportGraph) -> list[str]:
    violations = []
    for feature in sorted(graph.find_children(layout.features)):
        requires = declared_requires(feature)
        for importer in sorted({feature} | graph.find_descendants(feature)):
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                other = feature_of(layout, imported)
                if other in (None, feature):
                    continue
                name = layout.plugin_names.get(other, other.rpartition(".")[2])
                if name not in requires:
                    lines = import_lines(graph, importer, imported)
                    violations.append(
                        f"{importer} -> {imported} ({lines}): {name!r} is not in {requires!r}"
                    )
    return violations


def cycle_scopes(layout: Layout, graph: grimp.ImportGraph) -> list[str]:
    return [layout.core, *sorted(graph.find_children(layout.features)), *layout.plugins]


def module_level_imports(
    layout: Layout, graph: grimp.ImportGraph, scope: str
) -> dict[str, set[str]]:
    """The imports within ``scope`` that run when the importing module is first imported."""
    modules = {
        module
        for module in {scope} | graph.find_descendants(scope)
        if not any(within(module, excluded) for excluded in layout.not_core)
    }
    edges: dict[str, set[str]] = {module: set() for module in modules}
    for importer in modules:
        path = module_file(importer)
        deferred = deferred_import_lines(path) if path else frozenset()
        for imported in graph.find_modules_directly_imported_by(importer) & modules:
            details = graph.get_import_details(importer=importer, imported=imported)
            if imported != importer and any(d["line_number"] not in deferred for d in details):
                edges[importer].add(imported)
    return edges


def strongly_connected(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, without recursion: the groups of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(edges[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    groups.append(sorted(group))
    return groups


def shortest_cycle(edges: Mapping[str, set[str]], start: str, group: set[str]) -> list[str]:
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for successor in sorted(edges[node] & group):
            if successor == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if successor not in previous:
                previous[successor] = node
                queue.append(successor)
    raise AssertionError(f"{start} is on no cycle")


def import_cycles(layout: Layout, graph: grimp.ImportGraph) -> list[str]:
    """Each group of modules that import each other, as cycles that between them cover it."""
    found = []
    for scope in cycle_scopes(layout, graph):
        edges = module_level_imports(layout, graph, scope)
        for group in strongly_connected(edges):
            if len(group) < 2:
                continue
            covered: set[str] = set()
            for module in group:
                if module in covered:
                    continue
                cycle = shortest_cycle(edges, module, set(group))
                covered.update(cycle)
                steps = [
                    f"{a} -> {b} ({import_lines(graph, a, b)})"
                    for a, b in itertools.pairwise(cycle)
                ]
                found.append(f"cycle in {scope}:\n    " + "\n    ".join(steps))
    return found


# the plugins' tests
# ------------------


def imported_modules(path: Path, known: set[str]) -> Iterator[tuple[int, str]]:
    """Every module a file imports, anywhere in it: ``from a import b`` imports ``a.b`` when that
    is a module, else ``a``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                yield node.lineno, submodule if submodule in known else node.module


def plugin_test_imports(layout: Layout, graph: grimp.ImportGraph) -> list[str]:
    public = layout.public_hub()
    violations = []
    for folder in layout.plugin_tests:
        for path in sorted(folder.rglob("*.py")):
            for line, module in imported_modules(path, graph.modules):
                top = module.partition(".")[0]
                private_hub = top == layout.core and not any(within(module, p) for p in public)
                if private_hub or top == layout.features:
                    violations.append(f"{path.relative_to(folder.parents[2])}:{line} {module}")
    return sorted(set(violations))


# the checks over this project
# ----------------------------


@pytest.fixture(scope="module")
def layout() -> Layout:
    return project_layout()


@pytest.fixture(scope="module")
def graph(layout) -> grimp.ImportGraph:
    return build_graph(layout, exclude_type_checking_imports=False)


def fail_with(heading: str, violations: list[str]) -> None:
    if violations:
        pytest.fail(heading + "\n" + "\n".join(violations), pytrace=False)


def test_import_contracts_are_kept():
    kept, report = lint_imports(PYPROJECT)
    if not kept:
        pytest.fail(report, pytrace=False)


def test_every_plugin_package_is_under_the_contracts(layout):
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    contracts = {c["id"]: c for c in project["tool"]["importlinter"]["contracts"]}
    packages = {p.parent.name for p in (ROOT / "plugins").glob("*/simpul_*/__init__.py")}
    assert packages == set(layout.plugins)
    assert packages <= set(contracts["core"]["forbidden_modules"])
    assert packages == set(contracts["plugins-hub"]["source_modules"])
    assert packages == set(contracts["plugins-features"]["source_modules"])


def test_features_import_only_the_features_they_require(layout, graph):
    fail_with(
        "A feature imports a feature its plugin module does not list in `requires`:",
        undeclared_feature_imports(layout, graph),
    )


def test_no_import_cycles(layout):
    graph = build_graph(layout, exclude_type_checking_imports=True)
    fail_with("Modules import each other when first imported:", import_cycles(layout, graph))


def test_plugin_tests_import_only_the_public_hub(layout, graph):
    fail_with(
        f"Plugins' tests import from the hub only {', '.join(layout.public_hub())}, and no"
        " feature:",
        plugin_test_imports(layout, graph),
    )


# the same checks over a tree that breaks each rule
# -------------------------------------------------

PREFIX = "throwaway_"
BROKEN_TREE = {
    "hub/__init__.py": "",
    "hub/api.py": "from throwaway_hub import models\n",
    "hub/models.py": (
        "from typing import TYPE_CHECKING\n"
        "from throwaway_hub import api\n"
        "if TYPE_CHECKING:\n"
        "    from throwaway_hub import state\n"
    ),
    "hub/state.py": "from throwaway_hub import models\n",
    "hub/sync.py": "def later():\n    from throwaway_hub import jobs\n",
    "hub/jobs.py": "from throwaway_hub import sync\nimport throwaway_features.reports\n",
    "hub/testing.py": "",
    "hub/contract.py": "",
    "features/complaints/__init__.py": "",
    "features/complaints/plugin.py": "requires = ()\nimport throwaway_features.reports.views\n",
    "features/reports/__init__.py": "",
    "features/reports/views.py": "",
    "features/open311/__init__.py": "",
    "features/open311/plugin.py": (
        'requires = ("complaints",)\nfrom throwaway_features.complaints import plugin\n'
    ),
    **{f"simpul_{name}/__init__.py": "" for name in ("qlue", "jobs", "finance", "hr")},
    "simpul_floods/__init__.py": (
        "from throwaway_hub.api import x\nfrom throwaway_hub import state\n"
    ),
    "simpul_floods/gauges.py": "import throwaway_features.open311\n",
    "plugins/floods/tests/test_floods.py": (
        "from throwaway_hub.api import x\nfrom throwaway_hub.testing import y\n"
        "def test():\n    from throwaway_hub.models import z\n"
    ),
}


def renamed(value, roots: tuple[str, ...]):
    if isinstance(value, list):
        return [renamed(item, roots) for item in value]
    if not isinstance(value, str):
        return value
    names = "|".join(map(re.escape, roots))
    return re.sub(rf"(?<![\w.])({names})(?![\w])", PREFIX + r"\1", value)


def write_renamed_contracts(config: Path, roots: tuple[str, ...]) -> None:
    """This project's contracts, about the throwaway tree's packages instead."""
    options = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    lines = ["[tool.importlinter]"]
    for key, value in options.items():
        if key != "contracts":
            lines.append(f"{key} = {json.dumps(renamed(value, roots))}")
    for contract in options["contracts"]:
        lines.append("\n[[tool.importlinter.contracts]]")
        for key, value in contract.items():
            value = value if key in ("id", "name", "type") else renamed(value, roots)
            lines.append(f"{key} = {json.dumps(value)}")
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_checks_find_what_breaks_the_rules(tmp_path, monkeypatch):
    package_folders.cache_clear()
    for name, text in BROKEN_TREE.items():
        path = tmp_path / (name if name.startswith("plugins/") else PREFIX + name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    real = project_layout()
    layout = Layout(
        core=PREFIX + real.core,
        features=PREFIX + real.features,
        plugins=tuple(PREFIX + plugin for plugin in real.plugins),
        plugin_names={PREFIX + k: v for k, v in real.plugin_names.items()},
        plugin_tests=(tmp_path / "plugins" / "floods" / "tests",),
        not_core=tuple(PREFIX + package for package in real.not_core),
    )
    config = tmp_path / "pyproject.toml"
    write_renamed_contracts(config, real.roots)

    kept, report = lint_imports(config)
    graph = build_graph(layout, exclude_type_checking_imports=False)

    assert not kept
    broken = set(re.findall(r"^(.+) BROKEN\b", report, re.MULTILINE))
    assert broken == {
        "The core imports no feature and no plugin",
        "Plugins import from the hub only hub.api, hub.testing and hub.contract",
        "No plugin imports a feature",
        "Complaints and reports do not import each other",
    }
    for importer, imported in [
        ("throwaway_hub.jobs", "throwaway_features.reports"),
        ("throwaway_simpul_floods", "throwaway_hub.state"),
        ("throwaway_simpul_floods.gauges", "throwaway_features.open311"),
        ("throwaway_features.complaints.plugin", "throwaway_features.reports.views"),
    ]:
        assert f"{importer} -> {imported}" in report
    assert "throwaway_simpul_floods -> throwaway_hub.api" not in report

    assert undeclared_feature_imports(layout, graph) == [
        "throwaway_features.complaints.plugin -> throwaway_features.reports.views (l.2):"
        " 'reports' is not in ()"
    ]
    assert import_cycles(layout, build_graph(layout, exclude_type_checking_imports=True)) == [
        "cycle in throwaway_hub:\n"
        "    throwaway_hub.api -> throwaway_hub.models (l.1)\n"
        "    throwaway_hub.models -> throwaway_hub.api (l.2)"
    ]
    assert plugin_test_imports(layout, graph) == [
        "plugins/floods/tests/test_floods.py:4 throwaway_hub.models"
    ]
