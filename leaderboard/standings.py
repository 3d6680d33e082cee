"""A closed round's official standings, as stored in its ranking when it closed.

The ranking (:func:`tournament.rounds.standings.compute_ranking`) holds one group per workload x
scenario x machine x accuracy class, each with its entries (one representative result per
entry), ranks, ties, Pareto ranks and gate reasons. This module flattens it into the table the
leaderboard shows; it recomputes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from leaderboard.filters import Filters
from leaderboard.metrics import BY_NAME, ci_text, label, metric, shown
from leaderboard.table import INVALID_BADGE, VALID_BADGE, entry_link, significant

if TYPE_CHECKING:
    import pandas as pd


def has_standings(ranking: dict[str, Any] | None) -> bool:
    """Whether a stored ranking carries per-group standings."""
    return bool(ranking) and isinstance(ranking.get("groups"), list)  # type: ignore[union-attr]


def _keep(group: dict[str, Any], filters: Filters) -> bool:
    checks = (
        (filters.workload, group.get("workload")),
        (filters.scenario, group.get("scenario")),
        (filters.machine, group.get("machine")),
    )
    if any(wanted is not None and wanted != actual for wanted, actual in checks):
        return False
    ratio = group.get("target_ratio")
    return (
        filters.accuracy_class is None
        or ratio is None
        or abs(ratio - filters.accuracy_class) < 1e-9
    )


def standings_table(ranking: dict[str, Any], filters: Filters) -> pd.DataFrame:
    """One row per entry of each group the filters keep, in stored order.

    The league filter does not apply (standings list entries, not who entered them); a class
    filter keeps the groups of that target ratio.
    """
    import pandas as pd

    rows = [
        _row(group, entry)
        for group in ranking.get("groups", [])
        if _keep(group, filters)
        for entry in group.get("entries", [])
        if not filters.valid_only or entry.get("valid")
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


STANDING_FIGURES = (
    "latency_p50_ms",
    "latency_p99_ms",
    "throughput_sps",
    "quality_ratio",
    "energy_j_per_sample",
    "cost_usd_per_million",
)
"""The figures of each standings row after the ranked-on one, per *sample* for energy and
cost, labelled and scaled as the metric table and :mod:`leaderboard.metrics` say."""

COLUMNS = [
    "rank", "entry", "ranked on", "figure", "95% CI", "gate", "tie group", "Pareto rank",
    *(label(k) for k in STANDING_FIGURES), "quality", "configuration", "frontier", "results",
    "result",
]  # fmt: skip


def _row(group: dict[str, Any], e: dict[str, Any]) -> dict[str, Any]:
    gate = VALID_BADGE if e.get("valid") else f"{INVALID_BADGE}: {e.get('invalid_reason') or '?'}"
    primary = str(group.get("primary", ""))
    known = primary in BY_NAME
    row = {
        "rank": e.get("rank"),
        "entry": f"{e.get('team')}/{e.get('name')}",
        "ranked on": label(primary),
        "figure": significant(shown(primary, e.get("value"))) if known else e.get("value"),
        "95% CI": ci_text(primary, e.get("ci_low"), e.get("ci_high")) if known else "",
        "gate": gate,
        "tie group": f"{e['rank']} (tied)" if e.get("tied") else "",
        "Pareto rank": e.get("pareto_rank"),
    }
    for key in STANDING_FIGURES:
        row[label(key)] = significant(shown(key, e.get(key)), metric(key).digits)
    row |= {
        "quality": significant(e.get("quality")),
        "configuration": f"{e.get('variant')} {e.get('runtime')} {e.get('quantization')} "
        f"b{e.get('batch_size')}",
        "frontier": group.get("frontier"),
        "results": e.get("results", 1),
        "result": None if e.get("result_id") is None else entry_link(e["result_id"]),
    }
    return row
