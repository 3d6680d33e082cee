"""Contended runs are measured again (bounded) before one is recorded: a real busy loop on
the worker's CPU, real local workers, real contention samples."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tournament.runner import isolation
from tournament.runner.session import execute
from tournament.store import Store

pytestmark = [
    pytest.mark.usefixtures("fault_env"),
    pytest.mark.skipif(
        not isolation.AFFINITY or not os.path.exists("/proc/stat"), reason="needs Linux"
    ),
]
HOG = (
    "import os, sys, time\n"
    "os.sched_setaffinity(0, {int(c) for c in sys.argv[1].split(',')})\n"
    "end = time.time() + 120\n"
    "while time.time() < end: pass\n"
)


@contextmanager
def hog_on(cpus: tuple[int, ...]) -> Iterator[None]:
    """A busy-looping process pinned to ``cpus`` (stopped on exit)."""
    proc = subprocess.Popen([sys.executable, "-c", HOG, ",".join(map(str, cpus))])
    try:
        time.sleep(0.3)  # let it start spinning
        yield
    finally:
        proc.kill()
        proc.wait()


def _run_beside_a_hog(quick: dict[str, Any], make_entry: Any, retries: int) -> Any:
    worker_cpus = isolation.plan(os.sched_getaffinity(0), 1).worker_cpus
    rules = {**quick, "max_foreign_cpu_share": 0.1, "contention_retries": retries,
             "min_duration_s": 0.5}  # fmt: skip
    store = Store()
    store.add_submission(make_entry("ok"))
    with hog_on(worker_cpus):
        summary = execute(store, scenario="single-stream", rules=rules, backend="local")
    assert len(summary.done) == 1, summary
    (row,) = store.results()
    (run,) = store.runs()
    assert run.status == "done" and run.attempts == 1  # re-runs stay within one claim
    return row.result


def test_a_contended_run_is_measured_again_up_to_its_bound(
    quick: dict[str, Any], make_entry: Any
) -> None:
    result = _run_beside_a_hog(quick, make_entry, retries=2)
    attempts = result.extra["contention_attempts"]
    assert [a["attempt"] for a in attempts] == [1, 2]  # two re-runs, then the bound
    assert all(a["measured"] and a["foreign_cpu_share"] > 0.1 for a in attempts), attempts
    # The last attempt, still contended, is recorded and does not count.
    assert result.extra["contention"]["foreign_cpu_share"] > 0.1
    assert not result.valid
    assert any(r.startswith("contended: ") for r in result.invalid_reasons())


def test_without_retries_the_contended_run_is_recorded_at_once(
    quick: dict[str, Any], make_entry: Any
) -> None:
    result = _run_beside_a_hog(quick, make_entry, retries=0)
    assert "contention_attempts" not in result.extra
    assert not result.valid
