"""Engines: SQLite pragmas on every connection, read-only engines refuse writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from tournament.config import db_url
from tournament.errors import NotFoundError
from tournament.store import Store, make_engine


def test_sqlite_connections_are_tuned(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.connect() as connection:
        pragma = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    engine.dispose()
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 1,  # NORMAL
        "foreign_keys": 1,
        "busy_timeout": 30000,
    }


def test_parent_directory_is_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "tourney.db"
    with Store(f"sqlite:///{path}"):
        pass
    assert path.is_file()


def test_default_url_is_the_file_in_tourney_home(_tourney_home: Path) -> None:
    with Store() as store:
        assert store.url == db_url() == f"sqlite:///{_tourney_home / 'tourney.db'}"
    assert (_tourney_home / "tourney.db").is_file()


def test_read_only_engine_reads_and_refuses_an_insert(db_url: str) -> None:
    with Store(db_url) as store:
        store.upsert_machine("local", {"cores": 2}, 0.1, 0.2)
    before = Store(db_url).counts()

    engine = make_engine(db_url, read_only=True)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT id FROM machines")).scalars().all() == ["local"]
    with (
        pytest.raises(OperationalError, match=r"readonly|read-only|read only"),
        engine.begin() as c,
    ):
        c.execute(
            text(
                "INSERT INTO leases (name, owner, expires_at) "
                "VALUES ('x', 'me', '2030-01-01 00:00:00')"
            )
        )
    engine.dispose()
    assert Store(db_url).counts() == before


def test_read_only_engine_on_a_missing_file_names_it(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.db"
    with pytest.raises(NotFoundError, match=r"nothing\.db does not exist"):
        make_engine(f"sqlite:///{missing}", read_only=True)
    assert not missing.exists()
