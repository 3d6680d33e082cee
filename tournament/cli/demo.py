"""``tourney demo``: a demo round of the example submissions on local Ray, then next steps."""

from __future__ import annotations

from pathlib import Path

import typer

from tournament.cli.app import console, fail
from tournament.errors import UserError

REPO = Path(__file__).resolve().parents[2]
DEMO_PRICE_USD_PER_HOUR = 0.15
"""Assumed price of this machine when none is registered: the example 2-vCPU VM's rate
(``hardware/machines/local.yaml``); register your own with ``tourney machines register``."""


def demo_cmd(
    examples: Path = typer.Option(
        REPO / "submissions" / "examples", help="Folder of submissions to enter."
    ),
    round_file: Path = typer.Option(
        REPO / "submissions" / "rounds" / "demo.yaml", "--round-spec", help="Round spec."
    ),
    backend: str = typer.Option("ray", help="ray (embedded local cluster) or local."),
) -> None:
    """Play a demo round: register this machine, enter the examples, measure, rank, close."""
    from tournament.cli.results import results_cmd
    from tournament.config import db_url
    from tournament.machines import register, source
    from tournament.rounds.load import load_round_spec
    from tournament.rounds.play import play_round
    from tournament.schema.validate import load_submission
    from tournament.store import Store

    store = Store()
    if store.machine("local") is None:
        register(store, source().detect("local", price_usd_per_hour=DEMO_PRICE_USD_PER_HOUR))
        console.print(
            f"registered this machine as 'local' at an assumed {DEMO_PRICE_USD_PER_HOUR} USD/h"
        )
    files = sorted(p for p in examples.iterdir() if p.suffix in {".yaml", ".yml", ".json"})
    subs, problems = [], []
    for path in files:
        try:
            subs.append(load_submission(path, ["local"]))
        except UserError as exc:
            problems += exc.problems
    if problems:
        fail(problems)
    spec = load_round_spec(round_file)
    console.print(f"[bold]Tourney demo[/] on {db_url()}: {len(subs)} entries, round {spec.name}")
    played = play_round(store, spec, subs, backend=backend, console=console)
    for entry, reasons in played.skipped.items():
        console.print(f"skipped {entry}: {'; '.join(reasons)}", markup=False)
    results_cmd(
        fmt="table",
        workload=None,
        scenario=None,
        machine=None,
        round_name=played.name,
        valid_only=False,
        prices=None,
    )
    done = len(played.run.done) if played.run else 0
    failed = len(played.run.failed) if played.run else 0
    console.print(
        f"round {played.name} closed: {done} runs measured, {failed} failed; "
        f"details: `tourney round status {played.name}`"
    )
    console.print(
        "Next: [bold].venv/bin/tourney leaderboard[/] serves the leaderboard at "
        "http://127.0.0.1:8501"
    )
