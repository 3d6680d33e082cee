"""The round leaderboard table: ranks, tie groups and Pareto ranks, and what is shown of them.

Ranking is :mod:`tournament.ranking`, on the rows' records: within each (workload, scenario,
machine) group, valid results are ranked on a primary metric with its 95% CI (overlapping CIs
tie), and sorted into Pareto fronts. Each scenario's own primary metric and objectives come from
the scenario (:meth:`tournament.harness.Scenario.primary_metric`). Invalid results are listed,
unranked.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import groupby
from typing import TYPE_CHECKING, Any

from leaderboard.metrics import power_source_label

if TYPE_CHECKING:
    import pandas as pd

    from tournament.ranking import Ranked
    from tournament.store import ResultRecord

BY_SCENARIO = "scenario default"
"""Rank each scenario on its own primary metric (the scenario says which)."""

VALID_BADGE = "✓ VALID"
INVALID_BADGE = "✗ INVALID"


def ranked(
    frame: pd.DataFrame,
    records: Mapping[int, ResultRecord],
    primary: str = BY_SCENARIO,
    *,
    target_ratio: float | None = None,
) -> pd.DataFrame:
    """``frame`` with ``rank``, ``tied``, ``tie_size`` and ``pareto_rank`` columns, in ranked
    order (by workload, scenario and machine, then rank; unranked rows last in each group).

    Args:
        frame: rows of :func:`leaderboard.data.queries.results_frame` (any subset).
        records: the records of those rows (and maybe more), by result id.
        primary: a metric name, or :data:`BY_SCENARIO` for each scenario's own.
        target_ratio: judge validity at this accuracy class (default: each result's own).

    Raises:
        UserError: ``primary`` is not a metric that may be ranked on.
    """
    import pandas as pd

    from tournament.ranking import rank_results

    chosen = [records[int(i)] for i in frame["result_id"]]
    if primary == BY_SCENARIO:
        out = _by_scenario(chosen, target_ratio)
    else:
        out = rank_results(chosen, primary=primary, target_ratio=target_ratio)
    ranks = pd.DataFrame(
        [(r.result_id, r.rank, r.tied, r.pareto_rank) for r in out],
        columns=["result_id", "rank", "tied", "pareto_rank"],
    )
    table = ranks.merge(frame, on="result_id", how="left", validate="one_to_one")
    keys = ["workload", "scenario", "machine", "rank"]
    table["tie_size"] = table.groupby(keys, dropna=False)["result_id"].transform("size")
    table.loc[table["rank"].isna(), "tie_size"] = 0
    return table


def _by_scenario(records: list[ResultRecord], target_ratio: float | None) -> list[Ranked]:
    """Each scenario's records ranked on the scenario's own primary metric and objectives
    (under the rules of its first record)."""
    from tournament import harness
    from tournament.ranking import objectives_for, primary_metric, rank_results

    out: list[Ranked] = []
    by_scenario = sorted(records, key=lambda r: r.scenario)
    for scenario, members in groupby(by_scenario, key=lambda r: r.scenario):
        group = list(members)
        if scenario not in harness.names():  # unregistered: invalid, listed unranked
            out += rank_results(group, target_ratio=target_ratio)
            continue
        rules = group[0].result.rules
        out += rank_results(
            group,
            primary=primary_metric(scenario, rules),
            objectives=objectives_for(scenario, rules),
            target_ratio=target_ratio,
        )
    return out


def _with_ci(frame: pd.DataFrame, key: str) -> list[str]:
    return [
        "" if _missing(lo) or _missing(hi) else f"[{lo:.4g}, {hi:.4g}]"
        for lo, hi in zip(frame[f"{key}_low"], frame[f"{key}_high"], strict=True)
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
            "USD/M samples": table["cost_usd_per_million"],
            "result": table["result_id"],
        }
    )
    return shown.reset_index(drop=True)


def to_csv(shown: pd.DataFrame) -> bytes:
    """The shown table as UTF-8 CSV."""
    return shown.to_csv(index=False).encode("utf-8")
