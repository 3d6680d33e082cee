"""The Rounds page: one line per round, and hypervolume across rounds.

A round's stored ranking (JSON written when it closes, see
:func:`tournament.rounds.standings.compute_ranking`) carries one hypervolume per frontier
(``{"hypervolume": {"digits-cnn/single-stream/local/99": 0.42, ...}}``); a single number
(``{"hypervolume": 0.42}``) is read too. Each frontier has its own reference point, so values
compare across rounds, not across frontiers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

OVERALL = "round"


@dataclass(frozen=True)
class HypervolumeSeries:
    """Hypervolume of each ranked round (x) per frontier name (one line each)."""

    rounds: list[str]
    lines: dict[str, list[float | None]]

    @property
    def points(self) -> int:
        """How many (round, frontier) values there are to draw."""
        return sum(v is not None for values in self.lines.values() for v in values)

    @property
    def log_scale(self) -> bool:
        """Whether the values span more than two decades (then a log axis shows them all)."""
        values = [v for line in self.lines.values() for v in line if v is not None and v > 0]
        return bool(values) and max(values) / min(values) > 100


def round_hypervolumes(ranking: dict[str, Any] | None) -> dict[str, float]:
    """The hypervolume(s) a stored ranking records, by frontier; empty when it has none."""
    value = (ranking or {}).get("hypervolume")
    if isinstance(value, int | float) and _number(value):
        return {OVERALL: float(value)}
    if isinstance(value, dict):
        return {str(k): float(v) for k, v in value.items() if _number(v)}
    return {}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def rounds_table(rounds: pd.DataFrame) -> pd.DataFrame:
    """What the Rounds page lists: status, schedule, dates, entries, results, hypervolume."""
    import pandas as pd

    table = pd.DataFrame(
        {
            "round": rounds["name"],
            "status": rounds["status"],
            "schedule": rounds["schedule"].fillna("manual"),
            "opened": rounds["opened_at"],
            "closed": rounds["closed_at"],
            "entries": rounds["entries"],
            "results": rounds["results"],
            "hypervolume": [_summary(round_hypervolumes(r)) for r in rounds["ranking"]],
        }
    )
    return table.reset_index(drop=True)


def _summary(values: dict[str, float]) -> str:
    if not values:
        return "-"
    if len(values) == 1:
        return f"{next(iter(values.values())):.4g}"
    return f"{len(values)} frontiers"


def hypervolume_table(rounds: pd.DataFrame) -> pd.DataFrame:
    """One row per (round, frontier) with a stored hypervolume, in round order."""
    import pandas as pd

    rows = [
        {"round": name, "frontier": frontier, "hypervolume": value}
        for name, ranking in zip(rounds["name"], rounds["ranking"], strict=True)
        for frontier, value in sorted(round_hypervolumes(ranking).items())
    ]
    return pd.DataFrame(rows, columns=["round", "frontier", "hypervolume"])


def hypervolume_across_rounds(rounds: pd.DataFrame) -> HypervolumeSeries:
    """Hypervolume per frontier over the rounds that recorded one, in round order."""
    per_round = [
        (name, round_hypervolumes(ranking))
        for name, ranking in zip(rounds["name"], rounds["ranking"], strict=True)
    ]
    per_round = [(name, values) for name, values in per_round if values]
    keys = sorted({k for _, values in per_round for k in values})
    lines = {k: [values.get(k) for _, values in per_round] for k in keys}
    return HypervolumeSeries([name for name, _ in per_round], lines)
