"""The apps are layered: an app imports only from the layers below its own, so there is no
circle between apps and each one can be read (and changed) knowing only what lies beneath it.

The graph is read from the source with `ast`, every import statement in every module counted:
at the top of the module, inside a function, under `if TYPE_CHECKING:` alike, so an import
hidden inside a function to dodge a circle still fails here.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import letdown

PACKAGE = Path(letdown.__file__).resolve().parent

# Bottom to top. An app may import from any app in a lower layer, never from its own layer's
# other apps nor from a higher one. A new app (or top-level module) must be placed here.
LAYERS: tuple[frozenset[str], ...] = (
    # Pure helpers and the pure reflex model: nothing of letdown beneath them.
    frozenset({"core", "reflex", "paths", "email_url"}),
    # Households, members and roles, lactations and babies; the policy; the one write gate.
    frozenset({"accounts"}),
    # Her baby's nappies and weights: the logbook's home and history show them.
    frozenset({"babylog"}),
    # Sessions, let-downs, leaks, bottle feeds: the record every other app reads.
    frozenset({"logbook"}),
    # The routine catalogue and player (let-downs and her pump switch time from the logbook).
    frozenset({"routines"}),
    # Articles (which name routine steps), sources, comments.
    frozenset({"learn"}),
    # Pages on top of the record: her statistics (with links to articles), the explainer.
    frozenset({"insights", "explainer"}),
    # The live session screen (logbook and routines together), reminders (about insights).
    frozenset({"live", "reminders"}),
    # The specialist's share link and report (the Insights page, the logbook, the routines).
    frozenset({"share"}),
    # Her data in and out (share links are part of it), and the REST API over everything.
    frozenset({"transfer", "api"}),
    # The project's parts: settings, the servers' entry, the demo, the admin site, health.
    frozenset({"settings", "wsgi", "asgi", "demo", "admin", "admin_apps", "health"}),
    # The two ways in: the URLs and the `letdown` command.
    frozenset({"urls", "cli"}),
)
LAYER = {app: index for index, apps in enumerate(LAYERS) for app in apps}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative: from the module's own package, up `level - 1` packages
        package = module.split(".") if is_package else module.split(".")[:-1]
        base = ".".join(package[: len(package) - node.level + 1])
        target = f"{base}.{node.module}" if node.module else base
    else:
        target = node.module or ""
    # `from letdown import logbook` imports the app, not the package's __init__.
    return [f"{target}.{alias.name}" for alias in node.names] if target == "letdown" else [target]


def _app(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "letdown" and len(parts) > 1 else None


def import_edges() -> dict[tuple[str, str], list[str]]:
    """(importing app, imported app) -> where: "letdown/x/y.py:12 imports letdown.z"."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_name(path)
        source = _app(module)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in _imported(module, path.name == "__init__.py", node):
                app = _app(target)
                if source and app and app != source:
                    where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno} imports {target}"
                    edges[(source, app)].append(where)
    return edges


def _circles(edges: dict[tuple[str, str], list[str]]) -> list[list[str]]:
    """Every group of apps that reach each other (Tarjan's strongly connected components)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        for other in sorted(graph[app]):
            if other not in index:
                visit(other)
                low[app] = min(low[app], low[other])
            elif other in stack:
                low[app] = min(low[app], index[other])
        if low[app] == index[app]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == app:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for app in sorted(graph):
        if app not in index:
            visit(app)
    return groups


def test_the_graph_sees_every_kind_of_import():
    # The reader itself: relative, absolute, package-level and function-level imports.
    edges = import_edges()
    assert ("logbook", "accounts") in edges  # from letdown.accounts.models import ...
    assert any(".py" in where for where in edges[("live", "logbook")])
    tree = ast.parse("def f():\n    from ..insights import selectors\n")
    node = tree.body[0].body[0]  # type: ignore[attr-defined]
    assert _imported("letdown.routines.services", False, node) == ["letdown.insights"]
    assert _app(_imported("letdown.routines", True, node)[0]) == "insights"
    (package_import,) = ast.parse("from letdown import logbook").body
    assert _imported("letdown.cli", False, package_import) == ["letdown.logbook"]  # type: ignore[arg-type]


def test_every_app_has_a_layer():
    apps = {
        path.name if path.is_dir() else path.stem
        for path in PACKAGE.iterdir()
        if (path.is_dir() and (path / "__init__.py").exists())
        or (path.suffix == ".py" and path.name != "__init__.py")
    }
    assert apps - LAYER.keys() == set(), "place the new app in LAYERS (tests/test_layers.py)"


def test_no_circle_between_apps():
    assert _circles(import_edges()) == []


def test_apps_import_only_from_the_layers_below():
    against = [
        f"{where} ({source} may not import {target})"
        for (source, target), wheres in sorted(import_edges().items())
        if LAYER[target] >= LAYER[source]
        for where in wheres
    ]
    assert against == [], "\n".join(against)


def test_a_circle_is_found():
    edges: dict[tuple[str, str], list[str]] = {
        ("insights", "learn"): [],
        ("learn", "routines"): [],
        ("routines", "insights"): [],
        ("live", "routines"): [],
    }
    assert _circles(edges) == [["insights", "learn", "routines"]]
