"""Which database the leaderboard reads, whether it has data, and that it cannot write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from leaderboard.data.source import (
    DatabaseState,
    database_status,
    database_url,
    open_read_only,
    open_store,
    signature,
)
from tournament.errors import NotFoundError
from tournament.store import Store


def test_url_follows_the_tourney_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert database_url() == f"sqlite:///{tmp_path / 'home' / 'tourney.db'}"
    monkeypatch.setenv("TOURNEY_DB_URL", "sqlite:////elsewhere/x.db")
    assert database_url() == "sqlite:////elsewhere/x.db"


def test_missing_database_is_reported_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "none" / "tourney.db"
    assert database_status(f"sqlite:///{path}").state is DatabaseState.MISSING
    assert not path.exists()
    with pytest.raises(NotFoundError, match="does not exist"):
        open_store(f"sqlite:///{path}")


def test_empty_then_ready(tmp_path: Path, seeded: Any) -> None:
    url = f"sqlite:///{tmp_path / 'tourney.db'}"
    Store(url).close()  # migrated, no rows
    assert database_status(url).state is DatabaseState.EMPTY
    assert database_status(seeded.url).state is DatabaseState.READY


def test_database_without_tables_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.db"
    path.write_bytes(b"")
    assert database_status(f"sqlite:///{path}").state is DatabaseState.EMPTY
    assert path.read_bytes() == b""


def test_a_file_that_is_not_a_database_is_unreadable_with_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n")
    status = database_status(f"sqlite:///{path}")
    assert status.state is DatabaseState.UNREADABLE
    assert status.problem == (
        f"database file {path} could not be read as an SQLite database (file is not a "
        "database); is it a Tourney database, and is it intact?"
    )


def test_every_write_through_the_apps_store_fails(seeded: Any) -> None:
    before = seeded.path.read_bytes()
    with open_store(seeded.url) as store:
        for statement in (
            "DELETE FROM results",
            "UPDATE rounds SET status = 'draft'",
            "CREATE TABLE intruder (x INTEGER)",
        ):
            with (
                pytest.raises(OperationalError, match=r"readonly|read-only"),
                store.engine.begin() as c,
            ):
                c.execute(text(statement))
        assert store.counts()["results"] == 17
    engine = open_read_only(seeded.url)  # the engine kind the store reads through
    try:
        with pytest.raises(OperationalError, match=r"readonly|read-only"), engine.begin() as c:
            c.execute(text("DELETE FROM results"))
    finally:
        engine.dispose()
    assert seeded.path.read_bytes() == before


def test_signature_changes_when_a_result_is_recorded(seeded_copy: Any) -> None:
    with open_store(seeded_copy.url) as store:
        first = signature(seeded_copy.url, store)
        assert signature(seeded_copy.url, store) == first
        with Store(seeded_copy.url) as writer:
            writer.set_round_status("r2", "running")
        assert signature(seeded_copy.url, store) != first
