"""Energy is metered over the timed window only: a long warm-up adds nothing to it."""

from __future__ import annotations

import pytest

from tournament.results import Result
from tournament.runner.measure import measure

from .test_measure import DOC


def test_the_meter_window_is_the_timed_window() -> None:
    rules = {
        "warmup_queries": 2,
        "warmup_s": 1.0,  # five times the timed window
        "min_duration_s": 0.2,
        "min_queries": 50,
        "max_duration_s": 5.0,
        "bootstrap_resamples": 200,
    }
    r = Result.from_dict(measure(DOC, "single-stream", rules))
    energy, power = r.figure("energy_j"), r.figure("avg_power_w")
    assert energy is not None and power is not None and power.value > 0
    metered_s = energy.value / power.value  # the meter's window
    assert metered_s == pytest.approx(r.duration_s, abs=0.1)
    assert r.extra["phases_s"]["timed_s"] >= r.duration_s + 1.0  # warm-up ran, outside it
    assert "over the timed window" in energy.method
    # Contention was sampled over the same window.
    assert r.extra["contention"]["window_s"] == pytest.approx(r.duration_s, abs=0.1)
