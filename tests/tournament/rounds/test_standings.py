"""Round standings: the gate per accuracy class, prices, median representative."""

from __future__ import annotations

from typing import Any

from tournament.rounds.load import parse_round_spec
from tournament.rounds.standings import gate, representative, with_round_prices

from .conftest import spec_data

SPEC = parse_round_spec(
    spec_data(scenarios={"server": {"server_target_qps": 100, "server_latency_bound_ms": 5}})
)


def row(**values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "result_id": 1,
        "scenario": "single-stream",
        "machine": "local",
        "min_rules_met": True,
        "quality": 0.98,
        "reference_quality": 0.99,
        "latency_p99_ms": 1.0,
        "throughput_sps": 1000.0,
        "energy_j_per_sample": 0.36,
        "cost_usd_per_million": 0.0,
    }
    data.update(values)
    return data


def test_gate_per_class_and_server_bound() -> None:
    assert gate(row(), 0.99, True, SPEC) == (
        "quality 0.98 misses the target 0.9801 (0.99 x reference)"
    )
    assert gate(row(quality=0.9802), 0.99, True, SPEC) is None
    assert gate(row(quality=0.9802), 0.999, True, SPEC) == (
        "quality 0.9802 misses the target 0.98901 (0.999 x reference)"
    )
    assert gate(row(min_rules_met=False), 0.99, True, SPEC) == (
        "minimum duration or query count not met"
    )
    late = row(scenario="server", latency_p99_ms=7.5, quality=0.99)
    assert gate(late, 0.99, True, SPEC) == "p99 7.5 ms over the 5 ms latency bound"
    assert gate(row(quality=1.01, reference_quality=1.0), 0.99, False, SPEC) is None
    assert gate(row(quality=1.02, reference_quality=1.0), 0.99, False, SPEC) is not None


def test_round_prices_recompute_costs() -> None:
    (priced,) = with_round_prices([row()], SPEC)
    assert priced["cost_usd_per_million"] == 0.1 / 3600 / 1000 * 1e6
    assert priced["energy_cost_usd_per_million"] == 0.36 * 1e6 / 3.6e6 * 0.3
    (other,) = with_round_prices([row(machine="elsewhere")], SPEC)
    assert other["cost_usd_per_million"] == 0.0


def test_representative_is_the_median_or_worse_middle() -> None:
    rows = [row(result_id=i, latency_p90_ms=v) for i, v in enumerate([3.0, 1.0, 2.0, 4.0])]
    chosen = representative(rows, "latency_p90_ms")
    assert (chosen["latency_p90_ms"], chosen["results"]) == (3.0, 4)
    tput = [row(result_id=i, throughput_sps=v) for i, v in enumerate([10.0, 30.0, 20.0])]
    assert representative(tput, "throughput_sps")["throughput_sps"] == 20.0
