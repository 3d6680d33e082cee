"""Ranking tables: result records ranked per workload x scenario x machine x rules.

Results measured under different rules (quick against full, another minimum duration) are never
ranked together: the rules key (:func:`~tournament.store.aggregates.rules_key`, their hash but
the seed) is part of the group.

Within each group, records that are *valid* (:meth:`~tournament.results.Result.invalid_reasons`
empty, at the result's own accuracy class or at ``target_ratio``) and have a finite primary
figure get ``rank`` from :func:`~tournament.ranking.ties.tie_groups` on the primary figure and
its 95 % interval (a figure without one counts as exact), ``tied`` (another record shares the
rank) and ``pareto_rank`` (non-dominated sorting over the objectives). An objective that some
ranked record of the group lacks (e.g. energy where nothing measured it) is left out of that
group's Pareto sort, and so is an objective whose figure is an *estimate* for some record
(energy from the CPU-time model is latency rescaled, not a second measurement) unless the caller
chose it explicitly (``include_estimates``). Other records get ``rank``/``pareto_rank`` None
and ``tied`` False.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

import numpy as np

from tournament.ranking.objectives import direction, objective, objectives_for, primary_metric
from tournament.ranking.pareto import pareto_ranks
from tournament.ranking.ties import tie_groups
from tournament.results import Estimate, Provenance
from tournament.store.aggregates import rules_key
from tournament.store.records import ResultRecord

ESTIMATED = Provenance.ESTIMATED

__all__ = [
    "DEFAULT_OBJECTIVES",
    "GROUP_KEYS",
    "Ranked",
    "complete_objectives",
    "finite_figure",
    "group_key",
    "rank_by_scenario",
    "rank_results",
]

GROUP_KEYS = ("workload", "scenario", "machine", "rules")
DEFAULT_OBJECTIVES = (
    "latency_p99_ms",
    "cost_usd_per_million",
    "energy_j_per_query",
    "quality_ratio",
)


@dataclass(frozen=True, slots=True)
class Ranked:
    """A record's place in its ranking group.

    Attributes:
        record: the result ranked.
        rank: competition rank among the group's valid records (None: unranked).
        tied: whether another record shares the rank.
        pareto_rank: non-domination rank over the objectives (None: unranked).
        invalid_reasons: why the record does not count at the ranking's accuracy class.
    """

    record: ResultRecord
    rank: int | None
    tied: bool
    pareto_rank: int | None
    invalid_reasons: tuple[str, ...]

    @property
    def valid(self) -> bool:
        """Whether the record counts at the ranking's accuracy class."""
        return not self.invalid_reasons

    @property
    def result_id(self) -> int:
        """The record's result id."""
        return self.record.result_id


def group_key(record: ResultRecord) -> tuple[str, str, str, str]:
    """The (workload, scenario, machine, rules key) a record is ranked in."""
    rules = rules_key(record.result.rules)
    return record.entry.workload, record.scenario, record.entry.machine, rules


def finite_figure(record: ResultRecord, name: str) -> Estimate | None:
    """The figure ``name`` of ``record`` when it is known and finite."""
    found = record.figure(name)
    return found if found is not None and math.isfinite(found.value) else None


def rank_results(
    records: Iterable[ResultRecord],
    *,
    primary: str = "latency_p99_ms",
    objectives: Sequence[str] = DEFAULT_OBJECTIVES,
    target_ratio: float | None = None,
    include_estimates: bool = False,
) -> list[Ranked]:
    """Every record with its ``rank``, ``tied`` and ``pareto_rank`` (see the module).

    ``target_ratio``: the accuracy class to judge validity at (default: each result's own).
    ``include_estimates``: keep Pareto objectives whose figures are estimates (the caller's
    user chose them). Returns records grouped by (workload, scenario, machine, rules) in sorted
    order; within a group, ranked records by rank (then result id), then the unranked ones.

    Raises:
        UserError: ``primary`` or an objective is not a metric that may be ranked on.
    """
    higher = objective(primary).higher_is_better
    for name in objectives:
        objective(name)
    out: list[Ranked] = []
    for _, members in groupby(sorted(records, key=group_key), key=group_key):
        group = list(members)
        out += _rank_group(group, primary, higher, objectives, target_ratio, include_estimates)
    return out


def _rank_group(
    records: list[ResultRecord],
    primary: str,
    higher: bool,
    objectives: Sequence[str],
    target_ratio: float | None,
    include_estimates: bool,
) -> list[Ranked]:
    reasons = {r.result_id: tuple(r.result.invalid_reasons(target_ratio)) for r in records}
    ranked = [r for r in records if not reasons[r.result_id] and finite_figure(r, primary)]
    ranks: dict[int, int] = {}
    paretos: dict[int, int] = {}
    if ranked:
        estimates = [finite_figure(r, primary) for r in ranked]
        groups = tie_groups([e for e in estimates if e is not None], higher)
        ranks = {r.result_id: rank for r, rank in zip(ranked, groups, strict=True)}
        paretos = _pareto(ranked, objectives, include_estimates)
    counts = Counter(ranks.values())
    out = [
        Ranked(
            record=r,
            rank=ranks.get(r.result_id),
            tied=r.result_id in ranks and counts[ranks[r.result_id]] > 1,
            pareto_rank=paretos.get(r.result_id),
            invalid_reasons=reasons[r.result_id],
        )
        for r in records
    ]
    return sorted(out, key=lambda r: (r.rank is None, r.rank or 0, r.result_id))


def complete_objectives(
    records: Iterable[ResultRecord],
    objectives: Sequence[str],
    *,
    include_estimates: bool = False,
) -> list[str]:
    """The objectives every record has a finite figure for; without ``include_estimates``,
    only those no record has as an estimate (see the module)."""
    records = list(records)
    out = []
    for name in objectives:
        figures = [finite_figure(r, name) for r in records]
        if not all(figures):
            continue
        if not include_estimates and any(f and f.provenance is ESTIMATED for f in figures):
            continue
        out.append(name)
    return out


def objective_points(records: Sequence[ResultRecord], objectives: Sequence[str]) -> np.ndarray:
    """The (records x objectives) values, for Pareto ranks and hypervolumes."""
    return np.array([[_value(r, o) for o in objectives] for r in records], dtype=float)


def _value(record: ResultRecord, name: str) -> float:
    found = finite_figure(record, name)
    if found is None:
        raise ValueError(f"result {record.result_id} has no finite {name}")
    return found.value


def _pareto(
    records: list[ResultRecord], objectives: Sequence[str], include_estimates: bool
) -> dict[int, int]:
    used = complete_objectives(records, objectives, include_estimates=include_estimates)
    if not used:
        return {}
    points = objective_points(records, used)
    ranks = pareto_ranks(points, [direction(o) for o in used])
    return {r.result_id: int(rank) for r, rank in zip(records, ranks, strict=True)}


def rank_by_scenario(records: Iterable[ResultRecord]) -> list[Ranked]:
    """:func:`rank_results` with each scenario's own primary metric and objectives
    (:func:`~tournament.ranking.objectives.primary_metric`) under each set of rules."""
    out: list[Ranked] = []

    def scenario_rules(record: ResultRecord) -> tuple[str, str]:
        return record.scenario, rules_key(record.result.rules)

    for (scenario, _), members in groupby(sorted(records, key=scenario_rules), scenario_rules):
        group = list(members)
        rules = group[0].result.rules
        out += rank_results(
            group,
            primary=primary_metric(scenario, rules),
            objectives=objectives_for(scenario, rules),
        )
    return out
