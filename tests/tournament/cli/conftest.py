"""CLI tests run the real ``tourney`` entry point in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[3]
EXAMPLES = REPO / "submissions" / "examples"


class Tourney:
    """Runs ``tourney`` with the test's TOURNEY_HOME."""

    def __init__(self, home: Path) -> None:
        self.env = {**os.environ, "TOURNEY_HOME": str(home)}

    def __call__(
        self, *args: str, check: bool = True, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run ``tourney args`` (``env``: extra environment variables)."""
        proc = subprocess.run(
            [sys.executable, "-m", "tournament", *args],
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=600,
            cwd=REPO,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"tourney {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
            )
        return proc


@pytest.fixture
def tourney(_tourney_home: Path) -> Tourney:
    return Tourney(_tourney_home)
