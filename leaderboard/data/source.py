"""Which database the leaderboard reads, opened read-only, and a signature of its contents.

The URL is :func:`tournament.config.db_url` (``TOURNEY_DB_URL`` or the SQLite file in
``TOURNEY_HOME``); ``tourney leaderboard --db-url`` sets ``TOURNEY_DB_URL`` for the server.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.exc import OperationalError

from tournament.config import db_url
from tournament.errors import NotFoundError
from tournament.store.engine import make_engine, sqlite_path
from tournament.store.models import ReproductionRow, ResultRow, RoundRow, SubmissionRow

Signature = tuple[object, ...]


class DatabaseState(StrEnum):
    """What the leaderboard finds at the database URL."""

    MISSING = "missing"
    """No database file (SQLite) or it cannot be opened."""
    EMPTY = "empty"
    """The database exists but holds no result and no round yet."""
    READY = "ready"
    """There is something to show."""


def database_url() -> str:
    """The URL the leaderboard reads (see the module docstring)."""
    return db_url()


def open_read_only(url: str) -> Engine:
    """An engine on ``url`` through which every write fails (SQLite ``mode=ro``).

    Raises:
        NotFoundError: an SQLite file that does not exist.
    """
    return make_engine(url, read_only=True)


def database_state(url: str) -> DatabaseState:
    """Whether ``url`` has results or rounds to show; never creates or migrates anything."""
    try:
        engine = open_read_only(url)
    except NotFoundError:
        return DatabaseState.MISSING
    try:
        if not inspect(engine).has_table(ResultRow.__tablename__):
            return DatabaseState.EMPTY
        with engine.connect() as connection:
            results = connection.scalar(select(func.count()).select_from(ResultRow))
            rounds = connection.scalar(select(func.count()).select_from(RoundRow))
        return DatabaseState.READY if (results or rounds) else DatabaseState.EMPTY
    except OperationalError:
        return DatabaseState.MISSING
    finally:
        engine.dispose()


def signature(url: str, engine: Engine) -> Signature:
    """A value that changes whenever the database's contents may have changed.

    SQLite: size and modification time of the file and its write-ahead log (a committed write
    changes one of them). Other databases: the largest ids and the latest round change.
    """
    path = sqlite_path(url)
    if path is not None:
        return (url, *_file_stat(str(path)), *_file_stat(f"{path}-wal"))
    return (url, *_content_signature(engine))


def _file_stat(path: str) -> tuple[int, int]:
    import os

    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return (0, 0)
    return (stat.st_size, stat.st_mtime_ns)


def _content_signature(engine: Engine) -> tuple[object, ...]:
    queries = (
        select(func.max(ResultRow.id), func.count(ResultRow.id)),
        select(func.max(SubmissionRow.id)),
        select(func.max(ReproductionRow.id)),
    )
    rounds = select(RoundRow.name, RoundRow.status, RoundRow.closed_at).order_by(RoundRow.name)
    with engine.connect() as connection:
        maxima = tuple(tuple(connection.execute(q).one()) for q in queries)
        return (*maxima, tuple(tuple(row) for row in connection.execute(rounds)))
