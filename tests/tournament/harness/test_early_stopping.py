"""MLPerf's early-stopping rule for percentiles (``tournament/harness/early_stopping.py``)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom

from tournament.harness import stats
from tournament.harness.early_stopping import (
    CONFIDENCE,
    allowed_above,
    insufficiency,
    min_queries,
)


@pytest.mark.parametrize(("p", "expected"), [(0.5, 11), (0.9, 64), (0.99, 662)])
def test_min_queries_match_loadgen(p: float, expected: int) -> None:
    """The counts MLPerf publishes (p90: 64, p99: 662) follow from one binomial rule."""
    assert min_queries(p) == expected
    assert allowed_above(expected, p) >= 1 > allowed_above(expected - 1, p)


@pytest.mark.parametrize(("n", "p"), [(64, 0.9), (500, 0.9), (700, 0.99), (5000, 0.99)])
def test_allowed_above_is_the_largest_count_with_the_stated_confidence(n: int, p: float) -> None:
    t = allowed_above(n, p)
    assert binom.cdf(t, n, 1 - p) <= 1 - CONFIDENCE < binom.cdf(t + 1, n, 1 - p)


def test_too_few_queries_mark_the_percentile_insufficient() -> None:
    assert insufficiency(63, 90) and not insufficiency(64, 90)
    assert "662" in insufficiency(661, 99) and not insufficiency(662, 99)
    rng = np.random.default_rng(0)
    few = rng.lognormal(0, 0.2, 100) * 1e6  # 100 latencies in ns: enough for p90, not p99
    figures = stats.latency_figures(few, resamples=200, seed=0)
    assert figures["latency_p90_ms"].insufficient == ""
    assert "needs at least 662" in figures["latency_p99_ms"].insufficient
    assert figures["latency_p50_ms"].insufficient == ""


def test_an_insufficient_primary_metric_makes_the_result_invalid(make_result) -> None:  # type: ignore[no-untyped-def]
    base = make_result()
    p90 = base.figure("latency_p90_ms")
    short = make_result(figures={"latency_p90_ms": p90.with_(insufficient=insufficiency(40, 90))})
    assert base.valid and not short.valid
    assert any("latency_p90_ms is insufficient: 40 queries" in r for r in short.invalid_reasons())
    p99 = base.figure("latency_p99_ms")
    other = make_result(figures={"latency_p99_ms": p99.with_(insufficient=insufficiency(40, 99))})
    assert other.valid  # p99 is not single-stream's primary metric: shown marked, still counts
