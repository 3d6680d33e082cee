"""A read-only store: the store's reads on a database opened so that nothing can write to it.

:class:`ReadOnlyStore` is what readers hold (the leaderboard; any process that must never
change the database). It implements :class:`~tournament.store.contract.StoreReader` with the
writable store's own read methods (the ``*Reads`` parts of :mod:`tournament.store.results`,
:mod:`~tournament.store.submissions`, :mod:`~tournament.store.runs`,
:mod:`~tournament.store.rounds`, :mod:`~tournament.store.machines` and
:mod:`~tournament.store.leases`), so both return the same frozen records.

Protections: SQLite files are opened with ``mode=ro`` and ``PRAGMA query_only``, PostgreSQL
and MySQL sessions are read only (:func:`~tournament.store.engine.make_engine`); the schema is
never created or migrated. Every problem a user can cause is one sentence
(:class:`~tournament.errors.UserError`): a bad URL, a missing file, a file that is not a
database or is damaged, a database without Tourney's tables, a schema that is not at head.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session

from tournament.config import db_url
from tournament.errors import NotFoundError, StateError, UserError
from tournament.store.base import ReadBase
from tournament.store.engine import is_sqlite, make_engine, sqlite_path
from tournament.store.leases import LeasesReads
from tournament.store.machines import MachinesReads
from tournament.store.results import ResultsReads
from tournament.store.rounds import RoundsReads
from tournament.store.runs import RunsReads
from tournament.store.submissions import SubmissionsReads

__all__ = ["EmptyDatabaseError", "ReadOnlyStore", "SchemaVersionError"]


class EmptyDatabaseError(NotFoundError):
    """The database exists but holds no Tourney tables yet (nothing was ever written)."""


class SchemaVersionError(StateError):
    """The database's schema is not the one this version of Tourney reads (not at head)."""


class _ReadOnlyReads(ReadBase):
    """Read transactions whose database errors become one sentence naming the database."""

    @contextmanager
    def _read(self) -> Iterator[Session]:
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except DBAPIError as error:
            raise unreadable(self.url, error) from None


class ReadOnlyStore(
    _ReadOnlyReads,
    ResultsReads,
    SubmissionsReads,
    RunsReads,
    RoundsReads,
    MachinesReads,
    LeasesReads,
):
    """The store's reads on a database opened read-only; writing through it is impossible.

    ``ReadOnlyStore(url)`` opens ``url`` (default: ``TOURNEY_DB_URL`` or the SQLite file in
    ``TOURNEY_HOME``), checks that its schema is at head and never migrates it. Its methods
    are the writable :class:`~tournament.store.Store`'s read methods, with the same
    signatures and the same frozen return values. Safe to share between threads.

    Raises:
        UserError: ``url`` is not a database URL, or the database cannot be read (a file that
            is not an SQLite database, a damaged one, a server that does not answer).
        NotFoundError: an SQLite file that does not exist.
        EmptyDatabaseError: a database without Tourney's tables.
        SchemaVersionError: a database whose schema is older or newer than this Tourney's.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = url or db_url()
        self.engine = open_read_only(self.url)
        try:
            check_schema(self.engine, self.url)
        except BaseException:
            self.engine.dispose()
            raise


def open_read_only(url: str) -> Engine:
    """An engine on ``url`` through which every write fails; nothing is created.

    Raises:
        UserError: ``url`` is not a database URL, or its kind has no read-only session.
        NotFoundError: an SQLite file that does not exist.
    """
    try:
        return make_engine(url, read_only=True)
    except ArgumentError:
        raise UserError(
            f"database URL must be a URL such as sqlite:///path/to/tourney.db, not {url!r}."
        ) from None
    except ModuleNotFoundError as error:
        raise UserError(
            f"database {shown_url(url)} needs the Python module {error.name!r}, which is not "
            "installed."
        ) from None


def check_schema(engine: Engine, url: str) -> None:
    """Check that the database at ``engine`` has Tourney's schema at head (reads only).

    Raises:
        UserError: the database cannot be read.
        EmptyDatabaseError: it has no Tourney tables.
        SchemaVersionError: its schema revision is not head.
    """
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    from tournament.store.migrate import alembic_config, current_revision, head_revision

    try:
        revision = current_revision(engine)
        tables = set(inspect(engine).get_table_names()) if revision is None else set()
    except DBAPIError as error:
        raise unreadable(url, error) from None
    shown, head = database_name(url), head_revision()
    if revision is None:
        raise EmptyDatabaseError(
            f"{shown} has no Tourney tables yet; submit or run something first "
            f"(a read-only store never creates them){_others(tables)}."
        )
    if revision == head:
        return
    try:
        known = ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        known = False
    if known:
        raise SchemaVersionError(
            f"{shown} is at schema revision {revision}, older than {head} which this "
            "Tourney reads; open it once with a command that writes (e.g. `tourney machines "
            "list`) to migrate it, since a read-only store never migrates."
        )
    raise SchemaVersionError(
        f"{shown} is at schema revision {revision}, which this Tourney does not know "
        f"(it reads {head}); install the Tourney that wrote it."
    )


def unreadable(url: str, error: DBAPIError) -> UserError:
    """The one-sentence error for a database that cannot be read (``error`` from the driver)."""
    detail = str(error.orig if error.orig is not None else error).strip().splitlines()[0]
    if _file(url) is not None:
        return UserError(
            f"{database_name(url)} could not be read as an SQLite database ({detail}); "
            "is it a Tourney database, and is it intact?"
        )
    return UserError(f"{database_name(url)} could not be read ({detail}).")


def database_name(url: str) -> str:
    """``database file PATH`` for an SQLite file, else ``database URL`` (password masked)."""
    path = _file(url)
    return f"database file {path}" if path is not None else f"database {shown_url(url)}"


def shown_url(url: str) -> str:
    """``url`` with any password masked (``url`` itself when it is not a URL)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _file(url: str) -> Path | None:
    return sqlite_path(url) if is_sqlite(url) else None


def _others(tables: set[str]) -> str:
    return f"; it holds only other tables ({', '.join(sorted(tables))})" if tables else ""
