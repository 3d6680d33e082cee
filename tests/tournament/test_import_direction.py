"""The dependency rule: the core never imports its implementations; they use its public API.

``tournament/`` defines every contract and finds implementations through entry points, so no
module under it imports ``workloads`` or ``hardware`` (at module level, inside functions, or in
``TYPE_CHECKING`` blocks). ``workloads/``, ``hardware/`` and the plugin packages under
``tests/plugins/`` import only public core modules (no ``tournament.x._private`` module, no
``_private`` name).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).parents[2]
IMPLEMENTATIONS = ("workloads", "hardware")


def imports(path: Path, root: Path = REPO) -> Iterator[tuple[int, str, list[str]]]:
    """(line, absolute module, imported names) of every import statement in ``path``, at any
    depth (functions, ``if TYPE_CHECKING:``); relative imports resolved from ``root``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolve against the file's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            yield node.lineno, module, [alias.name for alias in node.names]


def python_files(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders for p in folder.rglob("*.py") if "egg-info" not in str(p))


def test_the_core_imports_no_implementation() -> None:
    found = []
    for path in python_files(REPO / "tournament"):
        where = str(path.relative_to(REPO))
        for line, module, _ in imports(path):
            top = module.split(".")[0]
            if top in IMPLEMENTATIONS:
                found.append(f"{where}:{line}: imports {module}")
    assert not found, "the core imports implementations:\n" + "\n".join(found)


def test_implementations_use_only_the_public_core() -> None:
    folders = [REPO / "workloads", REPO / "hardware", REPO / "tests" / "plugins"]
    found = []
    for path in python_files(*folders):
        if path.name.startswith("test_"):
            continue
        where = str(path.relative_to(REPO))
        for line, module, names in imports(path):
            if module.split(".")[0] != "tournament":
                continue
            private = [p for p in module.split(".") if p.startswith("_")]
            private += [n for n in names if n.startswith("_")]
            if private:
                found.append(f"{where}:{line}: imports private {module} ({', '.join(private)})")
    assert not found, "implementations reach into the core's private parts:\n" + "\n".join(found)


def test_the_walk_sees_function_level_and_type_checking_imports(tmp_path: Path) -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from workloads.base import Feed\n"
        "def f() -> None:\n    import hardware.detect\n"
        "from . import errors\n"
    )
    path = tmp_path / "tournament" / "x" / "m.py"
    path.parent.mkdir(parents=True)
    path.write_text(source)
    found = {(line, module) for line, module, _ in imports(path, tmp_path)}
    assert found == {
        (1, "typing"),
        (3, "workloads.base"),
        (5, "hardware.detect"),
        (6, "tournament.x"),
    }
