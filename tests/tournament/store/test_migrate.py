"""Migrations: they build exactly the models' schema, idempotently, beside Optuna's tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from tournament.store import Store, make_engine, upgrade
from tournament.store.migrate import (
    VERSION_TABLE,
    current_revision,
    head_revision,
    schema_diff,
    upgrade_sql,
)
from tournament.store.models import Base


def test_migrated_database_matches_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision() == "0004"
    assert schema_diff(engine) == []
    tables = set(inspect(engine).get_table_names())
    assert tables == set(Base.metadata.tables) | {VERSION_TABLE}
    engine.dispose()


def test_schema_diff_sees_a_missing_index(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_results_valid"))
    diff = schema_diff(engine)
    engine.dispose()
    assert [entry[0] for entry in diff] == ["add_index"]
    assert diff[0][1].name == "ix_results_valid"


def test_upgrade_is_idempotent_and_keeps_data(db_url: str) -> None:
    with Store(db_url) as store:
        store.upsert_machine("local", {}, 0.0, 0.0)
    upgrade(db_url)
    with Store(db_url) as store:
        assert store.counts()["machines"] == 1


def test_optuna_storage_shares_the_database(tmp_path: Path) -> None:
    """Optuna first (its own ``alembic_version``), then the store, then both still work."""
    optuna = pytest.importorskip("optuna")
    db_url = f"sqlite:///{tmp_path / 'shared.db'}"
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(storage=db_url, study_name="s", directions=["minimize"])
    study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=2)
    with Store(db_url) as store:
        assert store.counts()["submissions"] == 0
        assert schema_diff(store.engine) == []
    assert len(optuna.load_study(study_name="s", storage=db_url).trials) == 2


def test_postgresql_sql_is_rendered_without_a_server() -> None:
    sql = upgrade_sql("postgresql://tourney@localhost/tourney")
    assert "CREATE TABLE results" in sql
    assert "TIMESTAMP WITH TIME ZONE" in sql
    assert "BYTEA" in sql
    assert f"INSERT INTO {VERSION_TABLE} (version_num) VALUES ('0001')" in sql


def test_postgresql_database_matches_the_models(pg_url: str) -> None:
    with Store(pg_url) as store:
        assert schema_diff(store.engine) == []
