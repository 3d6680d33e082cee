"""``tourney round ...`` and ``tourney scheduler``."""

from __future__ import annotations

import json
import sys
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
from tournament.signals import interrupt_code

if TYPE_CHECKING:
    from tournament.store.contract import StoreReader

round_app = typer.Typer(
    help="Tournament rounds: create, open, run, close, rank.", no_args_is_help=True
)


def _known_machines(store: StoreReader) -> list[str]:
    return sorted({"local", *(m.id for m in store.machines())})


@round_app.command("create")
def create_cmd(file: Path = typer.Argument(..., help="Round spec (YAML or JSON).")) -> None:
    """Validate a round spec and store it as a draft (a draft's spec may be replaced)."""
    from tournament.rounds import create_round, load_round_spec

    store = open_writer()
    spec = load_round_spec(file, _known_machines(store))
    state = create_round(store, spec)
    echo(
        f"round {spec.name}: {state} (draft; open it with `tourney round open {spec.name}`)"
        if state != "unchanged"
        else f"round {spec.name}: unchanged"
    )


@round_app.command("open")
def open_cmd(name: str = typer.Argument(..., help="Round name.")) -> None:
    """Open a draft round: freeze its spec and start taking entries."""
    from tournament.rounds import open_round, require_round

    store = open_writer()
    open_round(store, name)
    sha = require_round(store, name).spec_sha256
    echo(f"round {name}: open (spec sha256 {sha[:12]} frozen)")


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

    store = open_writer()
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
        echo(
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
        open_writer(),
        name,
        backend=checked_backend(backend),
        ray_address=ray_address,
        machine_wait_s=machine_wait_s,
        console=console,
        retry_failed=retry_failed,
    )
    echo(
        f"round {name}: {len(summary.done)} done, {len(summary.failed)} failed, "
        f"{summary.pending} still queued"
    )
    for run_id, error in summary.failed.items():
        echo(f"run #{run_id} failed: {error.splitlines()[0]}")
    if summary.interrupted:
        raise typer.Exit(interrupt_code())
    if summary.failed:
        raise typer.Exit(1)


@round_app.command("close")
def close_cmd(name: str = typer.Argument(..., help="Round name.")) -> None:
    """Close the round: freeze its results, compute and store the ranking."""
    from tournament.rounds import close_round

    store = open_writer()
    ranking = close_round(store, name)
    echo(f"round {name}: closed; ranking stored ({len(ranking['groups'])} groups)")
    for group in ranking["groups"]:
        console.print(_ranking_table(group))


@round_app.command("status")
def status_cmd(
    name: str = typer.Argument(..., help="Round name."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Status, schedule, entries, runs by status, hypervolume and ranking of a round."""
    from tournament.rounds import round_status

    status = round_status(open_reader(), name)
    if as_json:
        json.dump(status, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
        return
    echo(
        f"round {name}: {status['status']} ({status['division']} division), spec sha256 "
        f"{status['spec_sha256'][:12]}"
    )
    echo(
        f"opens {_when(status['opens_at'])}, closes {_when(status['closes_at'])}"
        + (f", cron {status['schedule']}" if status["schedule"] else "")
    )
    echo(
        f"entries: {len(status['entries'])}; results: {status['results']}; runs: "
        + ", ".join(f"{k} {v}" for k, v in status["runs"].items() if v)
    )
    if status["lease"]:
        echo(f"lease: {status['lease']['owner']} until {status['lease']['expires_at']}")
    label = " (provisional)" if status["provisional"] else ""
    for frontier, volume in status["hypervolume"].items():
        echo(f"hypervolume{label} {frontier}: {volume:.6g}")
    for group in status["groups"]:
        console.print(_ranking_table(group))


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
        plain_row(
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
        plain_row(
            table, "-", f"{m['team']}/{m['name']}", "", "-", "-", f"no result: {m['reason']}", "-"
        )
    return table


@round_app.command("list")
def list_cmd() -> None:
    """Every round with its status."""
    table = Table(title="Rounds")
    for col in ("round", "status", "opened", "closed", "spec sha256"):
        table.add_column(col)
    for row in open_reader().rounds():
        plain_row(
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
        open_writer(),
        name,
        backend=checked_backend(backend),
        ray_address=ray_address,
        console=console,
    )
    echo(f"round {name} replayed as {replay.replay}")
    for frontier, tau in replay.taus.items():
        shown = "undefined" if tau is None else f"{tau:+.3f}"
        echo(f"{frontier}: Kendall tau {shown} over {replay.compared[frontier]} entries")


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
        open_writer(),
        backend=checked_backend(backend),
        ray_address=ray_address,
        lease_ttl_s=lease_ttl_s,
        console=console,
    )

    def show(actions: list[Any]) -> None:
        for action in actions:
            echo(
                f"round {action.round_name}: {action.action}"
                + (f" ({action.detail})" if action.detail else "")
            )

    if once:
        actions = scheduler.tick()
        show(actions)
        if not actions:
            echo("scheduler: nothing due")
        return
    echo(f"scheduler: checking rounds every {interval_s:g} s (Ctrl-C stops)")
    try:
        scheduler.serve(interval_s, on_actions=show)
    except KeyboardInterrupt:
        echo("scheduler: stopped")
        code = interrupt_code()
        if code != 130:  # SIGTERM/SIGHUP: say so in the exit status; Ctrl-C is a plain stop
            raise typer.Exit(code) from None


def register(app: typer.Typer) -> None:
    """Add ``round`` and the top-level ``scheduler``."""
    app.add_typer(round_app, name="round")
    app.command("scheduler")(scheduler_cmd)
