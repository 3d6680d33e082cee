"""The round leaderboard table: ranks, tie groups and Pareto ranks, and what is shown of them.

Ranking is :mod:`tournament.ranking`: within each (workload, scenario, machine) group, valid
results are ranked on a primary metric with its 95% CI (overlapping CIs tie), and sorted into
Pareto fronts. Invalid results are listed, unranked.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from leaderboard.metrics import METRICS, power_source_label

if TYPE_CHECKING:
    import pandas as pd

BY_SCENARIO = "scenario default"
"""Rank each scenario on its own primary metric (p90 latency single-stream, else throughput)."""

VALID_BADGE = "✓ VALID"
INVALID_BADGE = "✗ INVALID"


RANKING_COLUMNS = (
    "result_id", "workload", "scenario", "machine", "valid", "rules",
    "latency_p50_ms", "latency_p50_ci_low_ms", "latency_p50_ci_high_ms",
    "latency_p90_ms", "latency_p90_ci_low_ms", "latency_p90_ci_high_ms",
    "latency_p99_ms", "latency_p99_ci_low_ms", "latency_p99_ci_high_ms",
    "throughput_sps", "throughput_ci_low_sps", "throughput_ci_high_sps",
    "quality", "energy_j_per_query", "cost_usd_per_million",
)  # fmt: skip
"""What the ranking reads of a row (the rest of the row is joined back by ``result_id``)."""


def ranked(frame: pd.DataFrame, primary: str = BY_SCENARIO) -> pd.DataFrame:
    """``frame`` with ``rank``, ``tied``, ``tie_size`` and ``pareto_rank`` columns, in ranked
    order (by workload, scenario and machine, then rank; unranked rows last in each group).

    Args:
        frame: rows of :func:`leaderboard.data.queries.results_frame` (any subset).
        primary: a metric key, or :data:`BY_SCENARIO` for each scenario's own.

    Raises:
        UserError: ``primary`` is not a rankable metric.
    """
    import pandas as pd

    from tournament.ranking import rank_by_scenario, rank_results

    rows = frame[list(RANKING_COLUMNS)].to_dict("records")
    for row in rows:  # the ranking reads a missing figure as None, not NaN
        for key, value in row.items():
            if isinstance(value, float) and math.isnan(value):
                row[key] = None
    out = rank_by_scenario(rows) if primary == BY_SCENARIO else rank_results(rows, primary=primary)
    ranks = pd.DataFrame(out, columns=["result_id", "rank", "tied", "pareto_rank"])
    table = ranks.merge(frame, on="result_id", how="left", validate="one_to_one")
    keys = ["workload", "scenario", "machine", "rank"]
    table["tie_size"] = table.groupby(keys, dropna=False)["result_id"].transform("size")
    table.loc[table["rank"].isna(), "tie_size"] = 0
    return table


def _with_ci(frame: pd.DataFrame, key: str) -> list[str]:
    ci = METRICS[key].ci
    if ci is None:
        return ["" for _ in range(len(frame))]
    return [
        "" if _missing(lo) or _missing(hi) else f"[{lo:.4g}, {hi:.4g}]"
        for lo, hi in zip(frame[ci[0]], frame[ci[1]], strict=True)
    ]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The columns a reader sees (also what the CSV download holds), in ranked order."""
    import pandas as pd

    rank = table["rank"].astype("Int64")
    shown = pd.DataFrame(
        {
            "rank": rank,
            "tie group": [
                f"{int(r)} ({int(n)} tied)" if t else ""
                for r, n, t in zip(rank.fillna(0), table["tie_size"], table["tied"], strict=True)
            ],
            "Pareto rank": table["pareto_rank"].astype("Int64"),
            "gate": [VALID_BADGE if v else INVALID_BADGE for v in table["valid"]],
            "entry": table["entry"],
            "configuration": table["configuration"],
            "scenario": table["scenario"],
            "round": table["round_name"].replace("", "-"),
            "league": table["origin"],
            "p50 ms": table["latency_p50_ms"],
            "p50 95% CI": _with_ci(table, "latency_p50_ms"),
            "p99 ms": table["latency_p99_ms"],
            "p99 95% CI": _with_ci(table, "latency_p99_ms"),
            "samples/s": table["throughput_sps"],
            "samples/s 95% CI": _with_ci(table, "throughput_sps"),
            "quality": table["quality"],
            "quality / fp32": table["quality_ratio"],
            "J/query": table["energy_j_per_query"],
            "energy source": [power_source_label(s) for s in table["power_source"]],
            "USD/M queries": table["cost_usd_per_million"],
            "result": table["result_id"],
        }
    )
    return shown.reset_index(drop=True)


def to_csv(shown: pd.DataFrame) -> bytes:
    """The shown table as UTF-8 CSV."""
    return shown.to_csv(index=False).encode("utf-8")
