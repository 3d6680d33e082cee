from __future__ import annotations

import numpy as np
import pytest

from tournament.harness import stats
from tournament.harness.base import Estimate, QueryLog, Rules
from tournament.harness.stats import (
    bootstrap_mean,
    bootstrap_percentile,
    closed_loop_throughput,
    percentile,
    percentile_replicates,
    poisson_throughput,
    summarize,
)
from tournament.results import METRICS, IntervalKind, Provenance


def _lognormal(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).lognormal(0.0, 0.5, n) * 1e6


def test_percentile_matches_numpy_linear() -> None:
    values = np.arange(1, 101)
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 90) == pytest.approx(90.1)
    assert percentile(values, 99) == pytest.approx(99.01)
    data = _lognormal(1001)
    for q in (0, 12.5, 50, 90, 99, 99.9, 100):
        assert percentile(data, q) == pytest.approx(np.percentile(data, q, method="linear"))
    assert percentile([7], 99) == 7.0
    with pytest.raises(ValueError):
        percentile([], 50)


@pytest.mark.parametrize(("n", "q"), [(1, 50), (2, 50), (7, 50), (7, 90), (25, 99), (25, 100)])
def test_percentile_replicates_follow_the_bootstrap_distribution(n: int, q: float) -> None:
    x = np.sort(np.random.default_rng(n).integers(0, 1000, n).astype(np.float64))
    resamples = 40_000
    fast = np.round(percentile_replicates(x, q, resamples=resamples, seed=1), 6)
    idx = np.random.default_rng(2).integers(0, n, size=(resamples, n))
    brute = np.round(np.percentile(x[idx], q, axis=1), 6)
    grid = np.unique(np.concatenate([fast, brute]))
    cdf_fast = np.searchsorted(np.sort(fast), grid, side="right") / resamples
    cdf_brute = np.searchsorted(np.sort(brute), grid, side="right") / resamples
    assert np.abs(cdf_fast - cdf_brute).max() < 0.02  # same distribution (KS distance)


def test_mean_ci_matches_the_standard_error() -> None:
    data = _lognormal(2000)
    est = bootstrap_mean(data, resamples=2000, seed=0)
    half_width = 1.96 * data.std() / np.sqrt(data.size)
    assert est.value == pytest.approx(data.mean())
    assert (est.ci_high - est.ci_low) / 2 == pytest.approx(half_width, rel=0.15)


def test_m_out_of_n_mean_keeps_the_width(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _lognormal(5000)
    full = bootstrap_mean(data, resamples=1000, seed=0)
    monkeypatch.setattr(stats, "RESAMPLE_BUDGET", 500_000)  # m = 500 draws per replicate
    monkeypatch.setattr(stats, "CHUNK_VALUES", 100_000)
    rescaled = bootstrap_mean(data, resamples=1000, seed=0)
    width = full.ci_high - full.ci_low
    assert rescaled.ci_high - rescaled.ci_low == pytest.approx(width, rel=0.2)
    assert rescaled.value == full.value


@pytest.mark.parametrize("q", [50, 90, 99])
def test_ci_contains_point_shrinks_and_is_seeded(q: float) -> None:
    small = bootstrap_percentile(_lognormal(200), q, resamples=500, seed=3)
    large = bootstrap_percentile(_lognormal(20_000), q, resamples=500, seed=3)
    for est in (small, large):
        assert est.ci_low <= est.value <= est.ci_high
        assert est.ci_low < est.ci_high
    assert large.ci_high - large.ci_low < (small.ci_high - small.ci_low) / 2
    assert bootstrap_percentile(_lognormal(200), q, resamples=500, seed=3) == small
    assert bootstrap_percentile(_lognormal(200), q, resamples=500, seed=4) != small


def test_mean_ci_is_seeded() -> None:
    data = _lognormal(300)
    assert bootstrap_mean(data, resamples=300, seed=1) == bootstrap_mean(
        data, resamples=300, seed=1
    )
    assert bootstrap_mean(data, resamples=300, seed=1) != bootstrap_mean(
        data, resamples=300, seed=2
    )


def _log(
    scenario: str, latencies_ns: np.ndarray, samples: np.ndarray, duration_ns: int, met: bool = True
) -> QueryLog:
    return QueryLog(
        scenario,
        latencies_ns.astype(np.int64),
        samples.astype(np.int64),
        duration_ns,
        {"min_rules_met": met},
    )


def test_summarize_names_and_units() -> None:
    lat = np.arange(1, 101) * 1_000_000  # 1..100 ms
    log = _log("single-stream", lat, np.ones(100), int(lat.sum()) + 1000)
    rules = Rules.quick()
    out = summarize(log, rules)
    figures = out.figures
    assert figures["latency_p50_ms"].value == pytest.approx(50.5)
    assert figures["latency_p90_ms"].value == pytest.approx(90.1)
    assert figures["latency_p99_ms"].value == pytest.approx(99.01)
    assert figures["latency_mean_ms"].value == pytest.approx(50.5)
    assert out.queries == 100 and out.samples == 100
    assert out.duration_s == pytest.approx(lat.sum() / 1e9)
    assert figures["throughput_sps"].value == pytest.approx(100 / (log.duration_ns / 1e9))
    assert out.min_rules_met is True
    units = {m.name: m.unit for m in METRICS}
    for name, est in figures.items():
        low, high = est.bounds()
        assert low <= est.value <= high, name
        assert est.unit == units[name], name
        assert est.provenance is Provenance.MEASURED
        assert est.interval is IntervalKind.WITHIN_RUN
        assert est.method
    assert summarize(log, rules) == out


def test_throughput_ci_with_varying_batch_sizes() -> None:
    rng = np.random.default_rng(0)
    samples = rng.integers(1, 9, 500)
    lat = samples * 1_000_000 + rng.integers(0, 200_000, 500)
    log = _log("offline", lat, samples, int(lat.sum()))
    est = closed_loop_throughput(log, resamples=500, seed=0)
    assert est.value == pytest.approx(samples.sum() / (lat.sum() / 1e9))
    assert est.ci_low < est.value < est.ci_high
    assert est.ci_high - est.ci_low < 0.1 * est.value


def test_server_throughput_ci_is_poisson() -> None:
    log = _log("server", np.full(400, 2_000_000), np.full(400, 2), 2_000_000_000)
    est = poisson_throughput(log)
    assert est.value == pytest.approx(400.0)
    assert est.ci_low == pytest.approx(400.0 * (1 - 1.96 / 20), rel=1e-3)
    assert est.ci_high == pytest.approx(400.0 * (1 + 1.96 / 20), rel=1e-3)


def test_estimates_overlap_when_their_intervals_do() -> None:
    a = Estimate(1.0, 0.9, 1.1)
    assert a.overlaps(Estimate(1.05, 1.0, 1.2))
    assert a.overlaps(Estimate(1.2, 1.1, 1.3))  # touching intervals are tied
    assert not a.overlaps(Estimate(1.2, 1.15, 1.3))
    assert not Estimate(0.5, 0.4, 0.6).overlaps(a)
    assert Estimate(1.0, 0.0, 2.0).overlaps(a)  # containment
    assert Estimate(1.0).overlaps(a) and not Estimate(2.0).overlaps(a)  # no interval: a point


def test_empty_inputs_raise() -> None:
    with pytest.raises(ValueError):
        bootstrap_mean([], resamples=100, seed=0)
    with pytest.raises(ValueError):
        summarize(_log("offline", np.array([]), np.array([]), 0), Rules.quick())
