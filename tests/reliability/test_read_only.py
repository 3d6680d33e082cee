"""The leaderboard's connection cannot write: every kind of write fails, nothing changes."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from tournament.store import Store
from tournament.store.engine import make_engine

WRITES = [
    "INSERT INTO machines (id, spec, price_usd_per_hour) VALUES ('evil', '{}', 0)",
    "UPDATE submissions SET team = 'evil'",
    "DELETE FROM submissions",
    "CREATE TABLE evil (x INTEGER)",
    "DROP TABLE submissions",
]


def _each_write_fails(engine: Engine) -> None:
    for statement in WRITES:
        expected = pytest.raises(DBAPIError, match=r"(?i)read.?only|query_only")
        with expected, engine.begin() as connection:
            connection.exec_driver_sql(statement)


def test_leaderboard_sqlite_connection_cannot_write(tmp_path: Path) -> None:
    from leaderboard.data.source import open_read_only

    path = tmp_path / "board.db"
    url = f"sqlite:///{path}"
    with Store(url) as store:
        store.add_submission(_submission())
        counts = store.counts()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    engine = open_read_only(url)
    try:
        _each_write_fails(engine)
        with engine.connect() as connection:  # even with SQLite's query_only switched off,
            connection.exec_driver_sql("PRAGMA query_only = OFF")  # the file is opened mode=ro
            with pytest.raises(DBAPIError, match=r"(?i)read.?only"):
                connection.exec_driver_sql("DELETE FROM submissions")
    finally:
        engine.dispose()
    with Store(url) as store:
        assert store.counts() == counts
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_read_only_postgresql_session_cannot_write(pg_url: str) -> None:
    with Store(pg_url) as store:
        store.add_submission(_submission())
        counts = store.counts()
    engine = make_engine(pg_url, read_only=True)
    try:
        _each_write_fails(engine)
    finally:
        engine.dispose()
    with Store(pg_url) as store:
        assert store.counts() == counts


def _submission() -> Any:
    from tournament.schema.validate import parse_submission

    return parse_submission({"team": "t", "name": "n", "workload": "digits-cnn",
                             "variant": "small", "runtime": "onnxruntime"})  # fmt: skip
