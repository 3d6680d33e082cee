"""A closed round's official standings, as stored in its ranking when it closed.

The ranking (:func:`tournament.rounds.standings.compute_ranking`) holds one group per workload x
scenario x machine x accuracy class, each with its entries (one representative result per
entry), ranks, ties, Pareto ranks and gate reasons. This module flattens it into the table the
leaderboard shows; it recomputes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from leaderboard.filters import Filters
from leaderboard.metrics import label
from leaderboard.table import INVALID_BADGE, VALID_BADGE

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


COLUMNS = [
    "frontier", "rank", "tie group", "Pareto rank", "gate", "entry", "configuration",
    "ranked on", "value", "95% CI", "p50 ms", "p99 ms", "samples/s", "quality",
    "J/query", "USD/M samples", "results", "result",
]  # fmt: skip


def _row(group: dict[str, Any], e: dict[str, Any]) -> dict[str, Any]:
    gate = VALID_BADGE if e.get("valid") else f"{INVALID_BADGE}: {e.get('invalid_reason') or '?'}"
    primary = str(group.get("primary", ""))
    low, high = e.get("ci_low"), e.get("ci_high")
    return {
        "frontier": group.get("frontier"),
        "rank": e.get("rank"),
        "tie group": f"{e['rank']} (tied)" if e.get("tied") else "",
        "Pareto rank": e.get("pareto_rank"),
        "gate": gate,
        "entry": f"{e.get('team')}/{e.get('name')}",
        "configuration": f"{group.get('workload')}/{e.get('variant')} {e.get('runtime')} "
        f"{e.get('quantization')} b{e.get('batch_size')} @{group.get('machine')}",
        "ranked on": label(primary),
        "value": e.get("value"),
        "95% CI": "" if low is None or high is None else f"[{low:.4g}, {high:.4g}]",
        "p50 ms": e.get("latency_p50_ms"),
        "p99 ms": e.get("latency_p99_ms"),
        "samples/s": e.get("throughput_sps"),
        "quality": e.get("quality"),
        "J/query": e.get("energy_j_per_query"),
        "USD/M samples": e.get("cost_usd_per_million"),
        "results": e.get("results", 1),
        "result": e.get("result_id"),
    }
