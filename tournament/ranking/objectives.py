"""What a ranking orders by: directions from the metric table, primary metrics from scenarios.

* Directions: :data:`tournament.results.METRICS` (``Metric.direction``); only metrics marked
  ``objective`` may be ranked on.
* Primary metric (what the rank number orders by): the scenario's own,
  ``harness.get(scenario).primary_metric(rules)`` (e.g. MLPerf's 90th-percentile latency for
  one query at a time, throughput with every query issued at once).
* Pareto objectives: the primary metric, then :data:`SECONDARY_OBJECTIVES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tournament.errors import UserError
from tournament.results import Metric, metric
from tournament.results.metrics import objectives

SECONDARY_OBJECTIVES = ("cost_usd_per_million", "energy_j_per_sample", "quality_ratio")
"""Pareto objectives after the primary metric: cost and energy per *sample* (as throughput, so
batch sizes compare fairly), and quality as its ratio to the fp32 reference (higher is better
for every workload)."""


def objective(name: str) -> Metric:
    """The metric ``name``, which must be a ranking objective.

    Raises:
        UserError: ``name`` is not in the metric table or may not be an objective.
    """
    found = metric(name)
    if not found.objective:
        allowed = ", ".join(m.name for m in objectives())
        raise UserError(f"metric: {name!r} cannot be ranked on; expected one of: {allowed}.")
    return found


def direction(name: str) -> str:
    """``"min"`` or ``"max"`` for objective ``name`` (see :func:`objective`)."""
    return objective(name).direction.value


def primary_metric(scenario: str, rules: Mapping[str, Any] | None = None) -> str:
    """The metric a ranking of ``scenario`` under ``rules`` orders by.

    Raises:
        NotFoundError: no scenario of this name is registered.
    """
    from tournament import harness

    return harness.get(scenario).primary_metric(rules)


def objectives_for(scenario: str, rules: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    """Pareto objectives of ``scenario``: its primary metric, then the secondary ones."""
    primary = primary_metric(scenario, rules)
    return (primary, *(o for o in SECONDARY_OBJECTIVES if o != primary))


def ci_keys(name: str) -> tuple[str, str]:
    """The interval columns of metric ``name`` in a flat row
    (:data:`tournament.store.records.FLAT_COLUMNS`): ``name_low``, ``name_high``."""
    return f"{name}_low", f"{name}_high"
