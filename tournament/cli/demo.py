"""``tourney demo``: submit the examples, measure them through local Ray, show the results."""

from __future__ import annotations

from pathlib import Path

import typer

from tournament.cli.app import console

REPO = Path(__file__).resolve().parents[2]
DEMO_RULES = {
    "warmup_queries": 10,
    "warmup_s": 0.5,
    "min_duration_s": 2.0,
    "min_queries": 200,
    "max_duration_s": 30.0,
}


def demo_cmd(
    examples: Path = typer.Option(
        REPO / "submissions" / "examples",
        help="Folder of submissions to enter.",
    ),
    backend: str = typer.Option("ray", help="ray (embedded local cluster) or local."),
) -> None:
    """Run a demo: enter the example submissions, measure them, print results and next steps."""
    from tournament.cli.results import results_cmd
    from tournament.cli.submissions import submit_cmd
    from tournament.config import db_url
    from tournament.runner.session import execute
    from tournament.store import Store

    files = sorted(p for p in examples.iterdir() if p.suffix in {".yaml", ".yml", ".json"})
    console.print(f"[bold]Tourney demo[/] on {db_url()}: {len(files)} submissions from {examples}")
    submit_cmd(files, round_name="")
    summary = execute(
        Store(), scenario="single-stream", rules=DEMO_RULES, backend=backend, console=console
    )
    results_cmd(
        fmt="table",
        workload=None,
        scenario=None,
        machine=None,
        round_name=None,
        valid_only=False,
        prices=None,
    )
    console.print(f"measured {len(summary.done)} runs, {len(summary.failed)} failed")
    console.print(
        "Next: [bold]tourney leaderboard[/] serves the leaderboard at "
        "http://127.0.0.1:8501 (run `.venv/bin/tourney leaderboard`)."
    )
