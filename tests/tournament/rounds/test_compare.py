"""Pure comparisons: reproduction figures, fingerprints, Kendall's tau, round rankings."""

from __future__ import annotations

from typing import Any

import pytest
from scipy.stats import kendalltau

from tournament.results import Estimate, IntervalKind
from tournament.rounds.replay import _tau_b, compare_rankings, kendall_tau
from tournament.rounds.reproduce import TOLERANCES, compare, compare_figure, environment_warnings

P50 = Estimate(1.0, 0.95, 1.05, unit="ms")
P99 = Estimate(2.0, 1.9, 2.1, unit="ms")
QUALITY = Estimate(0.98 / 0.984, unit="ratio")


def test_figures_agree_within_ci_or_tolerance() -> None:
    def p50(value: float) -> Estimate:
        return Estimate(value, unit="ms")

    single = "within the old 95 % CI (single run)"
    assert compare_figure("latency_p50_ms", P50, p50(1.04))["how"] == single
    assert compare_figure("latency_p50_ms", P50, p50(1.2))["how"] == "within 25% (single run)"
    slow = compare_figure("latency_p50_ms", P50, p50(1.5))
    assert not slow["agrees"] and slow["how"] == "differs by 50.0%"
    assert slow["old_ci"] == [0.95, 1.05] and (slow["old"], slow["new"]) == (1.0, 1.5)
    assert compare_figure("latency_p99_ms", P99, Estimate(2.9))["agrees"]
    assert compare_figure("quality_ratio", QUALITY, QUALITY)["how"] == "exactly equal"
    assert not compare_figure("quality_ratio", QUALITY, Estimate(0.9799 / 0.984))["agrees"]
    unmetered = compare_figure("energy_j_per_query", None, Estimate(1.0))
    assert unmetered["agrees"] is None and unmetered["how"] == "not measured on both"


def test_results_of_several_runs_agree_when_their_intervals_over_runs_overlap() -> None:
    """No tolerance between results of 2+ runs: their intervals cover run-to-run variance."""

    def over_runs(low: float, high: float) -> Estimate:
        return Estimate((low + high) / 2, low, high, unit="ms", interval=IntervalKind.BETWEEN_RUNS)

    agree = compare_figure("latency_p50_ms", over_runs(0.9, 1.3), over_runs(1.25, 1.6))
    assert agree["agrees"] and agree["how"] == "95 % intervals over runs overlap"
    assert agree["new_ci"] == [1.25, 1.6]
    apart = compare_figure("latency_p50_ms", over_runs(0.9, 1.0), over_runs(1.05, 1.15))
    assert not apart["agrees"] and apart["how"].startswith("intervals over runs apart")
    # 11 % apart would pass the single-run 25 % tolerance: the rule for 2+ runs is the intervals
    assert apart["relative_difference"] < apart["tolerance"]


def test_compare_reads_the_records(make_result: Any, make_record: Any) -> None:
    old = make_record(make_result(2.0))
    same = compare(old, make_record(make_result(2.0), 2))
    assert set(same) == set(TOLERANCES) and all(f["agrees"] for f in same.values())
    slower = compare(old, make_record(make_result(4.0), 2))
    assert not slower["latency_p50_ms"]["agrees"] and slower["quality_ratio"]["agrees"]


def test_environment_warnings_name_the_field() -> None:
    old = {"cpu_model": "EPYC", "packages": {"torch": "2.13.0", "onnxruntime": "1.32"}}
    new = {"cpu_model": "Xeon", "packages": {"torch": "2.13.0", "onnxruntime": "1.33"}}
    assert environment_warnings(old, new) == [
        "environment.cpu_model: was 'EPYC', now 'Xeon'.",
        "environment.packages.onnxruntime: was 1.32, now 1.33.",
    ]
    assert environment_warnings(old, old) == []


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([1, 2, 3, 4], [1, 2, 3, 4]),
        ([1, 2, 3, 4], [4, 3, 2, 1]),
        ([1, 1, 3, 4], [2, 1, 3, 3]),
        ([1, 2, 2, 4, 5], [1, 3, 2, 5, 4]),
    ],
)
def test_kendall_tau_b_matches_scipy(x: list[float], y: list[float]) -> None:
    expected = kendalltau(x, y).statistic
    assert kendall_tau(x, y) == pytest.approx(expected)
    assert _tau_b(x, y) == pytest.approx(expected)


def test_kendall_tau_undefined() -> None:
    assert kendall_tau([1.0], [1.0]) is None
    assert kendall_tau([1.0, 1.0], [1.0, 2.0]) is None
    assert _tau_b([1.0, 1.0], [1.0, 2.0]) is None


def test_compare_rankings_by_frontier() -> None:
    def group(ranks: dict[str, int | None]) -> dict[str, object]:
        entries = [{"config_hash": c, "rank": r} for c, r in ranks.items()]
        return {"frontier": "w/s/m/99", "entries": entries}

    old = {"groups": [group({"a": 1, "b": 2, "c": 3, "d": None})]}
    same = {"groups": [group({"a": 1, "b": 2, "c": 3, "d": None})]}
    swapped = {"groups": [group({"a": 3, "b": 2, "c": 1, "d": None})]}
    assert compare_rankings(old, same) == ({"w/s/m/99": 1.0}, {"w/s/m/99": 4})
    taus, _ = compare_rankings(old, swapped)
    assert taus["w/s/m/99"] == pytest.approx(kendalltau([1, 2, 3, 4], [3, 2, 1, 4]).statistic)
