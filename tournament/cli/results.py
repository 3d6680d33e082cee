"""``tourney results``: stored results as a table, CSV or JSON."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from tournament.cli.app import console, fail

JSON_KEYS = (
    "result_id",
    "team",
    "name",
    "workload",
    "variant",
    "runtime",
    "quantization",
    "batch_size",
    "scenario",
    "machine",
    "round_name",
    "origin",
    "latency_p50_ms",
    "latency_p50_ci_low_ms",
    "latency_p50_ci_high_ms",
    "latency_p90_ms",
    "latency_p90_ci_low_ms",
    "latency_p90_ci_high_ms",
    "latency_p99_ms",
    "latency_p99_ci_low_ms",
    "latency_p99_ci_high_ms",
    "throughput_sps",
    "throughput_ci_low_sps",
    "throughput_ci_high_sps",
    "quality",
    "quality_metric",
    "reference_quality",
    "target_ratio",
    "valid",
    "gflops_per_s",
    "model_size_mb",
    "peak_rss_mb",
    "energy_j_per_query",
    "avg_power_w",
    "power_source",
    "cost_usd_per_million",
    "energy_cost_usd_per_million",
    "price_usd_per_hour",
    "roofline_fraction",
    "artifact_sha256",
    "config_hash",
    "queries",
    "duration_s",
    "min_rules_met",
    "created_at",
)


def _ci(row: dict[str, Any], key: str, unit: str) -> str:
    lo, hi = row.get(f"{key}_ci_low_{unit}"), row.get(f"{key}_ci_high_{unit}")
    value = row.get(f"{key}_{unit}")
    if value is None:
        return "-"
    return (
        f"{value:.3f} [{lo:.3f}, {hi:.3f}]" if lo is not None and hi is not None else f"{value:.3f}"
    )


def _table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title=f"{len(rows)} results")
    for col in (
        "id",
        "team/name",
        "configuration",
        "scenario",
        "machine",
        "p50 ms [95% CI]",
        "p99 ms [95% CI]",
        "samples/s",
        "quality (fp32 ref)",
        "gate",
        "J/query (source)",
        "$/M queries",
    ):
        table.add_column(col, overflow="fold")
    for r in rows:
        energy = r.get("energy_j_per_query")
        cost = r.get("cost_usd_per_million")
        table.add_row(
            str(r["result_id"]),
            f"{r['team']}/{r['name']}",
            f"{r['workload']}/{r['variant']} {r['runtime']} {r['quantization']} b{r['batch_size']}",
            r["scenario"],
            r["machine"],
            _ci(r, "latency_p50", "ms"),
            _ci(r, "latency_p99", "ms"),
            f"{r['throughput_sps']:.1f}",
            f"{r['quality']:.4f} ({r['reference_quality']:.4f})",
            "[green]VALID[/]" if r["valid"] else "[red]INVALID[/]",
            f"{energy:.4g} ({r.get('power_source')})" if energy is not None else "-",
            f"{cost:.4g}" if cost is not None else "-",
        )
    return table


def _jsonable(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def reprice(store: Any, rows: list[dict[str, Any]], prices: Path) -> list[dict[str, Any]]:
    """Rows with costs recomputed from their stored inputs under a price table."""
    from hardware.prices import load_price_table
    from tournament.store.results import COST_FIELDS

    table = load_price_table(prices)
    specs = {m["id"]: {**m["spec"], "id": m["id"]} for m in store.machines()}
    out = []
    for row in rows:
        spec = specs.get(row["machine"]) or {
            "id": row["machine"],
            "price_usd_per_hour": row.get("price_usd_per_hour") or 0.0,
            "tariff_usd_per_kwh": row.get("tariff_usd_per_kwh") or 0.0,
        }
        costs = table.costs_for(row, spec)
        out.append({**row, **{k: v for k, v in costs.items() if k in COST_FIELDS}})
    return out


def results_cmd(
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
    workload: str | None = typer.Option(None, help="Only this workload."),
    scenario: str | None = typer.Option(None, help="Only this scenario."),
    machine: str | None = typer.Option(None, help="Only this machine."),
    round_name: str | None = typer.Option(None, "--round", help="Only this round."),
    valid_only: bool = typer.Option(False, "--valid", help="Only results that pass the gate."),
    prices: Path | None = typer.Option(
        None,
        "--prices",
        help="Price table YAML: recompute costs from stored inputs without re-measuring.",
    ),
) -> None:
    """Show stored results: latency percentiles with 95% CIs, throughput, quality, gate, cost."""
    from tournament.store import Store

    if fmt not in {"table", "csv", "json"}:
        fail([f"format: expected table, csv or json, got {fmt!r}."])
    store = Store()
    rows = store.results(
        workload=workload,
        scenario=scenario,
        machine=machine,
        round_name=round_name,
        valid=True if valid_only else None,
    )
    if prices is not None:
        rows = reprice(store, rows, prices)
    out = [{k: _jsonable(r.get(k)) for k in JSON_KEYS} for r in rows]
    if fmt == "json":
        json.dump(out, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(JSON_KEYS))
        writer.writeheader()
        writer.writerows(out)
    else:
        console.print(_table(rows))


def register(app: typer.Typer) -> None:
    app.command("results")(results_cmd)
