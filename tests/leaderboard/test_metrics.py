"""The metric catalogue and how energy sources are labelled."""

from __future__ import annotations

import pytest

from leaderboard.metrics import METRICS, axis_label, is_estimate, metric, power_source_label
from tournament.errors import UserError
from tournament.ranking import DIRECTIONS


def test_directions_agree_with_the_ranking() -> None:
    for key, m in METRICS.items():
        assert DIRECTIONS[key] == m.direction
    assert metric("throughput_sps").higher_is_better
    assert not metric("latency_p99_ms").higher_is_better


def test_unknown_metric_is_a_user_error() -> None:
    with pytest.raises(UserError, match="metric must be one of latency_p50_ms"):
        metric("speed")


@pytest.mark.parametrize(
    ("source", "estimate", "label"),
    [
        ("estimate-tdp", True, "ESTIMATE (estimate-tdp)"),
        ("estimate-tdp+nvml", True, "ESTIMATE (estimate-tdp+nvml)"),
        ("rapl", False, "measured (rapl)"),
        (None, False, "not recorded"),
        (float("nan"), False, "not recorded"),
    ],
)
def test_power_source_labels(source: object, estimate: bool, label: str) -> None:
    assert is_estimate(source) is estimate
    assert power_source_label(source) == label


def test_energy_axis_says_estimate_only_when_one_is_shown() -> None:
    assert axis_label("energy_j_per_query", ["rapl", "estimate-tdp"]).endswith("ESTIMATE")
    assert axis_label("energy_j_per_query", ["rapl"]) == "energy per query (J)"
    assert axis_label("latency_p50_ms", ["estimate-tdp"]) == "latency p50 (ms)"
