"""Imports run one way: contracts <- note NLP and data <- criteria <- judging <- store <- api
<- jobs and tools <- web and CLI <- the tools that drive the web app. The package's own
imports are read from its source (every `import`/`from` of a matcher module, lazy ones
inside functions included), so a new upward import or a new import circle fails here with
the modules named.

The imports that break the rule today are listed in KNOWN_UPWARD and KNOWN_CIRCLES: debts
issue 13 pays off, one entry at a time. An entry that no longer occurs must be removed (the
test says so), so the lists only shrink."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "matcher"

# The layer of each module, by longest matching prefix.
LAYERS: dict[str, int] = {
    "matcher.model": 0,
    "matcher.errors": 0,
    "matcher.nlp": 1,  # notes into findings; vocabulary, dates, units, doses and their data
    "matcher.criteria": 2,
    "matcher.judge": 3,  # timeline, evaluation, ranking, the eligibility model
    "matcher.store": 4,  # the database, ingest, CSV output
    "matcher.interchange": 4,  # FHIR / OMOP readers and their loader: model, nlp and store only
    "matcher.review": 5,  # criteria review and protocol versions, under the API
    "matcher.api": 5,
    "matcher.jobs": 6,  # nightly, the embedded and Spark engines
    "matcher.tools": 6,  # gold evaluation, training, synthetic cohorts
    "matcher.web": 7,
    "matcher.cli": 7,
    "matcher": 7,  # the package's __init__
    "matcher.tools.web": 8,  # demo database, HTTP bench, screenshots: drive the web app
}

# Upward imports that exist today (importer, imported): issue 13's debts. None left: the
# store builds result rows with the judging layer's `result_row`, the eligibility model
# trains on `ranking.judge_patient` and scores with `ranking.ndcg` (matcher.judge).
KNOWN_UPWARD: set[tuple[str, str]] = set()

# Import circles that exist today, each the sorted modules of one strongly connected
# component (circles that share a module are one component).
KNOWN_CIRCLES: set[tuple[str, ...]] = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def import_graph() -> dict[str, set[str]]:
    """module -> the matcher modules it imports (a `from matcher.x import y` names
    matcher.x.y when that is a module, else matcher.x)."""
    modules = _modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module == "matcher" or node.module.startswith("matcher."):
                    for alias in node.names:
                        full = f"{node.module}.{alias.name}"
                        targets.append(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                targets += [a.name for a in node.names if a.name.startswith("matcher")]
            graph[name].update(t for t in targets if t != name and t in modules)
    return graph


def layer(module: str) -> int:
    prefix = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return LAYERS[prefix]


def upward_imports(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    return {(a, b) for a, targets in graph.items() for b in targets if layer(b) > layer(a)}


def circles(graph: dict[str, set[str]]) -> set[tuple[str, ...]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[tuple[str, ...]] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
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
                found.add(tuple(sorted(component)))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_has_a_layer():
    assert all(layer(m) >= 0 for m in _modules())


def test_no_module_imports_a_higher_layer_beyond_the_known_debts():
    upward = upward_imports(import_graph())
    new = sorted(upward - KNOWN_UPWARD)
    assert not new, f"upward imports (lower layers never import higher ones): {new}"
    paid = sorted(KNOWN_UPWARD - upward)
    assert not paid, f"no longer imported: remove from KNOWN_UPWARD: {paid}"


def test_interchange_imports_only_the_model_the_nlp_data_and_the_store():
    """The FHIR and OMOP readers and their loader turn exports into the store's inputs
    (issue 18): never the criteria, the judging layer, the API or the web."""
    allowed = ("matcher.model", "matcher.errors", "matcher.nlp", "matcher.store",
               "matcher.interchange")  # fmt: skip
    graph = import_graph()
    stray = sorted(
        (a, b)
        for a, targets in graph.items()
        if a.startswith("matcher.interchange")
        for b in targets
        if not any(b == p or b.startswith(p + ".") for p in allowed)
    )
    assert not stray, f"interchange imports beyond the model, the NLP and the store: {stray}"


def test_no_import_circle_beyond_the_known_debts():
    found = circles(import_graph())
    new = sorted(found - KNOWN_CIRCLES)
    assert not new, f"new import circles: {new}"
    paid = sorted(KNOWN_CIRCLES - found)
    assert not paid, f"circle gone: remove from KNOWN_CIRCLES: {paid}"


def test_the_checker_sees_an_upward_import_and_a_circle():
    # The checker itself on a small graph: the store importing the web app, and a circle.
    graph = {
        "matcher.store": {"matcher.web.app"},
        "matcher.web.app": {"matcher.store"},
        "matcher.model": set(),
    }
    assert upward_imports(graph) == {("matcher.store", "matcher.web.app")}
    assert circles(graph) == {("matcher.store", "matcher.web.app")}
