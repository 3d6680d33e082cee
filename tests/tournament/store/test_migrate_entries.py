"""Migration 0002: a database of the first schema keeps every row as entries and runs by
configuration (SQLite here; PostgreSQL when ``TOURNEY_TEST_PG_URL`` names a server)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

from tournament.errors import UserError
from tournament.store import Store, make_engine
from tournament.store.migrate import current_revision, head_revision, schema_diff, upgrade

from .test_migrate_results import NOW, OLD_RESULT

TABLES = ("submissions", "runs", "results", "reproductions", "rounds", "leases")
LONG = "n" * 64
ENTRIES = [  # id, round, team, name, config_hash: what the first schema allowed
    (1, "", "team-a", "entry-1", "a" * 64),
    (2, "", "team-a", "entry-1", "b" * 64),  # the same team and name, another configuration
    (3, "r1", "team-b", "entry-1", "a" * 64),
    (4, "", "team-a", LONG, "c" * 64),
    (5, "", "team-a", LONG, "d" * 64),
]
RUNS = [(1, 1, 0), (2, 2, 0), (3, 3, 0), (4, 3, 1), (5, 5, 0)]  # id, submission, repeat


def _first_schema_database(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine, "0001")
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO rounds (name, spec, spec_sha256, status, created_at) "
                "VALUES ('r1', '{}', 'x', 'open', :now)"
            ),
            {"now": NOW},
        )
        for sub_id, round_name, team, name, config_hash in ENTRIES:
            c.execute(
                text(
                    "INSERT INTO submissions (id, config_hash, round_name, team, name, workload, "
                    "variant, runtime, quantization, batch_size, machine, config, document, "
                    "origin, created_at) VALUES (:id, :hash, :round, :team, :name, 'digits-cnn', "
                    "'small', 'onnxruntime', 'fp32', 1, 'local', '{}', :document, 'human', :now)"
                ),
                {
                    "id": sub_id,
                    "hash": config_hash,
                    "round": round_name,
                    "team": team,
                    "name": name,
                    "document": json.dumps({"team": team, "name": name}),
                    "now": NOW,
                },
            )
        for run_id, sub_id, repeat in RUNS:
            c.execute(
                text(
                    "INSERT INTO runs (id, submission_id, scenario, rules, rules_sha256, repeat, "
                    "status, attempts, queued_at) VALUES (:id, :sub, 'server', '{}', 'x', "
                    ":repeat, 'done', 1, :now)"
                ),
                {"id": run_id, "sub": sub_id, "repeat": repeat, "now": NOW},
            )
        columns = ", ".join(OLD_RESULT)
        values = ", ".join(f":{k}" for k in OLD_RESULT)
        c.execute(text(f"INSERT INTO results ({columns}) VALUES ({values})"), OLD_RESULT)
        c.execute(
            text(
                "INSERT INTO reproductions (id, result_id, report, agrees, created_at) "
                "VALUES (1, 1, '{}', true, :now)"
            ),
            {"now": NOW},
        )
        c.execute(
            text("INSERT INTO leases (name, owner, expires_at) VALUES ('round:r1', 'o', :now)"),
            {"now": NOW},
        )
        if c.dialect.name == "postgresql":  # rows inserted with their ids: move the sequences on
            for table in ("submissions", "runs", "results", "reproductions"):
                c.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    engine.dispose()


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as c:
        counts = {t: int(c.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in TABLES}
    engine.dispose()
    return counts


def _check_migrated(url: str, make_submission: Any) -> None:
    before = _counts(url)
    assert before == {
        "submissions": 5,
        "runs": 5,
        "results": 1,
        "reproductions": 1,
        "rounds": 1,
        "leases": 1,
    }
    with Store(url) as store:  # opening migrates to head
        assert current_revision(store.engine) == head_revision()
        assert schema_diff(store.engine) == []
        assert _counts(url) == before  # no row lost, reproductions (ON DELETE CASCADE) included
        names = {s.id: s.name for s in store.submissions()}
        assert names == {1: "entry-1", 2: "entry-1.2", 3: "entry-1", 4: LONG, 5: "n" * 62 + ".5"}
        runs = {r.id: (r.round_name, r.config_hash) for r in store.runs()}
        assert runs == {1: ("", "a" * 64), 2: ("", "b" * 64), 3: ("r1", "a" * 64)} | {
            4: ("r1", "a" * 64),
            5: ("", "d" * 64),
        }
        (record,) = store.results()
        assert (record.entry.submission_id, record.shared_with) == (1, ())
        assert store.result(1).reproductions[0].id == 1
        # the migrated database follows the new rules: another team shares the old result
        sub = make_submission(team="team-c", name="mine")
        new_id, created = store.add_submission(sub)
        assert created and new_id == 6
        queued = store.queue_runs("single-stream", {}, submission_ids=[new_id])
        assert len(queued) == 1 and store.run(queued[0]).config_hash == sub.config_hash
        with pytest.raises(UserError, match="already has an entry 'mine'"):
            store.add_submission(make_submission(team="team-c", name="mine", batch_size=2))


def test_a_first_schema_database_migrates_without_losing_rows(
    db_url: str, make_submission: Any
) -> None:
    _first_schema_database(db_url)
    _check_migrated(db_url, make_submission)


def test_a_first_schema_database_migrates_on_postgresql(make_submission: Any, pg_url: str) -> None:
    _first_schema_database(pg_url)
    _check_migrated(pg_url, make_submission)
