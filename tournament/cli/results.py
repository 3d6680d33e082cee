"""``tourney results``: stored results as a table, CSV or JSON.

Every column comes from the store's flat form (:func:`~tournament.store.records.flat_row`,
itself derived from the metric table): the CSV holds all of :data:`FLAT_COLUMNS`, the table a
few identity columns and :data:`TABLE_METRICS`, the JSON every figure with its interval, unit,
provenance and method. An unknown figure is ``—`` in the table, empty in the CSV and ``null``
in the JSON, never 0.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from tournament.cli.app import console, fail, open_reader
from tournament.results import METRICS, Estimate, Provenance, metric
from tournament.store.contract import StoreReader
from tournament.store.records import FLAT_COLUMNS, IDENTITY_COLUMNS, ResultRecord, flat_row

TABLE_METRICS = (
    "latency_p50_ms",
    "latency_p99_ms",
    "throughput_sps",
    "energy_j_per_sample",
    "cost_usd_per_million",
)
"""The metrics the table shows (every metric is in the CSV and the JSON)."""
ESTIMATED_MARK = "≈"
INSUFFICIENT_MARK = " (few)"
"""After a percentile with fewer queries than MLPerf's early-stopping rule asks for."""


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _figure_json(estimate: Estimate | None) -> dict[str, Any] | None:
    if estimate is None:
        return None
    return {
        "value": estimate.value,
        "low": estimate.ci_low,
        "high": estimate.ci_high,
        "interval": estimate.interval.value if estimate.interval else None,
        "unit": estimate.unit,
        "provenance": estimate.provenance.value,
        "method": estimate.method,
        "insufficient": estimate.insufficient or None,
    }


def latency_of(record: ResultRecord) -> str:
    """What the record's latencies are the latency of (``query``, ``batch of 32 samples``)."""
    from tournament import harness
    from tournament.errors import UserError

    try:
        return harness.get(record.scenario).query_unit(record.result.batch_size)
    except (LookupError, UserError):
        return "query"


def record_json(record: ResultRecord) -> dict[str, Any]:
    """One result as JSON: the identity columns of :func:`flat_row`, its rules and pricing,
    and every metric of the metric table (``null`` when unknown)."""
    row = flat_row(record)
    result = record.result
    data: dict[str, Any] = {k: _plain(row[k]) for k in IDENTITY_COLUMNS}
    data["result_ids"] = list(record.result_ids) or [record.result_id]
    data["contention"] = result.extra.get("contention")
    data["latency_of"] = latency_of(record)
    data["speed_index"] = result.extra.get("speed_index")
    data["isolation"] = result.extra.get("isolation")
    data["invalid_reasons"] = result.invalid_reasons()
    data["shared_with"] = [other.label for other in record.shared_with]
    data["rules"] = dict(result.rules)
    data["pricing"] = result.pricing.to_dict() if result.pricing else None
    data["roofline"] = result.extra.get("roofline")
    data["artifact_sha256"] = result.artifact.sha256
    data["figures"] = {m.name: _figure_json(result.figure(m.name)) for m in METRICS}
    return data


def _figure_cell(estimate: Estimate | None, name: str) -> Text:
    m = metric(name)
    if estimate is None:
        return Text(m.format(None), style="dim")
    mark = ESTIMATED_MARK if estimate.provenance is Provenance.ESTIMATED else ""
    text = Text(mark + m.format(estimate.value))
    if estimate.insufficient:
        text.append(INSUFFICIENT_MARK, style="yellow")
    if estimate.has_interval:
        low, high = estimate.bounds()
        text.append(f"\n[{m.format(low)}, {m.format(high)}]", style="dim")
    return text


def _entry_cell(row: dict[str, Any]) -> Text:
    text = Text(row["entry"], style="bold")
    if row.get("shared_with"):
        text.append(f" (shared with {row['shared_with']})", style="dim")
    text.append(f"\n{row['configuration']}")
    runs = row.get("runs", 1)
    text.append(f"\n{row['scenario']}", style="cyan")
    text.append(f" · {runs} run{'s' if runs != 1 else ''}", style="cyan" if runs > 1 else "yellow")
    if row.get("latency_of") and row["latency_of"] != "query":
        text.append(f" · latency per {row['latency_of']}", style="dim")
    share = (row.get("contention") or {}).get("foreign_cpu_share")
    if share is not None:
        text.append(f" · others {share:.0%} CPU", style="dim")
    drift = row.get("speed_drift")
    if drift is not None:
        text.append(f" · speed drift {drift:+.0%}", style="dim")
    return text


