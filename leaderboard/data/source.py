"""Which database the leaderboard reads, opened read-only, and a signature of its contents.

The URL is :func:`tournament.config.db_url` (``TOURNEY_DB_URL`` or the SQLite file in
``TOURNEY_HOME``); ``tourney leaderboard --db-url`` sets ``TOURNEY_DB_URL`` for the server.
Everything is read through :class:`~tournament.store.readonly.ReadOnlyStore`, which never
creates, migrates or writes anything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum

from tournament.config import db_url
from tournament.errors import NotFoundError, UserError
from tournament.store.engine import sqlite_path
from tournament.store.readonly import EmptyDatabaseError, ReadOnlyStore, open_read_only

__all__ = [
    "DatabaseState",
    "DatabaseStatus",
    "ReadOnlyStore",
    "Signature",
    "database_status",
    "database_url",
    "open_read_only",
    "open_store",
    "signature",
]

Signature = tuple[object, ...]


class DatabaseState(StrEnum):
    """What the leaderboard finds at the database URL."""

    MISSING = "missing"
    """No database file (SQLite)."""
    EMPTY = "empty"
    """The database exists but holds no result and no round yet (or no Tourney table)."""
    UNREADABLE = "unreadable"
    """Not a Tourney database, damaged, unreachable or at another schema revision."""
    READY = "ready"
    """There is something to show."""


@dataclass(frozen=True)
class DatabaseStatus:
    """The :class:`DatabaseState` and, when it is unreadable, the sentence saying why."""

    state: DatabaseState
    problem: str = ""


def database_url() -> str:
    """The URL the leaderboard reads (see the module docstring)."""
    return db_url()


def open_store(url: str) -> ReadOnlyStore:
    """The read-only store on ``url``.

    Raises:
        UserError: the database is missing, empty, unreadable or not at the schema's head
            (one sentence; see :class:`~tournament.store.readonly.ReadOnlyStore`).
    """
    return ReadOnlyStore(url)


def database_status(url: str) -> DatabaseStatus:
    """Whether ``url`` has results or rounds to show; never creates or migrates anything."""
    try:
        store = open_store(url)
    except EmptyDatabaseError:
        return DatabaseStatus(DatabaseState.EMPTY)
    except NotFoundError:
        return DatabaseStatus(DatabaseState.MISSING)
    except UserError as error:
        return DatabaseStatus(DatabaseState.UNREADABLE, str(error))
    try:
        counts = store.counts()
    except UserError as error:
        return DatabaseStatus(DatabaseState.UNREADABLE, str(error))
    finally:
        store.close()
    ready = counts.get("results", 0) or counts.get("rounds", 0)
    return DatabaseStatus(DatabaseState.READY if ready else DatabaseState.EMPTY)


def signature(url: str, store: ReadOnlyStore) -> Signature:
    """A value that changes whenever the database's contents may have changed.

    SQLite: size and modification time of the file and its write-ahead log (a committed write
    changes one of them). Other databases: the rows per table and every round's status.
    """
    path = sqlite_path(url)
    if path is not None:
        return (url, *_file_stat(str(path)), *_file_stat(f"{path}-wal"))
    rounds = tuple((r.name, r.status.value, r.closed_at) for r in store.rounds())
    return (url, tuple(sorted(store.counts().items())), rounds)


def _file_stat(path: str) -> tuple[int, int]:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return (0, 0)
    return (stat.st_size, stat.st_mtime_ns)
