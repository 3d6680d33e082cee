"""The backend contract (``tournament/runner/base.py``) on every registered backend.

Work items are real measurements of the test-only fault-injection workload
(``tests/plugins/tourney_faults.py``, loaded in every worker through ``TOURNEY_PLUGINS``):
``slow`` (each forward sleeps 20 ms and announces ``measuring-<pid>``), ``raise`` (forward
raises). Workers are killed with SIGKILL by their pid. The Ray backend joins a real local
cluster started once for this module (``ray.init(num_cpus=2, ...)``, advertising the machine
``local``) and its tests are slow (a cluster start and a fresh Ray worker per run cost tens of
seconds here); the test of a cluster the backend starts itself runs in a subprocess of its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import psutil
import pytest

from tournament.results import Result
from tournament.runner import BACKENDS, Backend, WorkerError, WorkerLost, WorkItem

from .conftest import PLUGINS, implementations

pytestmark = pytest.mark.usefixtures("fault_env")

SLOW = {"ray"}
"""Backends whose every run costs a cluster or a fresh worker start of ~10 s here."""
BACKEND_NAMES = implementations(BACKENDS, slow=SLOW)
ENVIRONMENTS = {"ray": "ray_cluster"}
"""The fixture that gives a backend what it runs on, by backend name (none: ``create()``)."""
RULES = {
    "warmup_queries": 2,
    "warmup_s": 0.0,
    "min_duration_s": 0.1,
    "min_queries": 20,
    "max_duration_s": 5.0,
    "bootstrap_resamples": 200,
    "timeout_s": 120.0,
}
WAIT_S = 180.0


@pytest.fixture(scope="module")
def ray_cluster(fault_env: Path) -> Iterator[None]:
    """A local Ray cluster of this test process, advertising machine ``local``."""
    import ray

    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        resources={"machine:local": 1},
    )
    yield
    ray.shutdown()


@pytest.fixture(params=BACKEND_NAMES)
def name(request: pytest.FixtureRequest) -> str:
    backend_name = str(request.param)
    if backend_name in ENVIRONMENTS:
        request.getfixturevalue(ENVIRONMENTS[backend_name])
    return backend_name


@pytest.fixture
def backend(name: str) -> Iterator[Backend]:
    made = BACKENDS.load(name).create(machines={"local"})
    yield made
    made.close()


_ids = iter(range(1, 1_000_000))


def item(variant: str, **rules: Any) -> WorkItem:
    """A work item measuring faulty-tiny ``variant`` (torch, fp32) on machine ``local``."""
    from tournament.schema.validate import parse_submission

    run_id = next(_ids)
    sub = parse_submission(
        {
            "team": "contracts",
            "name": f"{variant}-{run_id}",
            "workload": "faulty-tiny",
            "variant": variant,
            "runtime": "torch",
            "quantization": "fp32",
            "machine": "local",
        }
    )
    return WorkItem(
        run_id=run_id,
        document=sub.model_dump(mode="json"),
        scenario="single-stream",
        rules={**RULES, **rules},
        machine="local",
        machine_spec=None,
    )


def _announced(fault_dir: Path) -> set[int]:
    return {int(p.name.split("-")[1]) for p in fault_dir.glob("measuring-*")}


def _wait_for_worker(fault_dir: Path, seen: set[int], future: Future[Any]) -> int:
    """The pid of the next worker that starts measuring (not one of ``seen``)."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        new = _announced(fault_dir) - seen
        if new:
            return new.pop()
        if future.done():
            pytest.fail(f"the run ended before measuring: {future.exception()!r}")
        time.sleep(0.05)
    pytest.fail("no worker started measuring")


