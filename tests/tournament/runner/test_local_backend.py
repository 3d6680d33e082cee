"""The local backend: one spawned process per run; driver retries lost workers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tournament.runner.local import LocalBackend
from tournament.runner.session import execute
from tournament.store import Store

pytestmark = pytest.mark.usefixtures("fault_env")


def test_local_run_records_result_and_failure(make_entry: Any, quick: dict[str, Any]) -> None:
    store = Store()
    store.add_submission(make_entry("ok"))
    store.add_submission(make_entry("raise"))
    summary = execute(store, scenario="single-stream", rules=quick, backend="local")
    assert len(summary.done) == 1 and len(summary.failed) == 1
    (message,) = summary.failed.values()
    assert "ValueError: injected fault" in message
    (row,) = store.results()
    assert row.valid and row.result.queries >= quick["min_queries"]


def test_killed_worker_retried_by_driver(
    fault_env: Path, make_entry: Any, quick: dict[str, Any]
) -> None:
    marker = fault_env / "crashed-once"
    marker.unlink(missing_ok=True)
    store = Store()
    store.add_submission(make_entry("crash-once"))
    summary = execute(store, scenario="single-stream", rules=quick, backend="local")
    assert marker.exists()
    assert len(summary.done) == 1
    (run_row,) = store.runs()
    assert run_row.attempts == 2 and run_row.status == "done"


def test_always_crashing_worker_fails_after_attempts(
    make_entry: Any, quick: dict[str, Any]
) -> None:
    store = Store()
    store.add_submission(make_entry("crash"))
    summary = execute(store, scenario="single-stream", rules=quick, backend_obj=LocalBackend())
    (message,) = summary.failed.values()
    assert "died" in message and "3 attempts" in message
