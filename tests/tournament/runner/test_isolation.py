"""Isolation: the placement plan, and real runs pinned to their worker CPUs with the driver
kept off them (and the test process's own affinity left as it was)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tournament.results import Result
from tournament.runner import isolation
from tournament.runner.isolation import capped_options, plan
from tournament.runner.session import execute
from tournament.runtimes.options import OpenVinoOptions, TorchOptions
from tournament.store import Store

linux = pytest.mark.skipif(not isolation.AFFINITY, reason="needs os.sched_setaffinity")
two_cpus = pytest.mark.skipif(
    not isolation.AFFINITY or len(os.sched_getaffinity(0)) < 2, reason="needs 2 or more CPUs"
)


@pytest.mark.parametrize("n", [1, 2, 4, 8])
@pytest.mark.parametrize("threads", range(1, 9))
def test_placement_over_cpu_sets(n: int, threads: int) -> None:
    cpus = tuple(range(10, 10 + n))  # not starting at 0: the plan uses the set it is given
    p = plan(reversed(cpus), threads)
    used = min(threads, n)
    assert p.available == cpus and p.threads_requested == threads and p.threads == used
    assert p.capped is (threads > n)
    assert p.worker_cpus == cpus[n - used :]  # the highest CPUs, one per thread
    if threads < n:  # CPUs to spare: the driver and Ray keep to the others
        assert p.exclusive and p.housekeeping_cpus == cpus[: n - used]
    else:  # none to spare: everything shares every CPU, and says so
        assert not p.exclusive and p.housekeeping_cpus == cpus
    assert set(p.worker_cpus) | set(p.housekeeping_cpus) == set(cpus)


def test_two_cpus_split_for_one_thread_and_share_for_two() -> None:
    one = plan({0, 1}, 1)
    assert (one.worker_cpus, one.housekeeping_cpus, one.exclusive) == ((1,), (0,), True)
    two = plan({0, 1}, 2)
    assert (two.worker_cpus, two.housekeeping_cpus, two.exclusive) == ((0, 1), (0, 1), False)
    assert plan({3, 7, 5}, 2).worker_cpus == (5, 7)
    assert plan({0, 1}, 4).to_dict() == {
        "available_cpus": [0, 1],
        "worker_cpus": [0, 1],
        "housekeeping_cpus": [0, 1],
        "threads_requested": 4,
        "threads": 2,
        "capped": True,
        "exclusive": False,
    }


def test_an_impossible_plan_names_its_field() -> None:
    with pytest.raises(ValueError, match="available"):
        plan([], 1)
    with pytest.raises(ValueError, match="threads"):
        plan([0], 0)


def test_every_thread_count_of_the_options_is_capped() -> None:
    options = OpenVinoOptions(intra_op_threads=8, num_streams=4)
    used, capped = capped_options(options, 2)
    assert (used.intra_op_threads, used.num_streams, used.inter_op_threads) == (2, 2, 1)
    assert capped == {"intra_op_threads": [8, 2], "num_streams": [4, 2]}
    assert type(used) is OpenVinoOptions and used.performance_hint is options.performance_hint
    same = TorchOptions(intra_op_threads=2)
    assert capped_options(same, 2) == (same, {})


def test_without_affinity_calls_nothing_is_pinned_or_capped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(isolation, "AFFINITY", False)  # a platform without them (not Linux)
    options = TorchOptions(intra_op_threads=64)
    with isolation.worker(options, [0]) as (used, record):
        assert used is options
    assert record == {"pinned": False, "reason": isolation.NO_AFFINITY}
    with isolation.housekeeping(1) as placement:
        assert placement is None


def _thread_masks() -> dict[int, set[int]]:
    masks = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            masks[int(tid)] = os.sched_getaffinity(int(tid))
        except OSError:
            continue
    return masks


@pytest.fixture
def unchanged_affinity() -> Iterator[None]:
    """Fails the test if any thread of this process is left with another affinity."""
    before = _thread_masks()
    own = os.sched_getaffinity(0)
    yield
    after = _thread_masks()
    assert os.sched_getaffinity(0) == own
    for tid, mask in after.items():
        assert mask == before.get(tid, own), f"thread {tid} left pinned to {mask}"


@two_cpus
@pytest.mark.usefixtures("fault_env", "unchanged_affinity")
def test_a_local_run_is_pinned_off_the_driver_and_records_it(
    make_entry: Any, quick: dict[str, Any]
) -> None:
    expected = plan(os.sched_getaffinity(0), 1)
    store = Store()
    store.add_submission(make_entry("ok"))
    summary = execute(store, scenario="single-stream", rules=quick, backend="local")
    assert len(summary.done) == 1, summary
    (row,) = store.results()
    record = row.result.extra["isolation"]
    assert record["worker_pid"] != os.getpid()  # read in the worker process, not here
    assert record["planned_by"] == "driver" and record["pinned"]
    assert record["worker_cpus"] == list(expected.worker_cpus)  # the worker's own affinity
    assert record["cpus_allowed_list"] == str(expected.worker_cpus[0])  # as the kernel says
    # The worker started where the driver was pinned: the housekeeping CPUs, not its own.
    assert record["inherited_cpus"] == list(expected.housekeeping_cpus)
    assert record["housekeeping_cpus"] == list(expected.housekeeping_cpus)
    assert record["exclusive"] is True and record["capped"] is False
    assert (record["threads_requested"], record["threads"]) == (1, 1)
    assert row.result.extra["contention"]["cpus"] == list(expected.worker_cpus)
    index = row.result.extra["speed_index"]
    assert index["before_gflops"] > 0 and index["after_gflops"] > 0 and index["threads"] == 1
    assert index["drift"] == pytest.approx(
        index["after_gflops"] / index["before_gflops"] - 1, abs=1e-3
    )


@linux
@pytest.mark.usefixtures("unchanged_affinity")
def test_the_thread_cap_reaches_the_runtime() -> None:
    from tournament.runner.measure import measure

    cpus = len(os.sched_getaffinity(0))
    doc = {"team": "t", "name": "n", "workload": "digits-cnn", "variant": "small",
           "runtime": "onnxruntime", "quantization": "fp32",
           "runtime_options": {"intra_op_threads": cpus + 6}}  # fmt: skip
    rules = {"warmup_queries": 2, "warmup_s": 0.0, "min_duration_s": 0.1, "min_queries": 20,
             "max_duration_s": 5.0, "bootstrap_resamples": 200}  # fmt: skip
    result = Result.from_dict(measure(doc, "single-stream", rules))
    record = result.extra["isolation"]
    assert record["capped"] and record["threads"] == cpus
    assert record["options_capped"] == {"intra_op_threads": [cpus + 6, cpus]}
    assert result.artifact.details["session"]["intra_op_threads"] == cpus  # what ORT was given
    # In-process without the driver's CPUs: planned from its own affinity, housekeeping unknown.
    assert record["planned_by"] == "worker" and record["exclusive"] is None


@two_cpus
@pytest.mark.usefixtures("fault_env", "unchanged_affinity")
def test_an_embedded_ray_cluster_starts_on_the_housekeeping_cpus(
    make_entry: Any, quick: dict[str, Any]
) -> None:
    import ray

    if ray.is_initialized():
        pytest.skip("a Ray connection of another test is open")
    expected = plan(os.sched_getaffinity(0), 1)
    store = Store()
    store.add_submission(make_entry("ok"))
    summary = execute(store, scenario="single-stream", rules=quick, backend="ray")
    assert len(summary.done) == 1, summary
    assert not ray.is_initialized()
    (row,) = store.results()
    record = row.result.extra["isolation"]
    assert row.result.extra["ray"]["worker_pid"] == record["worker_pid"] != os.getpid()
    assert record["inherited_cpus"] == list(expected.housekeeping_cpus)  # from the raylet
    assert record["worker_cpus"] == list(expected.worker_cpus) and record["exclusive"] is True