def _gone(pid: int, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


def _descendants() -> set[int]:
    return {child.pid for child in psutil.Process().children(recursive=True)}


# -- the tests -----------------------------------------------------------------------------------


def test_machines_lists_the_machine(backend: Backend) -> None:
    assert "local" in backend.machines()
    assert all(isinstance(machine, str) for machine in backend.machines())


def test_submit_returns_a_future_at_once_that_resolves_to_a_result(
    backend: Backend, fault_env: Path
) -> None:
    work = item("slow")
    start = time.monotonic()
    future = backend.submit(work)
    assert time.monotonic() - start < 2.0, "submit blocked on the measurement"
    assert isinstance(future, Future) and not future.done()
    data = future.result(timeout=WAIT_S)
    assert isinstance(data, dict)
    result = Result.from_dict(data)
    assert result.scenario == work.scenario and result.queries >= RULES["min_queries"]
    assert result.quality.metric == "argmax_agreement"


def test_a_raising_measurement_is_a_worker_error(backend: Backend) -> None:
    future = backend.submit(item("raise"))
    with pytest.raises(WorkerError, match="injected fault") as raised:
        future.result(timeout=WAIT_S)
    assert not isinstance(raised.value, WorkerLost)


def test_a_killed_worker_is_worker_lost(backend: Backend, fault_env: Path) -> None:
    """Every worker that measures the run is killed (a backend may retry): WorkerLost."""
    killed = _announced(fault_env)
    future = backend.submit(item("slow"))
    deadline = time.monotonic() + 2 * WAIT_S
    while not future.done() and time.monotonic() < deadline:
        for pid in _announced(fault_env) - killed:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            killed.add(pid)
        time.sleep(0.05)
    with pytest.raises(WorkerLost):
        future.result(timeout=1)


def test_abort_kills_the_worker_and_fails_its_future(backend: Backend, fault_env: Path) -> None:
    work = item("slow", min_duration_s=60.0, max_duration_s=120.0)
    future = backend.submit(work)
    pid = _wait_for_worker(fault_env, _announced(fault_env), future)
    backend.abort(work.run_id)
    with pytest.raises(Exception) as raised:
        future.result(timeout=60)
    assert not isinstance(raised.value, TimeoutError), "abort did not end the run"
    assert _gone(pid), f"worker {pid} still runs after abort"
    backend.abort(10_000)  # a run it does not know: nothing happens


def test_close_releases_what_it_started_and_nothing_else(name: str, fault_env: Path) -> None:
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        _close_releases_only_its_own(name, fault_env, bystander)
    finally:
        bystander.kill()
        bystander.wait()


def _close_releases_only_its_own(
    name: str, fault_env: Path, bystander: subprocess.Popen[bytes]
) -> None:
    before = {pid: psutil.Process(pid).create_time() for pid in _descendants()}
    made = BACKENDS.load(name).create(machines={"local"})
    work = item("slow", min_duration_s=60.0, max_duration_s=120.0)
    future = made.submit(work)
    pid = _wait_for_worker(fault_env, _announced(fault_env), future)
    made.close()
    assert _gone(pid), f"worker {pid} still runs after close"
    deadline = time.monotonic() + 30
    while _started_since(before) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _started_since(before)
    assert not left, f"processes the backend started are left: {_describe(left)}"
    # What it did not start is untouched: a child of this process started before the backend
    # (processes of earlier tests may end by themselves meanwhile, so they prove nothing).
    assert bystander.poll() is None, "close() ended a process the backend did not start"


def _started_since(before: dict[int, float]) -> set[int]:
    """Live descendants of this process started since ``before`` by this process itself, not by
    a process that was already running (a cluster's own workers), nor multiprocessing's
    per-process resource tracker."""
    me, found = os.getpid(), set()
    for pid in _descendants() - set(before):
        try:
            process = psutil.Process(pid)
            if process.status() == psutil.STATUS_ZOMBIE or _is_resource_tracker(process):
                continue
            parent = process.ppid()
            while parent not in (me, 0, 1) and parent not in before:
                parent = psutil.Process(parent).ppid()
        except psutil.Error:
            continue
        if parent == me:
            found.add(pid)
    return found


def _is_resource_tracker(process: psutil.Process) -> bool:
    return "multiprocessing.resource_tracker" in " ".join(process.cmdline())


def _describe(pids: set[int]) -> list[str]:
    out = []
    for pid in sorted(pids):
        try:
            out.append(f"{pid} {' '.join(psutil.Process(pid).cmdline())[:80]}")
        except psutil.Error:
            out.append(f"{pid} (gone)")
    return out


@pytest.mark.slow
def test_at_most_one_run_per_machine_at_a_time(backend: Backend, fault_env: Path) -> None:
    """Two runs submitted for one machine never measure at the same time."""
    seen = _announced(fault_env)
    first, second = item("slow"), item("slow")
    futures = [backend.submit(first), backend.submit(second)]
    overlapped = False
    deadline = time.monotonic() + 2 * WAIT_S
    while not all(f.done() for f in futures) and time.monotonic() < deadline:
        measuring = _announced(fault_env) - seen
        if len(measuring) >= 2 and not any(f.done() for f in futures):
            overlapped = True
        time.sleep(0.05)
    for future in futures:
        future.result(timeout=1)
    assert not overlapped, "two runs on machine 'local' measured at the same time"


_OWNED = """
import json, sys, time
import psutil
from tournament.runner import BACKENDS
sys.path.insert(0, sys.argv[2])
from tournament.runner.base import WorkItem
me = psutil.Process()
def others():
    mine = {p.pid for p in me.children(recursive=True)} | {me.pid}
    return {p.pid for p in psutil.process_iter(["name"]) if "ray" in (p.info["name"] or "")
            and p.pid not in mine}
found = {"others_before": sorted(others())}
backend = BACKENDS.load(sys.argv[1]).create(machines={"local"})
work = WorkItem(1, json.loads(sys.argv[3]), "single-stream", json.loads(sys.argv[4]), "local", None)
backend.submit(work).result(timeout=300)
found["during"] = len(me.children(recursive=True))
backend.close()
def left():  # multiprocessing's per-process resource tracker lives as long as its parent
    out = []
    for p in me.children(recursive=True):
        try:
            line = " ".join(p.cmdline())
            tracker = "multiprocessing.resource_tracker" in line
            if p.status() != psutil.STATUS_ZOMBIE and not tracker:
                out.append(line[:80])
        except psutil.Error:
            pass
    return out
deadline = time.monotonic() + 30
while left() and time.monotonic() < deadline:
    time.sleep(0.2)
found["left"] = left()
found["others_after"] = sorted(others())
print(json.dumps(found))
"""


@pytest.mark.slow
@pytest.mark.parametrize("backend_name", BACKEND_NAMES)
def test_a_backend_that_starts_its_own_cluster_releases_it_on_close(backend_name: str) -> None:
    """In a process of its own with nothing running: ``create()`` starts whatever the backend
    needs (Ray: an embedded cluster); after ``close()`` none of it is left, and the Ray
    processes of others on this machine are untouched."""
    work = item("ok")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _OWNED,
            backend_name,
            str(PLUGINS),
            json.dumps(work.document),
            json.dumps(work.rules),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["left"] == [], found["left"]
    assert set(found["others_before"]) <= set(found["others_after"]) | _ended(
        found["others_before"]
    )


def _ended(pids: list[int]) -> set[int]:
    """Pids of other processes that ended by themselves meanwhile (not our doing)."""
    return {pid for pid in pids if not psutil.pid_exists(pid)}
