"""rank_results: groups, ranks with ties, Pareto ranks; invalid rows unranked."""

from __future__ import annotations

from typing import Any

import pytest

from tournament.errors import UserError
from tournament.ranking.table import ci_of, rank_by_scenario, rank_results


def row(result_id: int, p99: float, half: float, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "result_id": result_id,
        "workload": "digits-cnn",
        "scenario": "single-stream",
        "machine": "local",
        "valid": True,
        "latency_p99_ms": p99,
        "latency_p99_ci_low_ms": p99 - half,
        "latency_p99_ci_high_ms": p99 + half,
        "latency_p90_ms": p99 / 2,
        "cost_usd_per_million": 1.0,
        "energy_j_per_query": 0.5,
        "quality": 0.98,
        "throughput_sps": 1000.0 / p99,
    }
    data.update(extra)
    return data


def test_ranks_ties_and_pareto() -> None:
    rows = [
        row(1, 2.0, 0.1),
        row(2, 2.05, 0.1, energy_j_per_query=0.1),  # tied with 1 on p99, better energy
        row(3, 5.0, 0.1, quality=0.99),  # slower but better quality: also on the front
        row(4, 6.0, 0.1),  # dominated by 1
        row(5, 1.0, 0.1, valid=False),  # fast but fails its gate
        row(6, 3.0, 0.1, machine="other"),  # another group
    ]
    ranked = rank_results(rows)
    by_id = {r["result_id"]: r for r in ranked}
    assert [r["result_id"] for r in ranked] == [1, 2, 3, 4, 5, 6]
    assert [(by_id[i]["rank"], by_id[i]["tied"]) for i in (1, 2, 3, 4)] == [
        (1, True),
        (1, True),
        (3, False),
        (4, False),
    ]
    assert [by_id[i]["pareto_rank"] for i in (1, 2, 3, 4)] == [1, 1, 1, 2]
    assert (by_id[5]["rank"], by_id[5]["pareto_rank"], by_id[5]["tied"]) == (None, None, False)
    assert (by_id[6]["rank"], by_id[6]["pareto_rank"]) == (1, 1)
    assert "rank" not in rows[0]  # inputs are not modified


def test_missing_objective_is_left_out_of_pareto() -> None:
    rows = [row(1, 2.0, 0.1, energy_j_per_query=None), row(2, 3.0, 0.1, energy_j_per_query=0.1)]
    ranked = rank_results(rows)
    # without energy, result 1 dominates result 2 (same cost and quality, lower p99)
    assert [r["pareto_rank"] for r in ranked] == [1, 2]


def test_primary_metric_and_unknown_metric() -> None:
    rows = [row(1, 2.0, 0.1), row(2, 3.0, 0.1)]
    ranked = rank_results(rows, primary="throughput_sps", objectives=["throughput_sps"])
    assert [(r["result_id"], r["rank"]) for r in ranked] == [(1, 1), (2, 2)]
    with pytest.raises(UserError, match="unknown metric 'speed'"):
        rank_results(rows, primary="speed")


def test_cost_ci_from_throughput_ci() -> None:
    data = {
        "cost_usd_per_million": 2.0,
        "throughput_sps": 100.0,
        "throughput_ci_low_sps": 80.0,
        "throughput_ci_high_sps": 125.0,
    }
    assert ci_of(data, "cost_usd_per_million") == pytest.approx((1.6, 2.5))
    assert ci_of({"quality": 0.9}, "quality") == (None, None)


def test_rank_by_scenario_uses_each_primary() -> None:
    offline = [
        row(1, 2.0, 0.1, scenario="offline", throughput_sps=10.0),
        row(2, 1.0, 0.1, scenario="offline", throughput_sps=50.0),
    ]
    single = [row(3, 2.0, 0.1, latency_p90_ms=5.0), row(4, 3.0, 0.1, latency_p90_ms=1.0)]
    ranked = {r["result_id"]: r["rank"] for r in rank_by_scenario(offline + single)}
    assert ranked == {2: 1, 1: 2, 4: 1, 3: 2}
