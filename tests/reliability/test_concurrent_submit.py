"""10 concurrent ``tourney submit`` processes x 100 distinct submissions on one database.

Each submitter makes several CLI calls in a row (as people and scripts do), all ten at once,
against a database none of them has created yet. Exactly 1,000 rows must result, and no call
may report an error: SQLite's "database is locked" is retried with back-off by the store.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from reliability_support import record_figures, tourney, write_submissions

from tournament.store import Store

SUBMITTERS, CALLS, FILES_PER_CALL = 10, 2, 50
TOTAL = SUBMITTERS * CALLS * FILES_PER_CALL


def _submitter(files: list[Path], env: dict[str, str]) -> list[tuple[int, str, str, float]]:
    """One submitter: its files in CALLS consecutive ``tourney submit`` calls."""
    calls = []
    for start in range(0, len(files), FILES_PER_CALL):
        began = time.perf_counter()
        proc = tourney("submit", *files[start : start + FILES_PER_CALL], env=env)
        calls.append((proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - began))
    return calls


def _hammer(url: str, folder: Path, backend: str) -> None:
    files = write_submissions(folder / "submissions", TOTAL)
    env = {"TOURNEY_DB_URL": url, "TOURNEY_HOME": str(folder / "home")}
    share = CALLS * FILES_PER_CALL
    began = time.perf_counter()
    with ThreadPoolExecutor(SUBMITTERS) as pool:
        batches = pool.map(
            _submitter, [files[i * share : (i + 1) * share] for i in range(SUBMITTERS)],
            [env] * SUBMITTERS,
        )  # fmt: skip
        calls = [call for batch in batches for call in batch]
    wall = time.perf_counter() - began
    assert [(code, err) for code, _, err, _ in calls] == [(0, "")] * SUBMITTERS * CALLS
    printed = [line for _, out, _, _ in calls for line in out.splitlines()]
    assert sum(": submitted as #" in line for line in printed) == TOTAL
    with Store(url) as store:
        rows = store.submissions()
        counts = store.counts()
    assert counts["submissions"] == TOTAL == len(rows)
    assert len({row.config_hash for row in rows}) == TOTAL
    assert {row.name for row in rows} == {f"entry-{i}" for i in range(TOTAL)}
    record_figures(f"concurrency-{backend}", {
        "backend": backend, "writers": SUBMITTERS, "calls": len(calls), "rows": TOTAL,
        "rows_lost": TOTAL - counts["submissions"], "errors_shown": 0,
        "wall_s": round(wall, 1), "slowest_call_s": round(max(c[3] for c in calls), 1),
    })  # fmt: skip


@pytest.mark.slow
def test_ten_submitters_on_one_sqlite_file(tmp_path: Path) -> None:
    _hammer(f"sqlite:///{tmp_path / 'shared.db'}", tmp_path, "sqlite")


@pytest.mark.slow
def test_ten_submitters_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    _hammer(pg_url, tmp_path, "postgresql")
