"""Contention: what else used the run's CPUs during its timed window (real processes, real
``/proc/stat``), and that a contended run does not count."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tournament.results import Result
from tournament.runner.contention import sampled

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/stat"), reason="needs Linux /proc")
HOG = "import time\nend = time.time() + 30\nwhile time.time() < end: pass\n"


@contextmanager
def hogs(per_cpu: int = 1) -> Iterator[None]:
    """``per_cpu`` busy-looping processes pinned to each CPU this process may use (stopped on
    exit): wherever a run is pinned, others take its CPU."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", HOG], preexec_fn=lambda cpu=cpu: os.sched_setaffinity(0, {cpu})
        )
        for cpu in sorted(os.sched_getaffinity(0))
        for _ in range(per_cpu)
    ]
    try:
        time.sleep(0.3)  # let them start spinning
        yield
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


def test_other_processes_on_our_cpus_are_measured() -> None:
    with sampled() as quiet:
        time.sleep(0.6)
    with hogs(), sampled() as busy:
        time.sleep(0.6)
    q, b = quiet.to_dict(), busy.to_dict()
    assert q["measured"] and b["measured"]
    assert b["foreign_cpu_share"] > 0.6, b  # the hogs had every CPU we may use
    assert b["foreign_cpu_share"] > q["foreign_cpu_share"] + 0.4, (q, b)
    assert b["own_cpu_s"] < 0.1 and b["window_s"] >= 0.6 and b["cpus"]


def test_an_unreadable_proc_stat_measures_nothing(tmp_path: Any) -> None:
    with sampled(str(tmp_path / "absent")) as sample:
        pass
    assert sample.to_dict() == {
        "measured": False,
        "reason": f"{tmp_path / 'absent'} is not readable here",
    }


def test_a_contended_run_does_not_count(make_result: Callable[..., Result]) -> None:
    rules = {**make_result().rules, "max_foreign_cpu_share": 0.5}
    calm = make_result(rules=rules, extra={"contention": {"measured": True,
                                                          "foreign_cpu_share": 0.1}})  # fmt: skip
    busy = make_result(rules=rules, extra={"contention": {"measured": True,
                                                          "foreign_cpu_share": 0.8}})  # fmt: skip
    assert calm.valid and not busy.valid
    assert busy.invalid_reasons() == [
        "contended: other processes used 80% of its CPUs during the timed window (rules allow 50%)"
    ]


def test_a_real_run_beside_cpu_hogs_is_contended() -> None:
    from tournament.runner.measure import measure

    doc = {"team": "t", "name": "n", "workload": "digits-cnn", "variant": "small",
           "runtime": "onnxruntime", "quantization": "fp32"}  # fmt: skip
    rules = {"warmup_queries": 2, "warmup_s": 0.0, "min_duration_s": 1.0, "min_queries": 64,
             "max_duration_s": 5.0, "bootstrap_resamples": 200, "runs": 1}  # fmt: skip
    with hogs(per_cpu=2):  # the worker is pinned to one CPU: two hogs share it with the run
        result = Result.from_dict(measure(doc, "single-stream", rules))
    contention = result.extra["contention"]
    assert contention["measured"] and contention["foreign_cpu_share"] > 0.5, contention
    assert not result.valid
    assert any(r.startswith("contended: ") for r in result.invalid_reasons())
