"""The Ray runner on a real local cluster (one per module) advertising two machines."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tournament.machines import register
from tournament.runner.ray_backend import RayBackend
from tournament.runner.session import execute
from tournament.store import Store

pytestmark = pytest.mark.usefixtures("fault_env")


@pytest.fixture(scope="module")
def backend(fault_env: Path) -> Iterator[RayBackend]:
    import ray

    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        resources={"machine:local": 1, "machine:second": 1},
    )
    be = RayBackend()
    yield be
    ray.shutdown()


def run(store: Store, backend: RayBackend, quick: dict[str, Any], **kw: Any) -> Any:
    rules = {**quick, **kw.pop("rules", {})}
    return execute(
        store,
        scenario="single-stream",
        rules=rules,
        backend_obj=backend,
        machine_wait_s=kw.pop("machine_wait_s", 30.0),
    )


def register_second(store: Store) -> None:
    from hardware.detect import detect_local

    register(store, detect_local("local").model_copy(update={"id": "second"}))


def test_backend_sees_the_advertised_machines(
    backend: RayBackend, make_entry: Any, quick: dict[str, Any]
) -> None:
    assert {"local", "second"} <= backend.machines()


def test_runs_dispatch_to_their_own_machine(
    backend: RayBackend, make_entry: Any, quick: dict[str, Any]
) -> None:
    store = Store()
    register_second(store)
    store.add_submission(make_entry("ok", machine="local"))
    store.add_submission(make_entry("ok", machine="second"))
    summary = run(store, backend, quick)
    assert len(summary.done) == 2 and not summary.failed
    rows = {r.entry.machine: store.result(r.result_id) for r in store.results()}
    assert set(rows) == {"local", "second"}
    for machine, row in rows.items():
        assigned = row.result.extra["ray"]["assigned_resources"]
        assert assigned.get(f"machine:{machine}") == 1.0


def test_real_model_measured_through_ray(
    backend: RayBackend, make_entry: Any, quick: dict[str, Any]
) -> None:
    from hardware.detect import detect_local

    store = Store()
    register(store, detect_local("local", price_usd_per_hour=0.15))
    store.add_submission(make_entry("small", workload="digits-cnn", runtime="onnxruntime"))
    summary = run(store, backend, quick)
    assert len(summary.done) == 1, summary.failed
    (row,) = store.results()
    assert row.valid and row.result.quality.value >= 0.95
    assert (row.value("latency_p50_ms") or 0) > 0 and (row.value("throughput_sps") or 0) > 0
    energy = row.figure("energy_j_per_query")
    assert row.result.power_source == "estimate-tdp" and energy and energy.value > 0
    expected = 0.15 / 3600 / (row.value("throughput_sps") or 0) * 1e6
    assert row.value("cost_usd_per_million") == pytest.approx(expected)


def test_killed_worker_is_retried_and_stored_once(
    backend: RayBackend, fault_env: Path, make_entry: Any, quick: dict[str, Any]
) -> None:
    store = Store()
    store.add_submission(make_entry("crash-once"))
    summary = run(store, backend, quick)
    assert (fault_env / "crashed-once").exists(), "the fault was not injected"
    assert len(summary.done) == 1 and not summary.failed
    assert len(store.results()) == 1
    assert store.counts()["results"] == 1


def test_raising_model_is_recorded_once_with_its_message(
    backend: RayBackend, make_entry: Any, quick: dict[str, Any]
) -> None:
    store = Store()
    store.add_submission(make_entry("raise"))
    summary = run(store, backend, quick)
    assert not summary.done
    (run_row,) = store.runs()
    assert run_row.status == "failed"
    assert "injected fault" in run_row.error
    assert run_row.attempts == 1


def test_run_over_its_time_limit_fails_with_reason(
    backend: RayBackend, make_entry: Any, quick: dict[str, Any]
) -> None:
    store = Store()
    store.add_submission(make_entry("sleep"))
    summary = run(store, backend, quick, rules={"timeout_s": 3.0, "max_duration_s": 2.0})
    (run_row,) = store.runs()
    assert run_row.status == "failed" and "time limit" in run_row.error
    assert not summary.done


def test_machine_without_a_node_fails_with_a_clear_message(
    backend: RayBackend, make_entry: Any, quick: dict[str, Any]
) -> None:
    store = Store()
    from hardware.detect import detect_local

    register(store, detect_local("local").model_copy(update={"id": "absent"}))
    store.add_submission(make_entry("ok", machine="absent"))
    summary = run(store, backend, quick, machine_wait_s=1.0)
    (message,) = summary.failed.values()
    assert "no worker for machine 'absent'" in message
    assert copy.deepcopy(store.runs())[0].status == "failed"


@pytest.mark.parametrize("reuse", [False, True])
def test_fresh_worker_per_run_unless_reused(
    backend: RayBackend, reuse: bool, make_entry: Any, quick: dict[str, Any]
) -> None:
    store = Store()
    for batch_size in (1, 2, 3):
        store.add_submission(make_entry("ok", batch_size=batch_size, name=f"ok-b{batch_size}"))
    be = RayBackend(reuse_workers=reuse)  # joins the module's cluster
    summary = execute(store, scenario="offline", rules=quick, backend_obj=be)
    assert len(summary.done) == 3
    pids = {store.result(r.result_id).result.extra["ray"]["worker_pid"] for r in store.results()}
    # Fresh: one process per run. Reused: Ray keeps idle workers, so some process ran twice.
    assert len(pids) < 3 if reuse else len(pids) == 3
