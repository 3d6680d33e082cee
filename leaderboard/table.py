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
from collections.abc import Iterable, Mapping
from itertools import groupby
from typing import TYPE_CHECKING, Any

from leaderboard.metrics import FEW, ci_text, label, metric, power_source_label, shown
from leaderboard.rules import KEY_COLUMN

if TYPE_CHECKING:
    import pandas as pd

    from tournament.ranking import Ranked
    from tournament.store import MachineRecord, ResultRecord

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
    """``frame`` with ``rank``, ``tied``, ``tie_size``, ``pareto_rank`` and ``ranked_on`` (the
    metric each row is ranked on; None for an unregistered scenario) columns, in ranked
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
    table["ranked_on"] = [
        _primary(scenario, rules) if primary == BY_SCENARIO else primary
        for scenario, rules in zip(table["scenario"], table["rules"], strict=True)
    ]
    keys = [KEY_COLUMN, "workload", "scenario", "machine", "rank"]
    table["tie_size"] = table.groupby(keys, dropna=False)["result_id"].transform("size")
    table.loc[table["rank"].isna(), "tie_size"] = 0
    return table


def _primary(scenario: str, rules: Any) -> str | None:
    """The metric ``scenario``'s results are ranked on under ``rules`` (None: unregistered)."""
    from tournament import harness
    from tournament.ranking import primary_metric

    return primary_metric(scenario, rules) if scenario in harness.names() else None


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


FIGURES = (
    "latency_p50_ms",
    "latency_p90_ms",
    "latency_p99_ms",
    "throughput_sps",
    "quality_ratio",
    "energy_j_per_sample",
    "cost_usd_per_million",
    "energy_cost_usd_per_million",
    "gflops_per_s",
    "roofline_fraction",
    "model_size_mb",
    "peak_rss_mb",
)
"""The figures of every table, in this order, after the ranked-on one: energy and cost per
*sample* (a query of an offline b32 entry holds 32 samples); latencies per query."""

CI_FIGURES = ("latency_p50_ms", "latency_p99_ms", "throughput_sps")
"""Figures whose 95 % interval also has a column of its own (at the right)."""

RANKED_ON, FIGURE, FIGURE_CI = "ranked on", "figure", "95% CI"
IDENTITY = ("rank", "entry")
"""Columns pinned at the left of every table."""


def _with_ci(frame: pd.DataFrame, key: str) -> list[str]:
    """Each row's 95 % interval of ``key`` in its shown unit, or
    :data:`~leaderboard.metrics.FEW` and why when the figure lacks evidence."""
    return [
        f"{FEW} {few}" if few else ci_text(key, lo, hi)
        for lo, hi, few in zip(
            frame[f"{key}_low"], frame[f"{key}_high"], _few(frame, key), strict=True
        )
    ]


def _few(frame: pd.DataFrame, key: str) -> list[str]:
    column = f"{key}_insufficient"
    if column not in frame.columns:
        return [""] * len(frame)
    return ["" if _missing(v) or not v else str(v) for v in frame[column]]


def significant(value: Any, digits: int = 4) -> float | None:
    """``value`` rounded to ``digits`` significant digits, integer digits kept (36285.4 ->
    36285.0, 0.000213456 -> 0.0002135); None when unknown."""
    if _missing(value):
        return None
    number = float(value)
    if number == 0 or not math.isfinite(number):
        return number
    return round(number, max(0, digits - 1 - math.floor(math.log10(abs(number)))))


def _value(frame: pd.DataFrame, key: str) -> list[float | None]:
    """The figure ``key`` of each row in its shown unit, to its significant digits; unknown
    (None) where it lacks evidence: an insufficient figure is never shown as a plain number
    (its CI column says why)."""
    digits = metric(key).digits
    return [
        None if few else significant(shown(key, v), digits)
        for v, few in zip(frame[key], _few(frame, key), strict=True)
    ]


def _ranked_figure(table: pd.DataFrame) -> tuple[list[str], list[float | None], list[str]]:
    """Per row: the label of the metric it is ranked on, its value and its 95 % CI (text)."""
    names: list[str] = []
    values: list[float | None] = []
    cis: list[str] = []
    for _, row in table.iterrows():
        key = row["ranked_on"]
        if not isinstance(key, str) or key not in table.columns:
            names.append("-")
            values.append(None)
            cis.append("")
            continue
        few = row.get(f"{key}_insufficient")
        names.append(label(key))
        if isinstance(few, str) and few:
            values.append(None)
            cis.append(f"{FEW} {few}")
        else:
            values.append(significant(shown(key, row[key]), metric(key).digits))
            cis.append(ci_text(key, row[f"{key}_low"], row[f"{key}_high"]))
    return names, values, cis


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


