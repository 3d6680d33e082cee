"""Latency histogram, CDF and percentiles of stored latencies."""

from __future__ import annotations

import numpy as np
import pytest

from leaderboard.figures.latency import latency_cdf, latency_histogram, percentiles


def test_histogram_counts_every_latency_once() -> None:
    latencies = list(np.random.default_rng(0).lognormal(0.0, 0.3, size=5000))
    hist = latency_histogram(latencies, bins=40)
    assert hist.total == 5000 and not hist.log_scale
    assert len(hist.edges) == len(hist.counts) + 1 == 41
    assert hist.edges[0] == min(latencies) and hist.edges[-1] == max(latencies)


def test_a_long_tail_gets_log_spaced_bins() -> None:
    # like a real run: 13 us per query, and a few queries held up for milliseconds
    latencies = [0.013] * 9990 + [0.014] * 5 + [2.0, 3.0, 4.0, 5.0, 6.0]
    hist = latency_histogram(latencies, bins=30)
    assert hist.log_scale and hist.total == 10_000
    assert hist.edges[0] == pytest.approx(0.013) and hist.edges[-1] == pytest.approx(6.0)
    ratios = np.diff(np.log(hist.edges))
    assert np.allclose(ratios, ratios[0])  # equal widths on a log axis
    assert hist.counts[0] == 9995 and sum(hist.counts[-8:]) == 5  # bulk in one bin, tail apart
    assert latency_cdf(latencies).log_scale


def test_histogram_of_few_values_has_few_bins_and_of_none_is_empty() -> None:
    assert len(latency_histogram([1.0, 2.0, 3.0]).counts) == 3
    assert latency_histogram([]).total == 0


def test_cdf_is_monotone_ends_at_one_and_is_thinned() -> None:
    latencies = list(np.random.default_rng(1).exponential(2.0, size=10_000))
    cdf = latency_cdf(latencies, max_points=500)
    assert len(cdf.latencies_ms) <= 500
    assert cdf.fractions[-1] == 1.0
    assert cdf.latencies_ms[-1] == max(latencies) and cdf.latencies_ms[0] == min(latencies)
    assert all(np.diff(cdf.latencies_ms) >= 0) and all(np.diff(cdf.fractions) > 0)
    # the CDF at the median is about one half
    median = float(np.median(latencies))
    at = next(f for v, f in zip(cdf.latencies_ms, cdf.fractions, strict=True) if v >= median)
    assert abs(at - 0.5) < 0.01


def test_percentiles_match_numpy_and_none_without_data() -> None:
    latencies = [float(v) for v in range(1, 101)]
    marks = percentiles(latencies)
    assert marks == {"p50": 50.5, "p90": np.percentile(latencies, 90), "p99": 99.01}
    assert percentiles([]) == {}
