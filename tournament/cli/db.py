"""``tourney db``: a consistent backup of the database while runs write to it, and row counts."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import typer
from rich.table import Table

from tournament.cli.app import console
from tournament.errors import NotFoundError, UserError

db_app = typer.Typer(
    help="The database: consistent backups and row counts.",
    no_args_is_help=True,
    add_completion=False,
)


@db_app.command("backup")
def backup_cmd(
    path: Path = typer.Argument(..., help="The copy to write: a new SQLite file."),
    force: bool = typer.Option(False, "--force", help="Replace PATH if it exists."),
) -> None:
    """Copy the SQLite database to PATH: one consistent snapshot, even while runs write.

    The copy is written next to PATH, checked (``PRAGMA integrity_check``) and then renamed
    onto PATH, so PATH is never a half-written file. PostgreSQL: use ``pg_dump``.
    """
    from tournament.config import db_url
    from tournament.store import Store

    url = db_url()
    source = _sqlite_source(url)
    target = _target(path, source, force)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        with Store(url) as store:
            store.backup(partial)
        counts = check_copy(partial)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        raise UserError(f"path: cannot write the backup {target} ({exc}).") from None
    finally:
        partial.unlink(missing_ok=True)
    rows = ", ".join(f"{n} {table}" for table, n in counts.items())
    console.print(
        f"backed up {source} to {target}: {rows}", markup=False, highlight=False, soft_wrap=True
    )


def _sqlite_source(url: str) -> Path:
    from sqlalchemy.engine import make_url

    from tournament.store.engine import is_sqlite, sqlite_path

    if not is_sqlite(url):
        backend = make_url(url).get_backend_name()
        raise UserError(
            f"database: backup copies SQLite databases only; for {backend} use its own tool "
            "(pg_dump for PostgreSQL)."
        )
    source = sqlite_path(url)
    if source is None or not source.is_file():
        raise NotFoundError(f"database: no SQLite file at {source}; there is nothing to back up.")
    return source.resolve()


def _target(path: Path, source: Path, force: bool) -> Path:
    target = path.expanduser().resolve()
    if target == source:
        raise UserError(f"path: {target} is the database itself; choose another file.")
    if target.is_dir():
        raise UserError(f"path: {target} is a directory; give the name of the file to write.")
    if target.exists() and not force:
        raise UserError(f"path: {target} exists; choose a new file or pass --force to replace it.")
    if not target.parent.is_dir():
        raise UserError(f"path: the folder {target.parent} does not exist.")
    return target


def check_copy(path: Path) -> dict[str, int]:
    """Make a backup a single self-contained file, check its integrity; rows per table.

    Raises:
        sqlite3.DatabaseError: the copy fails ``PRAGMA integrity_check``.
    """
    from tournament.store.models import TABLES

    with sqlite3.connect(path) as copy:
        copy.execute("PRAGMA journal_mode=DELETE")  # no -wal/-shm files beside the backup
        (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise sqlite3.DatabaseError(f"the copy failed its integrity check: {verdict}")
        present = {name for (name,) in copy.execute("SELECT name FROM sqlite_master")}
        counts = {
            table.name: copy.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]
            for table in TABLES
            if table.name in present
        }
    copy.close()
    return counts


@db_app.command("counts")
def counts_cmd(
    fmt: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Rows per table, read through a read-only connection (creates and migrates nothing)."""
    from tournament.config import db_url

    if fmt not in {"table", "json"}:
        raise UserError(f"format: expected 'table' or 'json', got {fmt!r}.")
    counts = read_counts(db_url())
    if fmt == "json":
        console.print_json(json.dumps(counts))
        return
    table = Table(title="Rows per table")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in counts.items():
        table.add_row(name, str(rows))
    console.print(table)


def read_counts(url: str) -> dict[str, int]:
    """Rows per store table at ``url`` (0 for a table not created yet), read-only.

    Raises:
        NotFoundError: an SQLite file that does not exist.
    """
    from sqlalchemy import func, inspect, select

    from tournament.store.engine import make_engine
    from tournament.store.models import TABLES

    engine = make_engine(url, read_only=True)
    try:
        present = set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            return {
                table.name: int(connection.scalar(select(func.count()).select_from(table)) or 0)
                if table.name in present
                else 0
                for table in TABLES
            }
    finally:
        engine.dispose()


def register(app: typer.Typer) -> None:
    """Add the ``db`` commands to ``app``."""
    app.add_typer(db_app, name="db")
