"""Scenarios own their semantics: no scenario name appears in code outside ``harness/``.

Adding a scenario must be one module plus its registration; a name compared or listed anywhere
else (``if scenario == "server"``) is knowledge that leaked out of the scenario.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("tournament", "leaderboard", "workloads", "hardware")
ALLOWED = ("tournament/harness/", "tournament/store/migrations/")
"""The harness owns the scenarios; migrations are frozen history (they may not import it)."""


def _scenario_names() -> set[str]:
    names = set()
    for path in (ROOT / "tournament" / "harness").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if (
                        isinstance(item, ast.Assign)
                        and [getattr(t, "id", None) for t in item.targets] == ["name"]
                        and isinstance(item.value, ast.Constant)
                        and isinstance(item.value.value, str)
                    ):
                        names.add(item.value.value)
    return names


def _uses(path: Path, names: set[str]) -> Iterator[tuple[int, str]]:
    """Scenario names compared, listed in a collection, used as keys or as type arguments.

    A name as a plain default value (``scenario: str = "offline"``) is configuration, not
    knowledge of the scenario, and passes.
    """
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Compare):
            parts = [node.left, *node.comparators]
        elif isinstance(node, ast.List | ast.Tuple | ast.Set):
            parts = list(node.elts)
        elif isinstance(node, ast.Dict):
            parts = [k for k in node.keys if k is not None]
        elif isinstance(node, ast.Subscript):
            parts = [node.slice]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "get":
            parts = list(node.args[:1])
        else:
            continue
        for part in parts:
            for leaf in ast.walk(part):
                if isinstance(leaf, ast.Constant) and leaf.value in names:
                    yield leaf.lineno, str(leaf.value)


def test_the_scenarios_are_found() -> None:
    assert {"single-stream", "offline", "server"} <= _scenario_names()


def test_no_scenario_name_outside_the_harness() -> None:
    names = _scenario_names()
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(ALLOWED):
                continue
            for line, text in sorted(set(_uses(path, names))):
                found.append(f"{relative}:{line}: {text!r}")
    assert not found, "scenario names outside tournament/harness/:\n" + "\n".join(found)
