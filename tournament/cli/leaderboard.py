"""``tourney leaderboard``: serve the Streamlit leaderboard on the configured database."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import typer

from tournament.cli.app import console
from tournament.errors import UserError
from tournament.signals import run_child


def app_path() -> Path:
    """The leaderboard's Streamlit entry script (located, not imported)."""
    from importlib.util import find_spec

    spec = find_spec("leaderboard.app")  # imports the package's empty __init__ only
    if spec is None or spec.origin is None:
        raise UserError("the leaderboard package is not installed; run `make install`.")
    return Path(spec.origin).resolve()


def streamlit_command(*, port: int, host: str) -> list[str]:
    """The command line that serves the leaderboard on ``host:port``.

    Raises:
        UserError: ``port`` is not in 1..65535 or ``host`` is empty.
    """
    if not 1 <= port <= 65535:
        raise UserError(f"--port must be between 1 and 65535, not {port}.")
    if not host.strip():
        raise UserError("--host must name an address to listen on, e.g. 127.0.0.1.")
    return [
        sys.executable, "-m", "streamlit", "run", str(app_path()),
        "--server.headless", "true",
        "--server.address", host,
        "--browser.gatherUsageStats", "false",
        "--server.port", str(port),
        "--client.toolbarMode", "viewer",
    ]  # fmt: skip


def leaderboard_cmd(
    port: int = typer.Option(8501, "--port", help="Port to serve on."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    db_url: str | None = typer.Option(
        None, "--db-url", help="Database to show (default: TOURNEY_DB_URL or TOURNEY_HOME's)."
    ),
) -> None:
    """Serve the leaderboard (rankings, Pareto frontiers, search) in the browser, read-only."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from tournament.config import db_url as configured_url

    command = streamlit_command(port=port, host=host)
    env = dict(os.environ)
    if db_url:
        env["TOURNEY_DB_URL"] = db_url
    try:
        shown = make_url(db_url or configured_url()).render_as_string(hide_password=True)
    except ArgumentError:
        raise UserError(
            f"--db-url must be a database URL such as sqlite:///path/to/tourney.db, not {db_url!r}."
        ) from None
    console.print(
        f"Leaderboard on http://{host}:{port} reading {shown} (read-only); Ctrl-C stops it.",
        markup=False,
        highlight=False,
    )
    code = run_child(command, env=env)  # SIGTERM/SIGINT reach Streamlit; it never outlives us
    if code == 128 + signal.SIGINT:
        code = 0  # Ctrl-C is how a user stops it
    if code in (128 + signal.SIGTERM, 128 + signal.SIGHUP):
        name = signal.Signals(code - 128).name
        console.print(f"leaderboard: stopped by {name}", markup=False, highlight=False)
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add ``tourney leaderboard`` to ``app``."""
    app.command("leaderboard")(leaderboard_cmd)
