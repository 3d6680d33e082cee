"""Faults during runs: each failure recorded once with its reason, other results intact, and the
run finishes. Real worker processes (local backend), real SQLite, faults injected for real:
a model that raises, a run past its time limit, a worker killed with SIGKILL from outside in
the middle of its measurement, a run over its memory limit, and a full disk under the store.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_store import FullDisk
from reliability_support import QUICK, drive, entry, queue, record_figures

from tournament.store import Store

pytestmark = pytest.mark.usefixtures("faults")


class WorkerKiller(threading.Thread):
    """Kills, once, the first worker that announces it is measuring (``measuring-<pid>``)."""

    def __init__(self, fault_dir: Path) -> None:
        super().__init__(daemon=True)
        self.fault_dir, self.killed, self.done = fault_dir, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.01):
            for marker in self.fault_dir.glob("measuring-*"):
                self.killed = int(marker.name.split("-")[1])
                os.kill(self.killed, signal.SIGKILL)  # a worker our driver started, by its id
                return


@pytest.fixture
def killer(faults: Path) -> Iterator[WorkerKiller]:
    for marker in faults.glob("measuring-*"):
        marker.unlink()
    thread = WorkerKiller(faults)
    thread.start()
    yield thread
    thread.done.set()
    thread.join()


def test_raise_timeout_and_sigkill_are_recorded_and_the_rest_finishes(
    killer: WorkerKiller,
) -> None:
    store = Store()
    ok = queue(store, entry("ok", "ok"), QUICK)
    raising = queue(store, entry("raise", "raising"), QUICK)
    late = queue(store, entry("sleep", "late"), {**QUICK, "timeout_s": 3.0, "max_duration_s": 2.0})
    killed = queue(store, entry("slow", "killed"), QUICK)
    summary = drive(store)
    assert killer.killed, "the worker was never killed"
    assert sorted(summary.done) == [ok, killed]
    assert set(summary.failed) == {raising, late}
    runs = {run.id: run for run in store.runs()}
    assert (runs[raising].status, runs[raising].attempts) == ("failed", 1)
    assert "ValueError: injected fault" in runs[raising].error
    assert (runs[late].status, runs[late].attempts) == ("failed", 1)
    assert "time limit exceeded" in runs[late].error
    assert (runs[killed].status, runs[killed].attempts) == ("done", 2)
    assert sorted(r.run_id for r in store.results()) == [ok, killed]
    assert store.counts()["results"] == 2
    record_figures("faults-runs", {"injected": 3, "recorded": 3, "duplicated_results": 0,
                                   "runs_finished": len(runs)})  # fmt: skip


def test_disk_full_while_writing_a_result(full_disk: FullDisk) -> None:
    store = Store(full_disk.url)
    before = queue(store, entry("ok", "before"), QUICK)
    big_rules = {**QUICK, "min_queries": 20_000, "max_duration_s": 20.0}
    big = queue(store, entry("ok", "big", batch_size=2), big_rules)

    def fill_when_big_starts(machine: str, run_id: int, event: str) -> None:
        if run_id == big and event == "started":
            full_disk.fill(store)

    summary = drive(store, fill_when_big_starts)
    full_disk.free(store)
    assert summary.done == [before]
    assert "could not store the result" in summary.failed[big]
    assert "database or disk is full" in summary.failed[big]
    (intact,) = store.results()
    run = store.run(big)
    assert (run.status, intact.run_id) == ("failed", before)
    again = [run.submission_id]
    assert store.queue_runs("single-stream", big_rules, submission_ids=again, requeue_failed=True)
    assert drive(store).done == [big]
    assert sorted(r.run_id for r in store.results()) == [before, big]
    assert {r.result_id: r for r in store.results()}[intact.result_id] == intact
    assert full_disk.integrity(store) == "ok"
    record_figures(
        "faults-disk-full",
        {
            "mechanism": full_disk.mechanism,
            "recorded": 1,
            "rows_lost": 0,
            "finished_after_free": True,
        },
    )


def test_run_over_its_memory_limit() -> None:
    from tournament.harness.base import Rules

    if "max_memory_mb" not in Rules.model_fields:
        pytest.skip("Rules has no max_memory_mb yet (the memory-limit change is not applied)")
    store = Store()
    limited = {**QUICK, "max_memory_mb": 1024}
    hog = queue(store, entry("oom", "hog"), limited)
    fine = queue(store, entry("ok", "fine"), limited)
    summary = drive(store)
    assert summary.done == [fine]
    assert "memory limit exceeded" in summary.failed[hog]
    run = store.run(hog)
    assert (run.status, run.attempts) == ("failed", 1)
    assert [r.run_id for r in store.results()] == [fine]
