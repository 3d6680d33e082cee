"""The power trace of a result and its source label."""

from __future__ import annotations

from leaderboard.figures.power import power_trace


def test_estimated_trace_says_estimate() -> None:
    trace = power_trace([[0.0, 3.0], [0.1, 3.5]], "estimate-tdp")
    assert trace is not None
    assert trace.times_s == [0.0, 0.1] and trace.watts == [3.0, 3.5]
    assert trace.is_estimate and "ESTIMATE" in trace.title


def test_metered_trace_says_measured_and_combined_estimates_count_as_estimates() -> None:
    rapl = power_trace([(0.0, 40.0)], "rapl")
    assert rapl is not None and not rapl.is_estimate and "measured (rapl)" in rapl.title
    mixed = power_trace([(0.0, 40.0)], "estimate-tdp+nvml")
    assert mixed is not None and mixed.is_estimate


def test_no_samples_means_no_trace() -> None:
    assert power_trace([], "rapl") is None
    assert power_trace(None, None) is None
