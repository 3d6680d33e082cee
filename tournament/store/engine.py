"""SQLAlchemy engines for the store: SQLite tuned for one writer and many readers, or any URL.

SQLite connections get ``journal_mode=WAL`` (readers never block the writer), ``synchronous=
NORMAL``, ``foreign_keys=ON`` and a 30 s ``busy_timeout``. Transactions are started by us, not
by the ``sqlite3`` module: ``BEGIN`` for reads, ``BEGIN IMMEDIATE`` for writes (engines made with
:func:`writer`), so a writer takes the write lock up front and waits for it there instead of
failing half-way through a read-then-write transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url

from tournament.errors import NotFoundError, UserError
from tournament.store.retry import retrying

__all__ = ["is_sqlite", "make_engine", "retrying", "sqlite_path", "writer"]

BUSY_TIMEOUT_MS = 30_000
_WRITE_OPTION = "tourney_write"


def is_sqlite(url: str | URL) -> bool:
    """Whether ``url`` names an SQLite database."""
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str | URL) -> Path | None:
    """The database file of an SQLite URL; None for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def make_engine(url: str | URL, *, read_only: bool = False) -> Engine:
    """An engine for ``url``.

    Args:
        url: any SQLAlchemy URL; SQLite files get their parent directory created.
        read_only: open so that every write fails: SQLite opens the file with ``mode=ro``
            (the file must exist), PostgreSQL and MySQL set the session read only.

    Raises:
        NotFoundError: ``read_only`` on an SQLite file that does not exist.
        UserError: ``read_only`` on a database kind that has no read-only session.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, read_only)
    engine = create_engine(parsed, pool_pre_ping=True)
    if read_only:
        _make_session_read_only(engine)
    return engine


def writer(engine: Engine) -> Engine:
    """The same engine (same pool), whose transactions take the write lock at once."""
    return engine.execution_options(**{_WRITE_OPTION: True})


def _sqlite_engine(url: URL, read_only: bool) -> Engine:
    path = sqlite_path(url)
    connect_args: dict[str, Any] = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    if read_only and path is not None:
        if not path.is_file():
            raise NotFoundError(
                f"database file {path} does not exist; run a round or submit first."
            )
        url = url.set(database=f"file:{path.resolve()}?mode=ro", query={"uri": "true"})
    elif path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args=connect_args)
    _configure_sqlite(engine, read_only)
    return engine


def _configure_sqlite(engine: Engine, read_only: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        else:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _make_session_read_only(engine: Engine) -> None:
    statements = {
        "postgresql": "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
        "mysql": "SET SESSION TRANSACTION READ ONLY",
        "mariadb": "SET SESSION TRANSACTION READ ONLY",
    }
    backend = engine.url.get_backend_name()
    if backend not in statements:
        raise UserError(
            f"read_only is supported for SQLite, PostgreSQL and MySQL databases, not {backend!r}."
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(statements[backend])
        cursor.close()
        dbapi_connection.commit()
