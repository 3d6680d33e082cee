"""Resume after the driver is killed: results kept, nothing measured or entered twice."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import optuna
import pytest

from tournament.search import RunOptions, run_search
from tournament.search.storage import load_study
from tournament.store import Store

CHILD = Path(__file__).with_name("search_child.py")
pytestmark = pytest.mark.slow


def _child(log: Path, url: str, settings: Any, trials: int, *extra: str) -> subprocess.Popen[str]:
    """A driver in its own process group, its output in ``log`` (not a pipe: an idle pool worker
    it leaves behind would keep a pipe open after the driver dies)."""
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, str(CHILD), url, settings.model_dump_json(), str(trials), *extra],
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )


def _reap(proc: subprocess.Popen[str]) -> None:
    """Kill what is left of the driver's process group (idle workers), the driver included."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def _kill_when_running(proc: subprocess.Popen[str], log: Path, store: Store, known: int) -> None:
    """SIGKILL the child's process group once it has a run in flight for a new submission."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if [r for r in store.runs(status="running") if r.submission_id > known]:
            _reap(proc)
            return
        if proc.poll() is not None:
            _reap(proc)
            raise AssertionError(f"the driver ended first:\n{log.read_text()}")
        time.sleep(0.05)
    _reap(proc)
    raise AssertionError(f"no run started in time:\n{log.read_text()}")


def test_resume_after_sigkill(tmp_path: Path, search_settings: Any) -> None:
    url = f"sqlite:///{tmp_path / 'tourney.db'}"
    settings = search_settings(full_rules=None)
    store = Store(url)

    # 1. Killed right after trial 2's result is stored, before Optuna is told.
    log = tmp_path / "driver.log"
    first = _child(log, url, settings, 3, "2")
    try:
        first.wait(timeout=300)
    except subprocess.TimeoutExpired:
        _reap(first)
        message = f"the driver did not get to its second trial:\n{log.read_text()}"
        raise AssertionError(message) from None
    _reap(first)
    assert first.returncode == -signal.SIGKILL, log.read_text()
    study, _, _ = load_study(url, "resume")
    states = [t.state for t in study.get_trials()]
    assert states == [optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.RUNNING]
    told_from_store = study.get_trials()[1]
    (kept,) = [
        r for r in store.runs() if r.submission_id == told_from_store.user_attrs["submission_id"]
    ]
    assert kept.status == "done"

    # 2. Resumed, then killed while trial 3's run is in flight.
    second = _child(log, url, settings, 3)
    _kill_when_running(second, log, store, known=2)

    # 3. Resumed to the end in this process.
    report = run_search(
        settings,
        RunOptions(trials=3, sampler="grid", seed=0, backend="local", promote=False),
        study_name="resume",
        url=url,
    )

    study, _, _ = load_study(url, "resume")
    trials = study.get_trials()
    assert [t.state for t in trials] == [optuna.trial.TrialState.COMPLETE] * 3
    assert report.evaluated == 3
    runs, results, subs = store.runs(), store.results(), store.submissions()
    assert len(subs) == len(runs) == len(results) == 3
    assert {t.user_attrs["submission_id"] for t in trials} == {s.id for s in subs}
    assert sorted(r.run_id for r in results) == sorted(r.id for r in runs)
    by_sub = {r.submission_id: r for r in runs}
    assert by_sub[told_from_store.user_attrs["submission_id"]].attempts == 1
    assert by_sub[trials[2].user_attrs["submission_id"]].attempts == 2
    assert trials[1].user_attrs["screening_result_id"] == next(
        r.result_id for r in results if r.run_id == kept.id
    )
    assert store.lease("search:resume") is None
