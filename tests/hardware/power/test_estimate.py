"""The CPU-time x TDP estimate: formula by hand, and busy work reads more than sleeping."""

from __future__ import annotations

import time

import pytest

from hardware.machine import MachineSpec
from hardware.power.estimate import EstimateMeter, estimate_joules


def test_formula_by_hand() -> None:
    # idle 1.5 W, max 8 W, 2 threads: idle share 1.5 W x 10 s; dynamic 3.25 W per busy second.
    def joules(held: int, cpu_s: float) -> float:
        return estimate_joules(
            idle_w=1.5, max_w=8.0, machine_threads=2, held_threads=held, wall_s=10.0, cpu_s=cpu_s
        )

    assert joules(2, 5.0) == 15.0 + 16.25
    assert joules(1, 5.0) == 7.5 + 16.25
    # More CPU time than the held CPUs can give is capped: full load = max power.
    assert joules(2, 30.0) == 8.0 * 10.0


def _spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_busy_reads_more_than_sleep(small_spec: MachineSpec) -> None:
    meter = EstimateMeter(small_spec)
    with meter.measure() as busy:
        _spin(1.0)
    with meter.measure() as idle:
        time.sleep(1.0)
    assert busy.source == idle.source == "estimate-tdp" and busy.is_estimate
    assert busy.joules > idle.joules > 0
    idle_share_w = meter.joules(1.0, 0.0)  # the held CPUs' idle power
    assert idle.joules >= idle_share_w * idle.seconds * 0.999
    assert busy.avg_watts <= small_spec.cpu_max_w
    for reading in (busy, idle):
        assert reading.trace and reading.samples >= 1 and reading.sample_cost_us > 0
        assert all(
            idle_share_w * 0.999 <= watts <= small_spec.cpu_max_w for _, watts in reading.trace
        )


def test_reading_filled_when_block_raises(small_spec: MachineSpec) -> None:
    with pytest.raises(ValueError, match="boom"), EstimateMeter(small_spec).measure() as reading:
        _spin(0.05)
        raise ValueError("boom")
    assert reading.seconds > 0 and reading.joules > 0


def test_sampler_thread_stops(small_spec: MachineSpec) -> None:
    import threading

    with EstimateMeter(small_spec, interval_s=0.01).measure():
        assert any(t.name == "tourney-estimate" and t.daemon for t in threading.enumerate())
    assert not any(t.name == "tourney-estimate" for t in threading.enumerate())