def short_configuration(row: Mapping[str, Any]) -> str:
    """A configuration in a few words: ``seq32 ort int8-dynamic b8`` (workload, machine and
    team are columns of their own; the full text is in the ``configuration`` column)."""
    runtime = RUNTIME_SHORT.get(str(row["runtime"]), str(row["runtime"]))
    return f"{row['variant']} {runtime} {row['quantization']} b{row['batch_size']}"


RUNTIME_SHORT = {"onnxruntime": "ort", "openvino": "ov"}
"""Short names of the runtimes in :func:`short_configuration` (others as they are)."""


def entry_link(result_id: Any) -> str:
    """The Entry detail page's URL path of a result (a relative link: it opens in the app)."""
    return f"entry?result={int(result_id)}"


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The columns a reader sees (also what the CSV download holds), in ranked order: the
    identity (:data:`IDENTITY`), the ranked-on figure with its 95 % CI, the gate with the
    reason for every invalid row, then every figure of :data:`FIGURES` in the unit a person
    reads (:func:`leaderboard.metrics.label`: the metric table's labels)."""
    import pandas as pd

    rank = table["rank"].astype("Int64")
    names, values, cis = _ranked_figure(table)
    columns: dict[str, Any] = {
        "rank": rank,
        "entry": table["entry"],
        RANKED_ON: names,
        FIGURE: values,
        FIGURE_CI: cis,
        "gate": [
            _gate(v, r) for v, r in zip(table["valid"], table["invalid_reasons"], strict=True)
        ],
        "tie group": [
            f"{int(r)} ({int(n)} tied)" if t else ""
            for r, n, t in zip(rank.fillna(0), table["tie_size"], table["tied"], strict=True)
        ],
        "Pareto rank": table["pareto_rank"].astype("Int64"),
        "runs": table["runs"].astype(int),
        "interval": table["interval"],
    }
    for key in FIGURES:
        columns[label(key)] = _value(table, key)
    rows = table.to_dict("records")
    columns |= {
        "quality": [significant(q) for q in table["quality"]],
        "energy source": [power_source_label(s) for s in table["power_source"]],
        "contention / drift": [
            _flags(c, d) for c, d in zip(table["contention"], table["speed_drift"], strict=True)
        ],
        "configuration": [short_configuration(r) for r in rows],
        "team": table["team"],
        "runtime": table["runtime"],
        "quantization": table["quantization"],
        "batch": table["batch_size"].astype(int),
        "machine": table["machine"],
        "scenario": table["scenario"],
        "round": table["round_name"].replace("", "-"),
        "league": table["origin"],
        "rules": table["rules_label"],
    }
    for key in CI_FIGURES:
        columns[f"{label(key)} 95% CI"] = _with_ci(table, key)
    columns["full configuration"] = table["configuration"]
    columns["result"] = [entry_link(i) for i in table["result_id"]]
    return pd.DataFrame(columns).reset_index(drop=True)


HARDWARE = ("CPU", "cores", "accelerator", "USD/h")
"""The machine-spec columns :func:`with_hardware` adds (from ``tourney machines``' specs)."""


def hardware_rows(machines: Iterable[MachineRecord]) -> dict[str, dict[str, Any]]:
    """Per machine id, the :data:`HARDWARE` columns of its registered spec; unknown is None,
    never 0 (``USD/h`` None: no price was given)."""
    out: dict[str, dict[str, Any]] = {}
    for m in machines:
        spec = dict(m.spec or {})
        gpus = spec.get("gpus") or []
        names = [str(g.get("name", "?")) if isinstance(g, Mapping) else str(g) for g in gpus]
        out[m.id] = {
            "CPU": spec.get("cpu_model"),
            "cores": spec.get("cpu_cores"),
            "accelerator": ", ".join(names) if names else "none",
            "USD/h": m.price_usd_per_hour,
        }
    return out


def with_hardware(shown: pd.DataFrame, machines: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """``shown`` (a :func:`display_table`) with the :data:`HARDWARE` columns of each row's
    machine inserted after ``machine``; a machine that is not registered gets None."""
    out = shown.copy()
    at = list(out.columns).index("machine") + 1
    for offset, column in enumerate(HARDWARE):
        values = [(machines.get(str(m)) or {}).get(column) for m in out["machine"]]
        out.insert(at + offset, column, values)
    return out


def result_ids(shown: pd.DataFrame) -> list[int]:
    """The result ids of a shown table's rows, in order (from its ``result`` links)."""
    return [int(str(link).rsplit("=", 1)[1]) for link in shown["result"]]


def to_csv(shown: pd.DataFrame) -> bytes:
    """The shown table as UTF-8 CSV."""
    return shown.to_csv(index=False).encode("utf-8")
