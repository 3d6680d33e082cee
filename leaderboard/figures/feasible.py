"""The Recommend page's feasible-set chart: valid results on p99 latency x the objective's
figure, each marked as within every budget or not, with the budget lines.

Within budget means what :func:`tournament.rounds.recommend.recommend_among` keeps: quality
ratio at least the minimum, p99 (point estimate) at most the p99 budget, and, here, cost at
most the cost budget; figures in their shown units (:mod:`leaderboard.metrics`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from leaderboard.metrics import label, shown
from tournament.rounds.recommend import OBJECTIVES

if TYPE_CHECKING:
    import pandas as pd

    from leaderboard.recommend import Constraints
    from tournament.store import ResultRecord

P99, COST = "latency_p99_ms", "cost_usd_per_million"


@dataclass(frozen=True)
class FeasiblePoint:
    """One valid result: its id, entry, p99, objective value and whether it meets the budgets."""

    result_id: int
    entry: str
    p99_ms: float
    value: float
    feasible: bool


@dataclass(frozen=True)
class FeasibleSet:
    """The chart's points and lines: ``y`` is the objective's metric; ``x_budget`` the p99
    budget, ``y_budget`` the cost budget when ``y`` is the cost (else None); ``best`` the
    recommended result's id (None: none)."""

    y: str
    x_label: str
    y_label: str
    points: list[FeasiblePoint]
    x_budget: float | None
    y_budget: float | None
    best: int | None

    @property
    def feasible(self) -> int:
        """How many points meet every budget."""
        return sum(p.feasible for p in self.points)


def feasible_set(frame: pd.DataFrame, c: Constraints, best: ResultRecord | None) -> FeasibleSet:
    """The valid results of ``frame`` (one rules group) that have a p99 and the objective."""
    y = OBJECTIVES[c.objective]
    points = []
    for row in frame[frame["valid"]].to_dict("records"):
        p99, value = _number(row.get(P99)), _number(shown(y, row.get(y)))
        if p99 is None or value is None:
            continue
        points.append(FeasiblePoint(int(row["result_id"]), str(row["entry"]), p99, value,
                                    _meets(row, c)))  # fmt: skip
    cost_budget = c.max_cost_usd_per_million if y == COST else None
    return FeasibleSet(
        y=y,
        x_label=label(P99),
        y_label=label(y),
        points=points,
        x_budget=c.max_p99_ms,
        y_budget=cost_budget,
        best=None if best is None else best.result_id,
    )


def _meets(row: dict[str, Any], c: Constraints) -> bool:
    ratio = _number(row.get("quality_ratio"))
    checks = [ratio is not None and ratio >= c.min_quality_ratio]
    if c.max_p99_ms is not None:
        p99 = _number(row.get(P99))
        checks.append(p99 is not None and p99 <= c.max_p99_ms)
    if c.max_cost_usd_per_million is not None:
        cost = _number(row.get(COST))
        checks.append(cost is not None and cost <= c.max_cost_usd_per_million)
    return all(checks)


def _number(value: Any) -> float | None:
    if value is None or not isinstance(value, int | float) or value != value:
        return None
    return float(value)
