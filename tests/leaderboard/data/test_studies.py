"""Optuna studies read through a read-only storage."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import optuna
import pytest

from leaderboard.data.studies import load_study, read_only_storage, study_names
from tournament.errors import UserError
from tournament.store import Store


def test_studies_of_the_seeded_database(seeded: Any) -> None:
    assert study_names(seeded.url) == ["search-digits"]
    study = load_study(seeded.url, "search-digits")
    assert study.directions == ("min", "max")
    assert study.metric_names == ("latency_p99_ms", "throughput_sps")
    assert [t.feasible for t in study.trials] == [True, True, False, True, True, True]
    assert all(t.state == "complete" for t in study.trials)
    with pytest.raises(UserError, match="study 'nope' does not exist"):
        load_study(seeded.url, "nope")


def test_objective_names_as_tourney_search_stores_them(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tourney.db'}"
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(study_name="s", storage=url, directions=["maximize", "minimize"])
    study.set_user_attr(
        "tourney",
        {"format": 1, "settings": {"objectives": ["throughput_sps", "cost_usd_per_million"]}},
    )
    trial = study.ask()
    trial.set_constraint("accuracy_gate", 0.02)  # infeasible
    study.tell(trial, [10.0, 1.0])
    loaded = load_study(url, "s")
    assert loaded.metric_names == ("throughput_sps", "cost_usd_per_million")
    assert loaded.directions == ("max", "min")
    assert [t.feasible for t in loaded.trials] == [False]
    optuna.create_study(study_name="bare", storage=url)
    assert load_study(url, "bare").metric_names == ("objective 0",)


def test_no_search_yet_means_no_studies_and_nothing_created(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tourney.db'}"
    Store(url).close()
    assert study_names(url) == []
    with sqlite3.connect(tmp_path / "tourney.db") as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    db.close()
    assert "studies" not in tables and "version_info" not in tables


def test_writes_through_the_storage_fail(seeded: Any) -> None:
    before = seeded.path.read_bytes()
    storage = read_only_storage(seeded.url)
    try:
        with pytest.raises(optuna.exceptions.StorageInternalError):
            storage.create_new_study([optuna.study.StudyDirection.MINIMIZE], "intruder")
    finally:
        storage.engine.dispose()
    assert seeded.path.read_bytes() == before


def test_unsupported_databases_are_a_user_error() -> None:
    with pytest.raises(UserError, match="SQLite or PostgreSQL"):
        read_only_storage("mysql://u@h/db")
