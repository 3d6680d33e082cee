"""The metrics a ranking can use, which way each is better, and each scenario's primary metric.

Primary metric per scenario (what the rank number orders by):

* ``single-stream``: ``latency_p90_ms``, as MLPerf's single-stream metric (90th-percentile
  latency of one query at a time).
* ``offline``: ``throughput_sps`` (samples per second with every query issued at once).
* ``server``: ``throughput_sps`` when the rules search the peak QPS (``server_find_peak``:
  the run is measured at the highest QPS whose p99 meets the bound, MLPerf's server metric);
  at a fixed ``server_target_qps`` every valid entry serves the same load, so the rank
  orders by ``latency_p99_ms`` instead.

Pareto objectives per scenario: the primary metric, then cost per million samples, energy per
query and quality.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tournament.errors import UserError

DIRECTIONS: dict[str, str] = {
    "latency_p50_ms": "min",
    "latency_p90_ms": "min",
    "latency_p99_ms": "min",
    "latency_mean_ms": "min",
    "throughput_sps": "max",
    "quality": "max",
    "energy_j_per_query": "min",
    "energy_j_per_sample": "min",
    "avg_power_w": "min",
    "cost_usd_per_million": "min",
    "energy_cost_usd_per_million": "min",
    "gflops_per_s": "max",
    "roofline_fraction": "max",
    "model_size_mb": "min",
    "peak_rss_mb": "min",
}
"""Every rankable metric: ``"min"`` (lower is better) or ``"max"`` (higher is better)."""

PRIMARY_BY_SCENARIO: dict[str, str] = {
    "single-stream": "latency_p90_ms",
    "offline": "throughput_sps",
    "server": "throughput_sps",
}
"""The primary metric of each scenario (server: with ``server_find_peak``; see the module)."""

SECONDARY_OBJECTIVES = ("cost_usd_per_million", "energy_j_per_query", "quality")
"""Pareto objectives after the primary metric."""


def direction(metric: str) -> str:
    """``"min"`` or ``"max"`` for ``metric``.

    Raises:
        UserError: ``metric`` is not in :data:`DIRECTIONS`.
    """
    try:
        return DIRECTIONS[metric]
    except KeyError:
        raise UserError(
            f"metric: unknown metric {metric!r}; expected one of: {', '.join(sorted(DIRECTIONS))}."
        ) from None


def primary_metric(scenario: str, rules: Mapping[str, Any] | None = None) -> str:
    """The primary metric of ``scenario`` under ``rules`` (see the module docstring)."""
    if scenario == "server" and rules is not None and not rules.get("server_find_peak"):
        return "latency_p99_ms"
    return PRIMARY_BY_SCENARIO.get(scenario, "latency_p99_ms")


def objectives_for(scenario: str, rules: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    """Pareto objectives of ``scenario``: its primary metric, cost, energy, quality."""
    return (primary_metric(scenario, rules), *SECONDARY_OBJECTIVES)


def ci_keys(metric: str) -> tuple[str, str]:
    """Names of the CI columns of ``metric`` in result rows (``latency_p90_ms`` ->
    ``latency_p90_ci_low_ms``, ``latency_p90_ci_high_ms``)."""
    name, _, unit = metric.rpartition("_")
    return f"{name}_ci_low_{unit}", f"{name}_ci_high_{unit}"
