"""The driver (``tourney run``) killed with SIGKILL after its first result, then run again:
the second run measures what is left, nothing twice, and every run ends done."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

import pytest
from reliability_support import REPO, entry, record_figures, tourney

from tournament.store import Store

pytestmark = pytest.mark.usefixtures("faults")
RUN = ["run", "--backend", "local", "--quick", "--scenario", "offline"]  # any batch size


def _wait_for_first_result(store: Store, driver: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 300
    while store.counts()["results"] < 1:
        assert driver.poll() is None, "the driver ended before its first result"
        assert time.monotonic() < deadline, "no result within 300 s"
        time.sleep(0.05)


def test_killed_driver_resumes_without_duplicates() -> None:
    store = Store()
    for batch in (1, 2, 3):
        store.add_submission(entry("ok", f"resume-{batch}", batch_size=batch))
    driver = subprocess.Popen(
        [sys.executable, "-m", "tournament", *RUN],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: its orphaned worker is ours to end
    )
    try:
        _wait_for_first_result(store, driver)
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):  # the worker it left behind, if any
            os.killpg(driver.pid, signal.SIGKILL)
    assert store.counts()["results"] == 1
    statuses = sorted(run.status for run in store.runs())
    assert statuses in (["done", "queued", "queued"], ["done", "queued", "running"])
    resumed = tourney(*RUN, env={})
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "done: 2, failed: 0" in resumed.stdout
    runs = store.runs()
    assert [run.status for run in runs] == ["done"] * 3
    assert sorted(r.run_id for r in store.results()) == sorted(run.id for run in runs)
    assert store.counts()["results"] == 3
    record_figures("faults-driver-killed", {"injected": 1, "results": 3, "duplicates": 0,
                                            "rows_lost": 0})  # fmt: skip
