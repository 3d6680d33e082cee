"""Ranking: tie groups by confidence intervals, Pareto ranks, hypervolume, ranking tables.

Pure functions of result records (:class:`~tournament.store.records.ResultRecord`); nothing
here reads or writes the store. Directions come from the metric table
(:data:`tournament.results.METRICS`), primary metrics from the scenarios.
"""

from __future__ import annotations

from tournament.ranking.hypervolume import REFERENCE, hypervolume, reference_point
from tournament.ranking.objectives import (
    SECONDARY_OBJECTIVES,
    direction,
    objective,
    objectives_for,
    primary_metric,
)
from tournament.ranking.pareto import frontier_steps, pareto_front_mask, pareto_ranks
from tournament.ranking.table import Ranked, rank_by_scenario, rank_results
from tournament.ranking.ties import tie_groups

__all__ = [
    "REFERENCE",
    "SECONDARY_OBJECTIVES",
    "Ranked",
    "direction",
    "frontier_steps",
    "hypervolume",
    "objective",
    "objectives_for",
    "pareto_front_mask",
    "pareto_ranks",
    "primary_metric",
    "rank_by_scenario",
    "rank_results",
    "reference_point",
    "tie_groups",
]
