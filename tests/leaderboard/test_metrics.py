"""The leaderboard's metrics are the core's metric table; energy sources and estimates labelled."""

from __future__ import annotations

import pytest

from leaderboard.metrics import (
    AXES,
    DEFAULT_X,
    DEFAULT_Y,
    axis_label,
    is_estimate,
    label,
    metric,
    power_source_label,
)
from tournament.errors import UserError
from tournament.results import BY_NAME, METRICS


def test_metrics_are_the_core_table() -> None:
    assert set(AXES) <= set(BY_NAME) and {DEFAULT_X, DEFAULT_Y} <= set(AXES)
    assert list(AXES) == [m.name for m in METRICS if m.objective]  # table order, no second list
    for name in AXES:
        assert metric(name) is BY_NAME[name] and label(name) == BY_NAME[name].label
    assert metric("throughput_sps").higher_is_better
    assert metric("quality_ratio").higher_is_better
    assert not metric("latency_p99_ms").higher_is_better
    assert label("latency_p90_ms") == "p90 latency (ms/query)"
    assert label("some_column") == "some column"


def test_unknown_metric_is_a_user_error() -> None:
    with pytest.raises(UserError, match="unknown metric 'speed'; expected one of: latency_p50_ms"):
        metric("speed")


@pytest.mark.parametrize(
    ("source", "estimate", "text"),
    [
        ("estimate-tdp", True, "ESTIMATE (estimate-tdp)"),
        ("estimate-tdp+nvml", True, "ESTIMATE (estimate-tdp+nvml)"),
        ("rapl", False, "measured (rapl)"),
        (None, False, "not recorded"),
        (float("nan"), False, "not recorded"),
    ],
)
def test_power_source_labels(source: object, estimate: bool, text: str) -> None:
    assert is_estimate(source) is estimate
    assert power_source_label(source) == text


def test_an_axis_says_estimate_only_when_an_estimated_figure_is_shown() -> None:
    shown = ["measured", "estimated"]
    assert axis_label("energy_j_per_query", shown) == "energy (J/query), ESTIMATE"
    assert axis_label("energy_j_per_query", ["measured", None]) == "energy (J/query)"
    assert axis_label("cost_usd_per_million", ["derived"]) == "cost (USD/M samples)"
