"""Helpers of the hostile-input tests: the written corpus, loading a case, the CLI, figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hostile_corpus import Case

REPO = Path(__file__).parents[2]
KNOWN_MACHINES = ["local"]
"""What the CLI knows on a fresh database: only ``local``."""


@dataclass
class Corpus:
    """The written corpus: every case and its path, and where payload markers would appear."""

    root: Path
    mark_dir: Path
    cases: list[Case]
    paths: dict[str, Path] = field(default_factory=dict)

    def path(self, case: Case) -> Path:
        """Where ``case`` was written."""
        return self.paths[case.stem]

    def ready(self, kind: str | None = None) -> list[Case]:
        """Cases that must be rejected today (no pending fix), of one kind if given."""
        return [c for c in self.cases if not c.pending and kind in (None, c.kind)]


def load_problems(case: Case, path: Path) -> list[str]:
    """The problem lines of loading ``path`` as its kind; empty if it was accepted."""
    from tournament.errors import UserError
    from tournament.rounds.load import load_round_spec
    from tournament.schema.validate import load_submission

    loader: Callable[..., Any] = load_submission if case.kind == "submission" else load_round_spec
    try:
        loader(path, KNOWN_MACHINES)
    except UserError as exc:
        return exc.problems
    return []


def shown(path: Path) -> str:
    """How problems show ``path``: the loader's own rendering where it has one."""
    from tournament.schema import validate

    render: Callable[[Path], str] = getattr(validate, "display_path", str)
    return render(path)


class Tourney:
    """Runs ``python -m tournament`` in a subprocess with a given TOURNEY_HOME."""

    def __init__(self, home: Path) -> None:
        self.env = {**os.environ, "TOURNEY_HOME": str(home), "PYTHONIOENCODING": "utf-8"}

    def __call__(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tournament", *map(str, args)],
            env=self.env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="backslashreplace",
            timeout=300,
            cwd=REPO,
        )


def record_figures(name: str, data: dict[str, Any]) -> None:
    """Print figures, and write them to ``$TOURNEY_FIGURES_DIR/NAME.json`` when it is set."""
    print(f"\n[figures] {name}: {json.dumps(data, sort_keys=True)}")
    out = os.environ.get("TOURNEY_FIGURES_DIR")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        Path(out, f"{name}.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
