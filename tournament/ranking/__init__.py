"""Ranking: tie groups by confidence intervals, Pareto ranks, hypervolume, ranking tables.

Pure functions of result rows; nothing here reads or writes the store.
"""

from __future__ import annotations

from tournament.ranking.hypervolume import REFERENCE, hypervolume, reference_point
from tournament.ranking.objectives import (
    DIRECTIONS,
    PRIMARY_BY_SCENARIO,
    objectives_for,
    primary_metric,
)
from tournament.ranking.pareto import frontier_steps, pareto_front_mask, pareto_ranks
from tournament.ranking.table import rank_by_scenario, rank_results
from tournament.ranking.ties import tie_groups

__all__ = [
    "DIRECTIONS",
    "PRIMARY_BY_SCENARIO",
    "REFERENCE",
    "frontier_steps",
    "hypervolume",
    "objectives_for",
    "pareto_front_mask",
    "pareto_ranks",
    "primary_metric",
    "rank_by_scenario",
    "rank_results",
    "reference_point",
    "tie_groups",
]
