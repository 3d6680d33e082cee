"""Repeats as the unit of evidence: runs aggregated into one result (``results/aggregate.py``)
and stored runs read back as results (``store/aggregates.py``)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from scipy import stats as scipy_stats

from tournament.results import Estimate, IntervalKind, Provenance, Result
from tournament.results.aggregate import aggregate, runs_of, t975
from tournament.store.aggregates import aggregated, combine, result_key
from tournament.store.records import ResultRecord

MakeResult = Callable[..., Result]


def test_t_quantiles_match_scipy() -> None:
    for df in (1, 2, 3, 9, 29, 30):
        assert t975(df) == pytest.approx(scipy_stats.t.ppf(0.975, df), abs=6e-4)
    assert t975(200) == pytest.approx(1.96, abs=0.01)
    with pytest.raises(ValueError):
        t975(0)


def test_figures_are_the_mean_with_a_t_interval_over_runs(make_result: MakeResult) -> None:
    p50s = [2.0, 2.3, 1.9]
    runs = [make_result(p50) for p50 in p50s]
    merged = aggregate(runs)
    p50 = merged.figure("latency_p50_ms")
    assert p50 is not None and p50.interval is IntervalKind.BETWEEN_RUNS
    mean, sd_log = statistics.fmean(p50s), statistics.stdev(math.log(v) for v in p50s)
    factor = math.exp(scipy_stats.t.ppf(0.975, 2) * sd_log / math.sqrt(3))
    assert p50.value == pytest.approx(mean)
    assert (p50.ci_low, p50.ci_high) == pytest.approx((mean / factor, mean * factor), rel=1e-3)
    assert "mean of 3 runs" in p50.method and "log scale" in p50.method
    # The interval over runs is far wider than any run's own (query-to-query) interval.
    within = runs[0].figure("latency_p50_ms")
    assert within is not None and within.ci_high is not None and within.ci_low is not None
    assert (p50.ci_high - p50.ci_low) > 3 * (within.ci_high - within.ci_low)
    assert runs_of(merged) == 3 and merged.extra["per_run"][1]["latency_p50_ms"][0] == 2.3
    assert merged.queries == sum(r.queries for r in runs)
    assert len(merged.latencies_ms) == sum(len(r.latencies_ms) for r in runs)


def test_an_interval_over_runs_of_a_positive_figure_stays_positive(
    make_result: MakeResult,
) -> None:
    # Two runs far apart (t = 12.7 with one degree of freedom): mean +- t x s / sqrt(2) would
    # reach below zero; a latency cannot.
    merged = aggregate([make_result(0.03), make_result(0.10)])
    p50 = merged.figure("latency_p50_ms")
    assert p50 is not None and p50.ci_low is not None and p50.ci_high is not None
    assert 0 < p50.ci_low < 0.03 and p50.ci_high > 0.10
    assert p50.ci_low * p50.ci_high == pytest.approx(p50.value**2)  # a factor either way
    # A figure that is not positive in every run keeps the plain interval.
    signed = aggregate(
        [
            make_result(1.0, figures={"quality_ratio": Estimate(-0.5, -0.6, -0.4)}),
            make_result(1.0, figures={"quality_ratio": Estimate(0.5, 0.4, 0.6)}),
        ]
    ).figure("quality_ratio")
    assert signed is not None and signed.ci_low is not None and signed.ci_low < -0.5


def test_labels_and_gaps_carry_over(make_result: MakeResult) -> None:
    estimated = Estimate(0.5, unit="J", provenance=Provenance.ESTIMATED, method="tdp")
    runs = [
        make_result(2.0, figures={"energy_j_per_query": estimated}),
        make_result(2.1, figures={"energy_j_per_query": estimated.with_(value=0.7)}),
        make_result(2.2, figures={"energy_j_per_query": None}),
    ]
    merged = aggregate(runs)
    assert merged.figure("energy_j_per_query") is None  # one run lacks it: unknown, not guessed
    two = aggregate(runs[:2])
    energy = two.figure("energy_j_per_query")
    assert energy is not None and energy.provenance is Provenance.ESTIMATED
    assert energy.value == pytest.approx(0.6)
    # No run had an interval, but the runs differ: that spread is the interval over runs.
    assert energy.has_interval and energy.interval is IntervalKind.BETWEEN_RUNS
    assert energy.ci_low is not None and energy.ci_low < 0.5 and energy.ci_high > 0.7  # type: ignore[operator]
    same = aggregate([make_result(2.0), make_result(2.1)]).figure("model_size_mb")
    assert same is None or not same.has_interval  # equal in every run: exact
    p99 = runs[0].figure("latency_p99_ms")
    assert p99 is not None
    short = replace(runs[1], figures={**runs[1].figures, "latency_p99_ms": p99.with_(
        insufficient="40 queries")})  # fmt: skip
    combined = aggregate([runs[0], short])
    assert combined.figure("latency_p99_ms").insufficient == "40 queries"  # type: ignore[union-attr]
    failed = replace(runs[1], min_rules_met=False)
    assert not aggregate([runs[0], failed]).min_rules_met


def test_only_runs_of_one_result_are_aggregated(make_result: MakeResult) -> None:
    one = make_result()
    assert aggregate([one]) is one
    with pytest.raises(ValueError):
        aggregate([])
    with pytest.raises(ValueError, match="different"):
        aggregate([one, make_result(batch_size=2)])
    with pytest.raises(ValueError, match="different"):
        aggregate([one, make_result(rules={"min_queries": 7})])
    reseeded = make_result(rules={**one.rules, "seed": 5})
    assert runs_of(aggregate([one, reseeded])) == 2  # seeds are repeats too


def _record(make_record: Callable[..., ResultRecord], result_id: int, p50: float,
            make_result: MakeResult, **entry: Any) -> ResultRecord:  # fmt: skip
    return make_record(make_result(p50), result_id=result_id, **entry)


def test_stored_runs_are_read_as_results(
    make_record: Callable[..., ResultRecord], make_result: MakeResult
) -> None:
    a = [
        _record(make_record, i, 2.0 + i / 10, make_result, config_hash="a" * 64) for i in (5, 3, 1)
    ]
    b = [_record(make_record, i, 4.0, make_result, config_hash="b" * 64) for i in (4, 2)]
    records = [a[0], b[0], a[1], b[1], a[2]]  # newest first, interleaved
    results = aggregated(records)
    assert [r.result_id for r in results] == [1, 2]  # each under its oldest run's id
    assert [r.result_ids for r in results] == [(1, 3, 5), (2, 4)]
    assert [r.runs for r in results] == [3, 2]
    assert results[0].figure("latency_p50_ms").interval is IntervalKind.BETWEEN_RUNS  # type: ignore[union-attr]
    assert combine([a[2]]) is a[2] and a[2].runs == 1
    assert result_key(a[0]) == result_key(a[2]) != result_key(b[0])
