"""Which database the leaderboard reads, whether it has data, and that it cannot write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from leaderboard.data.source import (
    DatabaseState,
    database_state,
    database_url,
    open_read_only,
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
    assert database_state(f"sqlite:///{path}") is DatabaseState.MISSING
    assert not path.exists()
    with pytest.raises(NotFoundError):
        open_read_only(f"sqlite:///{path}")


def test_empty_then_ready(tmp_path: Path, seeded: Any) -> None:
    url = f"sqlite:///{tmp_path / 'tourney.db'}"
    Store(url).close()  # migrated, no rows
    assert database_state(url) is DatabaseState.EMPTY
    assert database_state(seeded.url) is DatabaseState.READY


def test_database_without_tables_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.db"
    path.write_bytes(b"")
    assert database_state(f"sqlite:///{path}") is DatabaseState.EMPTY


def test_every_write_through_the_apps_engine_fails(seeded: Any) -> None:
    before = seeded.path.read_bytes()
    engine = open_read_only(seeded.url)
    try:
        for statement in (
            "DELETE FROM results",
            "UPDATE rounds SET status = 'draft'",
            "CREATE TABLE intruder (x INTEGER)",
        ):
            with pytest.raises(OperationalError, match=r"readonly|read-only"), engine.begin() as c:
                c.execute(text(statement))
        with engine.connect() as c:
            assert c.execute(text("SELECT count(*) FROM results")).scalar() == 17
    finally:
        engine.dispose()
    assert seeded.path.read_bytes() == before


def test_signature_changes_when_a_result_is_recorded(seeded_copy: Any) -> None:
    engine = open_read_only(seeded_copy.url)
    first = signature(seeded_copy.url, engine)
    assert signature(seeded_copy.url, engine) == first
    with Store(seeded_copy.url) as store:
        store.set_round_status("r2", "running")
    assert signature(seeded_copy.url, engine) != first
    engine.dispose()