def _quality_cell(row: dict[str, Any]) -> Text:
    text = Text(f"{row['quality']:.4g}")
    text.append(f"\nref {row['reference_quality']:.4g}", style="dim")
    return text


def _validity_cell(row: dict[str, Any]) -> Text:
    return Text("VALID", style="green") if row["valid"] else Text("INVALID", style="red")


def results_table(records: Sequence[ResultRecord], *, title: str = "") -> Table:
    """The narrow table: identity, quality, validity and :data:`TABLE_METRICS`."""
    table = Table(
        title=title or f"{len(records)} result{'s' if len(records) != 1 else ''}",
        caption=Text(_caption(records), justify="left"),
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("id")
    table.add_column("entry, configuration, scenario", overflow="fold")
    table.add_column("quality")
    table.add_column("valid")
    for name in TABLE_METRICS:
        table.add_column(metric(name).label, overflow="fold", justify="right", max_width=11)
    for record in records:
        row = flat_row(record)
        row["contention"] = record.result.extra.get("contention") or {}
        row["latency_of"] = latency_of(record)
        if record.result.rules.get("max_speed_drift") is not None:  # shown where judged
            row["speed_drift"] = (record.result.extra.get("speed_index") or {}).get("drift")
        table.add_row(
            str(row["result_id"]),
            _entry_cell(row),
            _quality_cell(row),
            _validity_cell(row),
            *(_figure_cell(record.figure(name), name) for name in TABLE_METRICS),
        )
    return table


def _caption(records: Sequence[ResultRecord]) -> str:
    lines = [
        "[low, high]: 95 % interval, over runs for a result of 2 or more runs, within its one "
        f"run otherwise (--format json: `interval`); {ESTIMATED_MARK}: estimated, not measured "
        f"(--format json gives the method); {INSUFFICIENT_MARK.strip()}: too few queries for this "
        "percentile (MLPerf early stopping); —: unknown; quality: the workload's metric and "
        "its fp32 reference"
    ]
    lines += [
        f"#{r.result_id} invalid: {'; '.join(r.result.invalid_reasons())}"
        for r in records
        if not r.valid
    ]
    return "\n".join(lines)


def reprice(store: StoreReader, records: list[ResultRecord], prices: Path) -> list[ResultRecord]:
    """``records`` with costs recomputed under the price table ``prices`` (nothing written)."""
    from tournament.cost.prices import load_price_table
    from tournament.rounds.standings import repriced

    return repriced(store, records, load_price_table(prices))


def results_cmd(
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
    workload: str | None = typer.Option(None, help="Only this workload."),
    scenario: str | None = typer.Option(None, help="Only this scenario."),
    machine: str | None = typer.Option(None, help="Only this machine."),
    round_name: str | None = typer.Option(None, "--round", help="Only this round."),
    valid_only: bool = typer.Option(
        False, "--valid", help="Only valid results (minimum rules, accuracy gate, scenario rule)."
    ),
    prices: Path | None = typer.Option(
        None,
        "--prices",
        help="Price table YAML: recompute costs from stored figures without re-measuring.",
    ),
    each_run: bool = typer.Option(
        False, "--each-run", help="One row per run instead of per result (runs aggregated)."
    ),
) -> None:
    """Show stored results: latencies and throughput with 95% intervals, quality, validity,
    energy and cost (every figure with --format csv or json). A result aggregates its runs."""
    from tournament.store.aggregates import aggregated

    if fmt not in {"table", "csv", "json"}:
        fail([f"format: expected table, csv or json, got {fmt!r}."])
    store = open_reader()
    records = store.results(
        workload=workload, scenario=scenario, machine=machine, round_name=round_name
    )
    if prices is not None:
        records = reprice(store, records, prices)
    if not each_run:
        records = aggregated(records)
    if valid_only:
        records = [r for r in records if r.valid]
    if fmt == "json":
        json.dump([record_json(r) for r in records], sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(FLAT_COLUMNS))
        writer.writeheader()
        writer.writerows({k: _plain(v) for k, v in flat_row(r).items()} for r in records)
    else:
        console.print(results_table(records))


def register(app: typer.Typer) -> None:
    app.command("results")(results_cmd)
