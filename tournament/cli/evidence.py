"""``tourney reproduce``, ``recommend`` and ``export``: what the stored results say, and the
evidence for it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from tournament.cli.app import (
    BACKEND_HELP,
    checked_backend,
    console,
    echo,
    fail,
    open_reader,
    open_writer,
    plain_row,
)

if TYPE_CHECKING:
    from tournament.results import Estimate, Metric
    from tournament.rounds.recommend import Candidate


def reproduce_cmd(
    result_id: int = typer.Argument(..., help="Result id (`tourney results`)."),
    backend: str = typer.Option("local", help=BACKEND_HELP),
    ray_address: str | None = typer.Option(None, "--ray-address", help="Existing Ray cluster."),
) -> None:
    """Re-measure a result; print old, new and agreement per figure; store the verification."""
    from tournament.rounds import reproduce

    rep = reproduce(
        open_writer(), result_id, backend=checked_backend(backend), ray_address=ray_address
    )
    if rep.error is not None:
        fail([f"result {result_id}: the reproduction failed: {rep.error.splitlines()[0]}"], 1)
    table = Table(title=f"result #{result_id} reproduced as #{rep.new_result_id}")
    for col in ("figure", "old", "old 95% CI", "new", "agrees", "how"):
        table.add_column(col)
    for figure, c in rep.figures.items():
        ci = c.get("old_ci")
        plain_row(
            table,
            figure,
            _num(c["old"]),
            f"[{_num(ci[0])}, {_num(ci[1])}]" if ci else "-",
            _num(c["new"]),
            {True: "yes", False: "NO", None: "-"}[c["agrees"]],
            c["how"],
        )
    console.print(table)
    for warning in rep.warnings:
        echo(f"warning: {warning}")
    echo(
        f"result {result_id}: {'agrees' if rep.agrees else 'DOES NOT agree'} "
        f"(reproduction #{rep.reproduction_id} stored)"
    )
    if not rep.agrees:
        raise typer.Exit(1)


def _num(value: Any) -> str:
    return "-" if value is None else f"{value:.5g}"


def recommend_cmd(
    workload: str = typer.Option(..., help="Workload to serve."),
    scenario: str | None = typer.Option(None, help="Only this scenario."),
    machine: str | None = typer.Option(None, help="Only this machine."),
    max_p99_ms: float | None = typer.Option(None, "--max-p99-ms", help="p99 latency budget."),
    min_quality_ratio: float | None = typer.Option(
        None, "--min-quality-ratio", help="Least quality / fp32 reference."
    ),
    objective: str = typer.Option("cost", help="cost, latency, energy or throughput."),
) -> None:
    """The best valid stored configuration under constraints, with evidence; exit 1 if none."""
    from tournament.rounds import recommend

    answer = recommend(
        open_reader(),
        workload=workload,
        scenario=scenario,
        machine=machine,
        max_p99_ms=max_p99_ms,
        min_quality_ratio=min_quality_ratio,
        objective=objective,
    )
    if answer.best is None:
        fail([f"recommend: no configuration qualifies ({'; '.join(answer.reasons)})."], 1)
    assert answer.best is not None
    echo("; ".join(answer.reasons) + f"; {answer.candidates} configurations qualify")
    echo("best: " + _evidence(answer.best, answer.metric))
    if answer.runner_up is not None:
        verdict = "tied with the best (95 % CIs overlap)" if answer.tied else "clearly behind"
        echo(f"runner-up ({verdict}): " + _evidence(answer.runner_up, answer.metric))


def _evidence(candidate: Candidate, name: str) -> str:
    from tournament.results import metric

    record = candidate.record
    entry = record.entry
    quality = record.result.quality
    return (
        f"{entry.label} ({entry.configuration}, {record.scenario}): "
        f"{_estimate(record.figure(name), metric(name))}, "
        f"p99 {_estimate(record.figure('latency_p99_ms'), metric('latency_p99_ms'))}, "
        f"{quality.label or quality.metric} {quality.value:.4f} "
        f"(reference {quality.reference:.4f}); "
        f"result #{record.result_id} (aggregate of {candidate.results} run(s) of it)"
    )


def _estimate(estimate: Estimate | None, m: Metric) -> str:
    """``label value [low, high]`` of a figure (``—`` when unknown)."""
    if estimate is None:
        return f"{m.label} {m.format(None)}"
    text = f"{m.label} {m.format(estimate.value)}"
    if estimate.has_interval:
        text += f" [{m.format(estimate.ci_low)}, {m.format(estimate.ci_high)}]"
    if estimate.provenance.value == "estimated":
        text += " (estimate)"
    return text


def export_cmd(
    round_name: str = typer.Argument(..., help="Round name."),
    fmt: str = typer.Option("csv", "--format", help="csv, parquet or mlperf."),
    output: Path | None = typer.Option(
        None,
        "--output",
        help="File (csv, parquet) or folder "
        "(mlperf); default ROUND.csv / ROUND.parquet / "
        "ROUND-mlperf.",
    ),
) -> None:
    """Export a round's results as CSV, Parquet, or MLPerf-style summaries."""
    from tournament.export import default_output, export_round

    paths = export_round(open_reader(), round_name, fmt, output)
    where = output or default_output(round_name, fmt)
    echo(f"round {round_name}: {len(paths)} file(s) written to {where}")


def register(app: typer.Typer) -> None:
    """Add the top-level ``reproduce``, ``recommend`` and ``export``."""
    app.command("reproduce")(reproduce_cmd)
    app.command("recommend")(recommend_cmd)
    app.command("export")(export_cmd)
