"""The API sits above the apps it serves: none of them imports it."""

from __future__ import annotations

import ast
from pathlib import Path

import letdown

BELOW = ["accounts", "logbook", "routines", "insights", "live", "learn", "transfer", "core"]


def test_no_app_below_the_api_imports_it():
    root = Path(letdown.__file__).parent
    offenders = []
    for app in BELOW:
        for path in (root / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                offenders += [f"{path}: {n}" for n in names if n.startswith("letdown.api")]
    assert offenders == []
