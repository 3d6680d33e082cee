"""The typer application and its error boundary: user mistakes print sentences, exit 2."""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console

from tournament.errors import UserError

app = typer.Typer(
    name="tourney",
    help="Tourney: measure, rank and search AI-inference configurations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped output (files, CI logs) gets wide lines instead of 80 columns of folded table cells,
# unless COLUMNS says how wide. emoji=False: user text such as ":gem:" is printed as written,
# never turned into an emoji.
_SIZED = "COLUMNS" in os.environ
console = Console(width=None if sys.stdout.isatty() or _SIZED else 200, emoji=False)
err_console = Console(
    stderr=True, width=None if sys.stderr.isatty() or _SIZED else 200, emoji=False
)


def fail(problems: list[str], code: int = 2) -> None:
    """Print one line per problem on stderr and exit with ``code``."""
    for line in problems:
        err_console.print(line, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _register() -> None:
    from tournament.cli import (
        db,
        demo,
        leaderboard,
        machines,
        plugins,
        results,
        rounds,
        runs,
        search,
        submissions,
        worker,
    )

    submissions.register(app)
    runs.register(app)
    results.register(app)
    app.add_typer(machines.machines_app, name="machines")
    app.command("demo")(demo.demo_cmd)
    app.add_typer(worker.worker_app, name="worker")
    rounds.register(app)
    leaderboard.register(app)
    search.register(app)
    db.register(app)
    plugins.register(app)


def main() -> None:
    """Console-script entry point."""
    _register()
    try:
        app()
    except UserError as exc:
        for line in exc.problems:
            err_console.print(line, markup=False, highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
