"""Schema migrations, run from code: no ``alembic.ini`` on disk.

``upgrade`` is idempotent and safe when several processes start at once: it migrates inside one
transaction that first takes the database's write lock (SQLite ``BEGIN IMMEDIATE``, PostgreSQL
an advisory lock), so a second process waits, then finds the schema at head and does nothing.

A developer adds a revision after changing :mod:`tournament.store.models` with
``python -m tournament.store.migrate "what changed"`` (autogenerate against a scratch database
at head), then reviews the generated file under ``migrations/versions``.
"""

from __future__ import annotations

import io
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from tournament.store.engine import make_engine, writer
from tournament.store.models import Base

SCRIPT_LOCATION = "tournament.store:migrations"
VERSION_TABLE = "tourney_alembic_version"
_PG_LOCK_KEY = 0x746F75726E6579  # "tourney"
_OUR_TABLES = frozenset(Base.metadata.tables)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
    """Compare only the store's own tables: Optuna's live in the same database."""
    if type_ == "table":
        return name in _OUR_TABLES
    table = getattr(obj, "table", None)
    return table is None or table.name in _OUR_TABLES


def context_options(dialect_name: str) -> dict[str, Any]:
    """Options of the alembic migration context, for migrations and for comparisons."""
    return {
        "target_metadata": Base.metadata,
        "version_table": VERSION_TABLE,
        "render_as_batch": dialect_name == "sqlite",
        "include_object": include_object,
        "compare_type": True,
    }


def alembic_config(url: str | None = None) -> Config:
    """An alembic config built in code, pointing at the package's migrations."""
    config = Config(stdout=io.StringIO())
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest revision shipped with the package."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("the store ships no migration")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for an empty database."""
    with engine.connect() as connection:
        opts = {"version_table": VERSION_TABLE}
        return MigrationContext.configure(connection, opts=opts).get_current_revision()


def schema_diff(engine: Engine) -> list[Any]:
    """Differences between the models and the database's schema; empty when they match."""
    with engine.connect() as connection:
        options = context_options(connection.dialect.name)
        context = MigrationContext.configure(connection, opts=options)
        return list(compare_metadata(context, Base.metadata))


def upgrade(target: Engine | str, revision: str = "head") -> None:
    """Migrate the database at ``target`` (an engine or a URL) to ``revision`` (the newest by
    default; tests migrate old databases from an earlier one)."""
    engine = make_engine(target) if isinstance(target, str) else target
    try:
        with (
            writer(engine).connect() as connection,
            _foreign_keys_deferred(connection),
            connection.begin(),
        ):
            _lock(connection)
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            _check_foreign_keys(connection)
    finally:
        if isinstance(target, str):
            engine.dispose()


def upgrade_sql(url: str, *, start: str | None = None) -> str:
    """The SQL that upgrades a database of ``url``'s dialect to head (no connection made).

    For a DBA who applies migrations by hand; ``start`` is the revision the database is at.
    """
    config = alembic_config(url)
    buffer = io.StringIO()
    config.output_buffer = buffer
    command.upgrade(config, f"{start}:head" if start else "head", sql=True)
    return buffer.getvalue()


@contextmanager
def _foreign_keys_deferred(connection: Connection) -> Iterator[None]:
    """SQLite: foreign keys off while migrating (set outside the transaction, as SQLite needs).

    A migration that rebuilds a table (alembic's batch mode: copy, drop, rename) would
    otherwise delete the rows of every table referencing it ``ON DELETE CASCADE`` when the old
    table is dropped. :func:`_check_foreign_keys` checks the result before the commit.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.driver_connection
    raw.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def _check_foreign_keys(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"a migration left rows with dangling foreign keys: {broken[:5]}")


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})


def make_revision(message: str) -> None:
    """Autogenerate a new revision from the models' difference to a database at head."""
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'scratch.db'}")
        upgrade(engine)
        config = alembic_config()
        config.stdout = sys.stdout
        with writer(engine).connect() as connection, connection.begin():
            config.attributes["connection"] = connection
            command.revision(config, message=message, autogenerate=True)
        engine.dispose()


if __name__ == "__main__":
    make_revision(" ".join(sys.argv[1:]) or "change")
