"""The typer application and its error boundary: user mistakes print sentences, exit 2."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tournament.errors import UserError

if TYPE_CHECKING:
    from tournament.store.contract import StoreReader, StoreWriter

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
        err_console.print(printable(line), markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


BACKEND_HELP = "ray (embedded local cluster, or --ray-address) or local (subprocesses)."


def checked_backend(backend: str) -> str:
    """``backend`` if it is ``ray`` or ``local``; else one sentence and exit 2."""
    if backend not in {"ray", "local"}:
        fail([f"backend: expected 'ray' or 'local', got {backend!r}."])
    return backend


def printable(text: str) -> str:
    """``text`` with control characters (ANSI escapes, bells, carriage returns) shown escaped
    (``\\x1b``), never sent to the terminal; line breaks and tabs stay."""
    return "".join(
        c if c.isprintable() or c in "\n\t" else c.encode("unicode_escape").decode("ascii")
        for c in text
    )


def echo(text: str) -> None:
    """Print ``text`` as written (no rich markup or highlighting; user text may hold brackets;
    control characters escaped)."""
    console.print(printable(text), markup=False, highlight=False, soft_wrap=True)


def plain_row(table: Table, *cells: str) -> None:
    """A table row of plain text (no rich markup: reasons, errors and text from files or the
    host may contain brackets or control characters)."""
    table.add_row(*(Text(printable(cell)) for cell in cells))


def open_writer() -> StoreWriter:
    """The store of ``TOURNEY_DB_URL`` / the data directory, writable."""
    from tournament.store import Store

    return Store()


def open_reader() -> StoreReader:
    """The store of ``TOURNEY_DB_URL`` / the data directory for a command that only reads: it
    never creates or initialises a database (a missing or empty one is one sentence).

    A database at an older schema revision is opened writable once, which migrates it (the
    data stays; a read-only store never migrates).

    Raises:
        UserError: no database there yet, or one that cannot be read (one sentence).
    """
    from tournament.store import Store
    from tournament.store.readonly import ReadOnlyStore, SchemaVersionError

    try:
        return ReadOnlyStore()
    except SchemaVersionError:
        return Store()


def _register() -> None:
    from tournament.cli import (
        db,
        demo,
        evidence,
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
    evidence.register(app)
    leaderboard.register(app)
    search.register(app)
    db.register(app)
    plugins.register(app)


def main() -> None:
    """Console-script entry point."""
    from tournament.cli.storage import storage_errors
    from tournament.config import db_url
    from tournament.signals import interrupt_code, stopped_by, terminate_as_interrupt

    _register()
    terminate_as_interrupt()
    try:
        with storage_errors(db_url()):
            app()
    except SystemExit as done:
        # typer ends a command that a KeyboardInterrupt (Ctrl-C, or SIGTERM/SIGHUP through
        # terminate_as_interrupt) stopped with exit code 130; say which signal, in one line.
        signal_name = stopped_by()
        if signal_name is None or done.code not in (130, interrupt_code()):
            raise
        err_console.print(
            f"tourney: stopped by {signal_name}; unfinished runs are queued again and "
            "nothing stored was lost.",
            markup=False,
            highlight=False,
        )
        sys.exit(interrupt_code())
    except UserError as exc:
        for line in exc.problems:
            err_console.print(printable(line), markup=False, highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
