"""``tourney round ...``, ``scheduler``, ``reproduce``, ``recommend`` and ``export``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table
from rich.text import Text

from tournament.cli.app import console, fail

if TYPE_CHECKING:
    from tournament.results import Estimate, Metric
    from tournament.rounds.recommend import Candidate
    from tournament.store.contract import StoreReader, StoreWriter

round_app = typer.Typer(
    help="Tournament rounds: create, open, run, close, rank.", no_args_is_help=True
)
BACKEND_HELP = "ray (embedded local cluster, or --ray-address) or local (subprocesses)."


def _store() -> StoreWriter:
    from tournament.store import Store

    return Store()


def _known_machines(store: StoreReader) -> list[str]:
    return sorted({"local", *(m.id for m in store.machines())})


def _backend(backend: str) -> str:
    if backend not in {"ray", "local"}:
        fail([f"backend: expected 'ray' or 'local', got {backend!r}."])
    return backend


def _echo(text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


@round_app.command("create")
def create_cmd(file: Path = typer.Argument(..., help="Round spec (YAML or JSON).")) -> None:
    """Validate a round spec and store it as a draft (a draft's spec may be replaced)."""
    from tournament.rounds import create_round, load_round_spec

    store = _store()
    spec = load_round_spec(file, _known_machines(store))
    state = create_round(store, spec)
    _echo(
        f"round {spec.name}: {state} (draft; open it with `tourney round open {spec.name}`)"
        if state != "unchanged"
        else f"round {spec.name}: unchanged"
    )


@round_app.command("open")
def open_cmd(name: str = typer.Argument(..., help="Round name.")) -> None:
    """Open a draft round: freeze its spec and start taking entries."""
    from tournament.rounds import open_round, require_round

    store = _store()
    open_round(store, name)
    sha = require_round(store, name).spec_sha256
    _echo(f"round {name}: open (spec sha256 {sha[:12]} frozen)")


@round_app.command("submit")
def submit_cmd(
    name: str = typer.Argument(..., help="Round name."),
    files: list[Path] = typer.Argument(..., help="Submission files."),
) -> None:
    """Enter submissions in an open round (all or nothing; resubmitting is idempotent)."""
    from tournament.cli.submissions import entry_identity_problems, sharing_note
    from tournament.errors import UserError
    from tournament.rounds import require_round, submit_to_round
    from tournament.rounds.entries import check_entry
    from tournament.rounds.load import stored_spec
    from tournament.schema.validate import load_submission

    store = _store()
    spec = stored_spec(require_round(store, name))
    subs, problems = [], []
    for path in files:
        try:
            sub = load_submission(path, _known_machines(store))
            problems += [f"{path}: {p}" for p in check_entry(spec, sub)]
            subs.append((path, sub))
        except UserError as exc:
            problems += exc.problems
    if not problems:
        problems = entry_identity_problems(store, name, subs)
    if problems:
        fail(problems)
    for path, sub in subs:
        sub_id, created = submit_to_round(store, name, sub, source_file=str(path))
        shared = sharing_note(store, name, sub_id, sub.config_hash)
        _echo(
            f"{path}: {'entered' if created else 'already entered'} in round {name} as "
            f"#{sub_id} (config {sub.config_hash[:12]}{shared})"
        )


@round_app.command("run")
def run_cmd(
    name: str = typer.Argument(..., help="Round name."),
    backend: str = typer.Option("ray", help=BACKEND_HELP),
    ray_address: str | None = typer.Option(None, "--ray-address", help="Existing Ray cluster."),
    machine_wait_s: float = typer.Option(
        60.0,
        "--machine-wait",
        help="Seconds to wait for a machine's worker before failing its runs.",
    ),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Queue failed runs again."),
) -> None:
    """Measure every entry under every scenario of the round; resumable after any stop."""
    from tournament.rounds import run_round

    summary = run_round(
        _store(),
        name,
        backend=_backend(backend),
        ray_address=ray_address,
        machine_wait_s=machine_wait_s,
        console=console,
        retry_failed=retry_failed,
    )
    _echo(
        f"round {name}: {len(summary.done)} done, {len(summary.failed)} failed, "
        f"{summary.pending} still queued"
    )
    for run_id, error in summary.failed.items():
        _echo(f"run #{run_id} failed: {error.splitlines()[0]}")
    if summary.interrupted:
        raise typer.Exit(130)
    if summary.failed:
        raise typer.Exit(1)


@round_app.command("close")
def close_cmd(name: str = typer.Argument(..., help="Round name.")) -> None:
    """Close the round: freeze its results, compute and store the ranking."""
    from tournament.rounds import close_round

    store = _store()
    ranking = close_round(store, name)
    _echo(f"round {name}: closed; ranking stored ({len(ranking['groups'])} groups)")
    for group in ranking["groups"]:
        console.print(_ranking_table(group))


@round_app.command("status")
def status_cmd(
    name: str = typer.Argument(..., help="Round name."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Status, schedule, entries, runs by status, hypervolume and ranking of a round."""
    from tournament.rounds import round_status

    status = round_status(_store(), name)
    if as_json:
        json.dump(status, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
        return
    _echo(
        f"round {name}: {status['status']} ({status['division']} division), spec sha256 "
        f"{status['spec_sha256'][:12]}"
    )
    _echo(
        f"opens {_when(status['opens_at'])}, closes {_when(status['closes_at'])}"
        + (f", cron {status['schedule']}" if status["schedule"] else "")
    )
    _echo(
        f"entries: {len(status['entries'])}; results: {status['results']}; runs: "
        + ", ".join(f"{k} {v}" for k, v in status["runs"].items() if v)
    )
    if status["lease"]:
        _echo(f"lease: {status['lease']['owner']} until {status['lease']['expires_at']}")
    label = " (provisional)" if status["provisional"] else ""
    for frontier, volume in status["hypervolume"].items():
        _echo(f"hypervolume{label} {frontier}: {volume:.6g}")
    for group in status["groups"]:
        console.print(_ranking_table(group))


def _add_row(table: Table, *cells: str) -> None:
    """A table row of plain text (no rich markup: reasons and errors may contain brackets)."""
    table.add_row(*(Text(cell) for cell in cells))


def _when(value: Any) -> str:
    return "manually" if value is None else f"{value:%Y-%m-%d %H:%M} UTC"


def _ranking_table(group: dict[str, Any]) -> Table:
    from tournament.results import metric

    primary = metric(group["primary"])
    table = Table(
        title=f"{group['frontier']} (target {group['target_ratio']:g} x reference; "
        f"by {primary.label})"
    )
    for col in (
        "rank",
        "entry",
        "configuration",
        f"{primary.label} [95% CI]",
        "pareto",
        "gate",
        "result",
    ):
        table.add_column(col, overflow="fold")
    for e in group["entries"]:
        rank = "-" if e["rank"] is None else f"{e['rank']}{'=' if e['tied'] else ''}"
        value = primary.format(e["value"])
        if e["ci_low"] is not None and e["ci_high"] is not None:
            value += f" [{primary.format(e['ci_low'])}, {primary.format(e['ci_high'])}]"
        _add_row(
            table,
            rank,
            f"{e['team']}/{e['name']}",
            f"{e['variant']} {e['runtime']} {e['quantization']} b{e['batch_size']}",
            value,
            str(e["pareto_rank"] or "-"),
            "valid" if e["valid"] else f"invalid: {e['invalid_reason']}",
            f"#{e['result_id']}",
        )
    for m in group.get("missing", []):
        _add_row(
            table, "-", f"{m['team']}/{m['name']}", "", "-", "-", f"no result: {m['reason']}", "-"
        )
    return table


@round_app.command("list")
def list_cmd() -> None:
    """Every round with its status."""
    table = Table(title="Rounds")
    for col in ("round", "status", "opened", "closed", "spec sha256"):
        table.add_column(col)
    for row in _store().rounds():
        _add_row(
            table,
            row.name,
            row.status.value,
            _when(row.opened_at),
            _when(row.closed_at),
            row.spec_sha256[:12],
        )
    console.print(table)


@round_app.command("replay")
def replay_cmd(
    name: str = typer.Argument(..., help="A closed round."),
    backend: str = typer.Option("ray", help=BACKEND_HELP),
    ray_address: str | None = typer.Option(None, "--ray-address", help="Existing Ray cluster."),
) -> None:
    """Re-run a closed round from its spec into NAME-replay-N; compare rankings (Kendall tau)."""
    from tournament.rounds import replay_round

    replay = replay_round(
        _store(), name, backend=_backend(backend), ray_address=ray_address, console=console
    )
    _echo(f"round {name} replayed as {replay.replay}")
    for frontier, tau in replay.taus.items():
        shown = "undefined" if tau is None else f"{tau:+.3f}"
        _echo(f"{frontier}: Kendall tau {shown} over {replay.compared[frontier]} entries")


def scheduler_cmd(
    once: bool = typer.Option(False, "--once", help="One pass, then exit (cron/systemd)."),
    interval_s: float = typer.Option(60.0, "--interval", help="Seconds between passes."),
    backend: str = typer.Option("ray", help=BACKEND_HELP),
    ray_address: str | None = typer.Option(None, "--ray-address", help="Existing Ray cluster."),
    lease_ttl_s: float = typer.Option(
        120.0, "--lease-ttl", help="Seconds a round lease lasts without renewal."
    ),
) -> None:
    """Open, run and close rounds on their schedules; safe with several schedulers."""
    from tournament.rounds import Scheduler

    scheduler = Scheduler(
        _store(),
        backend=_backend(backend),
        ray_address=ray_address,
        lease_ttl_s=lease_ttl_s,
        console=console,
    )

    def show(actions: list[Any]) -> None:
        for action in actions:
            _echo(
                f"round {action.round_name}: {action.action}"
                + (f" ({action.detail})" if action.detail else "")
            )

    if once:
        actions = scheduler.tick()
        show(actions)
        if not actions:
            _echo("scheduler: nothing due")
        return
    _echo(f"scheduler: checking rounds every {interval_s:g} s (Ctrl-C stops)")
    try:
        scheduler.serve(interval_s, on_actions=show)
    except KeyboardInterrupt:
        _echo("scheduler: stopped")


def reproduce_cmd(
    result_id: int = typer.Argument(..., help="Result id (`tourney results`)."),
    backend: str = typer.Option("local", help=BACKEND_HELP),
    ray_address: str | None = typer.Option(None, "--ray-address", help="Existing Ray cluster."),
) -> None:
    """Re-measure a result; print old, new and agreement per figure; store the verification."""
    from tournament.rounds import reproduce

    rep = reproduce(_store(), result_id, backend=_backend(backend), ray_address=ray_address)
    if rep.error is not None:
        fail([f"result {result_id}: the reproduction failed: {rep.error.splitlines()[0]}"], 1)
    table = Table(title=f"result #{result_id} reproduced as #{rep.new_result_id}")
    for col in ("figure", "old", "old 95% CI", "new", "agrees", "how"):
        table.add_column(col)
    for figure, c in rep.figures.items():
        ci = c.get("old_ci")
        _add_row(
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
        _echo(f"warning: {warning}")
    _echo(
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
        _store(),
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
    _echo("; ".join(answer.reasons) + f"; {answer.candidates} configurations qualify")
    _echo("best: " + _evidence(answer.best, answer.metric))
    if answer.runner_up is not None:
        verdict = "tied with the best (95 % CIs overlap)" if answer.tied else "clearly behind"
        _echo(f"runner-up ({verdict}): " + _evidence(answer.runner_up, answer.metric))


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
        f"result #{record.result_id} (median of {candidate.results} of this configuration)"
    )


def _estimate(estimate: Estimate | None, m: Metric) -> str:
    """``label value [low, high]`` of a figure (``—`` when unknown)."""
    if estimate is None:
        return f"{m.label} {m.format(None)}"
    text = f"{m.label} {m.format(estimate.value)}"
    if estimate.has_interval:
        text += f" [{m.format(estimate.ci_low)}, {m.format(estimate.ci_high)}]"
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

    paths = export_round(_store(), round_name, fmt, output)
    where = output or default_output(round_name, fmt)
    _echo(f"round {round_name}: {len(paths)} file(s) written to {where}")


def register(app: typer.Typer) -> None:
    """Add ``round`` and the top-level ``scheduler``, ``reproduce``, ``recommend``, ``export``."""
    app.add_typer(round_app, name="round")
    app.command("scheduler")(scheduler_cmd)
    app.command("reproduce")(reproduce_cmd)
    app.command("recommend")(recommend_cmd)
    app.command("export")(export_cmd)
