"""The round leaderboard table: ranks, tie groups and Pareto ranks, and what is shown of them.

A row is a result: the runs of one configuration x scenario x machine x rules aggregated
(``runs``; intervals over the runs from 2 runs on). Ranking is :mod:`tournament.ranking`, on
the rows' records: within each (rules group, workload, scenario, machine), valid results are
ranked on a primary metric with its 95% CI (overlapping CIs tie), and sorted into Pareto
fronts; results of different rules (:mod:`leaderboard.rules`) are never ranked together. Each
scenario's own primary metric and objectives come from the scenario
(:meth:`tournament.harness.Scenario.primary_metric`). Invalid results (failed gate,
contended, insufficient primary metric...) are listed, unranked, with their reasons.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import groupby
from typing import TYPE_CHECKING, Any

from leaderboard.metrics import FEW, power_source_label
from leaderboard.rules import KEY_COLUMN

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
    order (by rules group, most rows first, then workload, scenario and machine, then rank;
    unranked rows last in each group). Rows of different rules groups are ranked apart.

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

    out: list[Ranked] = []
    sizes = frame[KEY_COLUMN].value_counts(sort=False)
    for key in sorted(sizes.index, key=lambda k: (-int(sizes[k]), str(k))):
        ids = frame.loc[frame[KEY_COLUMN] == key, "result_id"]
        chosen = [records[int(i)] for i in ids]
        if primary == BY_SCENARIO:
            out += _by_scenario(chosen, target_ratio)
        else:
            out += rank_results(chosen, primary=primary, target_ratio=target_ratio)
    ranks = pd.DataFrame(
        [(r.result_id, r.rank, r.tied, r.pareto_rank) for r in out],
        columns=["result_id", "rank", "tied", "pareto_rank"],
    )
    table = ranks.merge(frame, on="result_id", how="left", validate="one_to_one")
    keys = [KEY_COLUMN, "workload", "scenario", "machine", "rank"]
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
    """Each row's 95 % interval of ``key``, or :data:`~leaderboard.metrics.FEW` and why when
    the figure lacks evidence."""
    return [
        f"{FEW} {few}" if few else "" if _missing(lo) or _missing(hi) else f"[{lo:.4g}, {hi:.4g}]"
        for lo, hi, few in zip(
            frame[f"{key}_low"], frame[f"{key}_high"], _few(frame, key), strict=True
        )
    ]


def _few(frame: pd.DataFrame, key: str) -> list[str]:
    column = f"{key}_insufficient"
    if column not in frame.columns:
        return [""] * len(frame)
    return ["" if _missing(v) or not v else str(v) for v in frame[column]]


def _value(frame: pd.DataFrame, key: str) -> pd.Series:
    """The figure ``key`` of each row; unknown (None) where it lacks evidence: an
    insufficient figure is never shown as a plain number (its CI column says why)."""
    import pandas as pd

    few = pd.Series([bool(f) for f in _few(frame, key)], index=frame.index, dtype=bool)
    return frame[key].astype(float).mask(few)


def _gate(valid: Any, reasons: Any) -> str:
    if valid:
        return VALID_BADGE
    return f"{INVALID_BADGE}: {reasons}" if isinstance(reasons, str) and reasons else INVALID_BADGE


def _flags(share: Any, drift: Any) -> str:
    """What was measured of the machine's state: others' CPU share, speed index drift."""
    parts = [] if _missing(share) else [f"others {float(share):.0%} CPU"]
    if not _missing(drift):
        parts.append(f"speed drift {float(drift):+.0%}")
    return " · ".join(parts)


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
            "gate": [
                _gate(v, r) for v, r in zip(table["valid"], table["invalid_reasons"], strict=True)
            ],
            "entry": table["entry"],
            "runs": table["runs"].astype(int),
            "p50 ms": _value(table, "latency_p50_ms"),
            "p50 95% CI": _with_ci(table, "latency_p50_ms"),
            "p99 ms": _value(table, "latency_p99_ms"),
            "p99 95% CI": _with_ci(table, "latency_p99_ms"),
            "samples/s": _value(table, "throughput_sps"),
            "samples/s 95% CI": _with_ci(table, "throughput_sps"),
            "interval": table["interval"],
            "quality": table["quality"],
            "quality / fp32": table["quality_ratio"],
            "J/query": table["energy_j_per_query"],
            "energy source": [power_source_label(s) for s in table["power_source"]],
            "USD/M samples": table["cost_usd_per_million"],
            "contention / drift": [
                _flags(c, d) for c, d in zip(table["contention"], table["speed_drift"], strict=True)
            ],
            "configuration": table["configuration"],
            "scenario": table["scenario"],
            "round": table["round_name"].replace("", "-"),
            "league": table["origin"],
            "rules": table["rules_label"],
            "result": table["result_id"],
        }
    )
    return shown.reset_index(drop=True)


def to_csv(shown: pd.DataFrame) -> bytes:
    """The shown table as UTF-8 CSV."""
    return shown.to_csv(index=False).encode("utf-8")
