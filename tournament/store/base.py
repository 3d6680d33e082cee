"""The store's connection handling, shared by its parts: sessions, counts, backup, closing.

:class:`ReadBase` is what reading needs; :class:`StoreBase` adds migration and writing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Self

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tournament.config import db_url
from tournament.errors import UserError
from tournament.store.engine import make_engine, sqlite_path, writer
from tournament.store.migrate import upgrade
from tournament.store.models import TABLES


class ReadBase:
    """What the read parts of the store need: an ``engine``, read transactions, counts, closing.

    The read parts (``ResultsReads``, ``SubmissionsReads``, ``RunsReads``, ``RoundsReads``,
    ``MachinesReads``, ``LeasesReads``) build on this class only, so they cannot write;
    :class:`StoreBase` (the writable store) and
    :class:`~tournament.store.readonly.ReadOnlyStore` both use them. Subclasses set ``url``
    and ``engine``.
    """

    url: str
    engine: Engine

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    def counts(self) -> dict[str, int]:
        """Rows per table of the store (Optuna's tables are not counted)."""
        with self._read() as session:
            return {
                table.name: session.scalar(select(func.count()).select_from(table)) or 0
                for table in TABLES
            }

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class StoreBase(ReadBase):
    """Opens the database at ``url`` (default :func:`tournament.config.db_url`), migrated to head.

    Every public write is one transaction run through :func:`~tournament.store.retry.retrying`;
    reads see a consistent snapshot. Instances are safe to share between threads (one session
    per call); every process opens its own.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = url or db_url()
        self.engine = make_engine(self.url)
        self._writer = writer(self.engine)
        upgrade(self.engine)

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            yield session

    def backup(self, path: str | Path) -> Path:
        """A consistent copy of an SQLite database at ``path``, taken while others may write.

        Raises:
            UserError: the store is not SQLite, or ``path`` is the database itself.
        """
        if self.engine.dialect.name != "sqlite":
            raise UserError(
                f"backup copies SQLite databases only; for {self.engine.dialect.name} use its "
                "own tool (pg_dump for PostgreSQL)."
            )
        target = Path(path).expanduser().resolve()
        source = sqlite_path(self.url)
        if source is not None and source.resolve() == target:
            raise UserError(f"backup path {target} is the database itself; choose another file.")
        target.parent.mkdir(parents=True, exist_ok=True)
        raw = self.engine.raw_connection()
        try:
            with sqlite3.connect(target) as copy:
                raw.driver_connection.backup(copy)  # type: ignore[union-attr]
            copy.close()
        finally:
            raw.close()
        return target
