"""Ranking tables: result rows ranked per workload x scenario x machine.

Within each group, rows that are *valid* (``row["valid"]`` true) and have a finite primary
metric get ``rank`` from :func:`~tournament.ranking.ties.tie_groups` on the primary metric and
its 95 % CI (columns ``<metric>_ci_low_<unit>`` / ``_ci_high_<unit>``; cost per million gets
its CI from the throughput CI, since cost is inversely proportional to throughput; metrics
without a CI count as exact), ``tied`` (another row shares the rank) and ``pareto_rank``
(non-dominated sorting over the objectives). An objective that some ranked row of the group
lacks (e.g. energy where nothing measured it) is left out of that group's Pareto sort.
Other rows get ``rank``/``pareto_rank`` None and ``tied`` False.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import groupby
from typing import Any

import numpy as np

from tournament.ranking.objectives import (
    DIRECTIONS,
    ci_keys,
    direction,
    objectives_for,
    primary_metric,
)
from tournament.ranking.pareto import pareto_ranks
from tournament.ranking.ties import tie_groups

__all__ = ["DIRECTIONS", "GROUP_KEYS", "group_key", "rank_by_scenario", "rank_results"]

GROUP_KEYS = ("workload", "scenario", "machine")
DEFAULT_OBJECTIVES = ("latency_p99_ms", "cost_usd_per_million", "energy_j_per_query", "quality")


def group_key(row: dict[str, Any]) -> tuple[str, ...]:
    """The (workload, scenario, machine) a row is ranked in."""
    return tuple(str(row.get(k, "")) for k in GROUP_KEYS)


def finite(value: Any) -> bool:
    """Whether ``value`` is a finite number (not None, not NaN, not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def ci_of(row: dict[str, Any], metric: str) -> tuple[float | None, float | None]:
    """The 95 % CI of ``metric`` in ``row`` (None bounds where the row has none)."""
    low_key, high_key = ci_keys(metric)
    low, high = _number(row.get(low_key)), _number(row.get(high_key))
    if metric == "cost_usd_per_million" and low is None and high is None:
        return _cost_ci(row)
    return low, high


def _number(value: Any) -> float | None:
    return float(value) if finite(value) else None


def _cost_ci(row: dict[str, Any]) -> tuple[float | None, float | None]:
    cost, tput = _number(row.get("cost_usd_per_million")), _number(row.get("throughput_sps"))
    t_low = _number(row.get("throughput_ci_low_sps"))
    t_high = _number(row.get("throughput_ci_high_sps"))
    if cost is None or tput is None or t_low is None or t_high is None or t_low <= 0:
        return None, None
    return cost * tput / t_high, cost * tput / t_low


def rank_results(
    rows: list[dict[str, Any]],
    *,
    primary: str = "latency_p99_ms",
    objectives: Sequence[str] = DEFAULT_OBJECTIVES,
) -> list[dict[str, Any]]:
    """Copies of ``rows`` with ``rank``, ``tied`` and ``pareto_rank`` (see the module).

    Returns rows grouped by (workload, scenario, machine) in sorted order; within a group,
    ranked rows by rank (then result id), then the unranked ones.

    Raises:
        UserError: ``primary`` or an objective is not a metric of :data:`DIRECTIONS`.
    """
    higher = direction(primary) == "max"
    for objective in objectives:
        direction(objective)
    out: list[dict[str, Any]] = []
    for _, members in groupby(sorted(rows, key=group_key), key=group_key):
        out += _rank_group([dict(r) for r in members], primary, higher, objectives)
    return out


def _rank_group(
    rows: list[dict[str, Any]], primary: str, higher: bool, objectives: Sequence[str]
) -> list[dict[str, Any]]:
    for row in rows:
        row.update(rank=None, tied=False, pareto_rank=None)
    ranked = [r for r in rows if r.get("valid") and finite(r.get(primary))]
    if ranked:
        cis = [ci_of(r, primary) for r in ranked]
        ranks = tie_groups(
            [float(r[primary]) for r in ranked], [c[0] for c in cis], [c[1] for c in cis], higher
        )
        counts = Counter(ranks)
        for row, rank in zip(ranked, ranks, strict=True):
            row.update(rank=rank, tied=counts[rank] > 1)
        _pareto(ranked, objectives)
    return sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0, r.get("result_id", 0)))


def complete_objectives(rows: Iterable[dict[str, Any]], objectives: Sequence[str]) -> list[str]:
    """The objectives every row has a finite value for."""
    rows = list(rows)
    return [o for o in objectives if all(finite(r.get(o)) for r in rows)]


def _pareto(rows: list[dict[str, Any]], objectives: Sequence[str]) -> None:
    used = complete_objectives(rows, objectives)
    if not used:
        return
    points = np.array([[float(r[o]) for o in used] for r in rows])
    for row, rank in zip(rows, pareto_ranks(points, [DIRECTIONS[o] for o in used]), strict=True):
        row["pareto_rank"] = int(rank)


def rank_by_scenario(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """:func:`rank_results` with each scenario's own primary metric and objectives
    (:func:`~tournament.ranking.objectives.primary_metric`; server rows use their stored
    ``rules`` when they carry them)."""
    out: list[dict[str, Any]] = []
    by_scenario = sorted(rows, key=lambda r: str(r.get("scenario", "")))
    for scenario, members in groupby(by_scenario, key=lambda r: str(r.get("scenario", ""))):
        group = list(members)
        rules = group[0].get("rules") if isinstance(group[0].get("rules"), dict) else None
        out += rank_results(
            group,
            primary=primary_metric(scenario, rules),
            objectives=objectives_for(scenario, rules),
        )
    return out
