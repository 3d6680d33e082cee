"""SIGTERM to long-running commands: a clean end within seconds, one line, nothing lost.

Real processes (``python -m tournament``) on real SQLite files: ``tourney run`` measuring,
``tourney scheduler`` waiting, ``tourney leaderboard`` serving through its Streamlit child.
After the signal: the process ends within seconds with ``128 + 15``, says so in one line
(no traceback, no native crash dump), the runs it had in flight are queued again, and no child
it started is left running.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tournament.store import Store

from .reliability_support import REPO, tourney

EXAMPLES = REPO / "submissions" / "examples"
STOPPED_WITHIN_S = 20.0


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "TOURNEY_HOME": str(home), "PYTHONIOENCODING": "utf-8"}


def _start(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tournament", *args],
        env=_env(home),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _descendants(pid: int) -> list[int]:
    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _stop(proc: subprocess.Popen[str], children: list[int]) -> tuple[int, str, str, float]:
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=STOPPED_WITHIN_S)
    took = time.monotonic() - started
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(psutil.pid_exists(c) for c in children):
        time.sleep(0.2)
    left = [c for c in children if psutil.pid_exists(c) and psutil.Process(c).status() != "zombie"]
    assert not left, f"children left running: {left}"
    return proc.returncode, out, err, took


def _wait_for(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_sigterm_during_a_run_requeues_it_and_ends_in_one_line(tmp_path: Path) -> None:
    env = {"TOURNEY_HOME": str(tmp_path)}
    files = [EXAMPLES / "digits-ort-fp32.yaml", EXAMPLES / "digits-torch-fp32.yaml"]
    assert tourney("submit", *files, env=env).returncode == 0
    proc = _start(tmp_path, "run", "--quick", "--min-duration", "5", "--backend", "local")

    def running() -> bool:
        return any(r.status == "running" for r in Store(f"sqlite:///{tmp_path}/tourney.db").runs())

    _wait_for(running, 120, "a run in flight")
    time.sleep(1.0)  # its worker is measuring
    children = _descendants(proc.pid)
    assert children, "the run's worker process should exist"
    code, out, err, took = _stop(proc, children)
    assert code == 128 + signal.SIGTERM, (out, err)
    assert took < STOPPED_WITHIN_S
    assert "Traceback" not in err and "Fatal Python error" not in err
    assert "interrupted: unfinished runs are queued again" in out
    runs = Store(f"sqlite:///{tmp_path}/tourney.db").runs()
    assert runs and all(r.status in ("queued", "done") for r in runs)  # none left running
    assert any(r.status == "queued" for r in runs)


def test_sigterm_stops_the_scheduler(tmp_path: Path) -> None:
    proc = _start(tmp_path, "scheduler", "--interval", "1", "--backend", "local")
    _wait_for(lambda: (tmp_path / "tourney.db").exists(), 60, "the scheduler's database")
    time.sleep(2.0)
    code, out, err, _ = _stop(proc, _descendants(proc.pid))
    assert code == 128 + signal.SIGTERM, (out, err)
    assert "scheduler: stopped" in out and "Traceback" not in err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_sigterm_stops_the_leaderboard_and_its_streamlit_child(tmp_path: Path) -> None:
    port = _free_port()
    proc = _start(tmp_path, "leaderboard", "--port", str(port))

    def serving() -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    _wait_for(serving, 90, "the leaderboard to listen")
    children = _descendants(proc.pid)
    assert children, "Streamlit runs as a child"
    code, out, err, _ = _stop(proc, children)
    assert code == 128 + signal.SIGTERM, (out, err)
    assert "leaderboard: stopped by SIGTERM" in out
    assert not serving()  # nothing left listening on the port


def test_sigterm_during_a_large_submit_stores_all_or_nothing(tmp_path: Path) -> None:
    from .reliability_support import write_submissions

    files = write_submissions(tmp_path / "files", 2000)
    proc = _start(tmp_path, "submit", *map(str, files))
    time.sleep(4.0)  # reading and validating; the one write transaction may have begun
    code, out, err, _ = _stop(proc, _descendants(proc.pid))
    db = tmp_path / "tourney.db"
    stored = Store(f"sqlite:///{db}").counts()["submissions"] if db.exists() else 0
    if code == 0:  # it finished before the signal
        assert stored == 2000
        return
    assert code == 128 + signal.SIGTERM, (out, err)
    assert err.strip().splitlines() == [
        "tourney: stopped by SIGTERM; unfinished runs are queued again and nothing stored was lost."
    ]
    assert stored == 0
