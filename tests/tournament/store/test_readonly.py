"""ReadOnlyStore: the store's reads on a database nothing can write through, never migrated.

Real databases: temporary SQLite files, and a throwaway PostgreSQL database when
``TOURNEY_TEST_PG_URL`` names a server (skipped otherwise).
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from tournament.errors import NotFoundError, UserError
from tournament.results import Result
from tournament.store import Store
from tournament.store.contract import StoreReader, StoreWriter
from tournament.store.migrate import VERSION_TABLE, upgrade
from tournament.store.readonly import EmptyDatabaseError, ReadOnlyStore, SchemaVersionError

WRITES = (
    "INSERT INTO machines (id, spec, price_usd_per_hour, tariff_usd_per_kwh, notes) "
    "VALUES ('evil', '{}', 0, 0, '')",
    "UPDATE submissions SET team = 'evil'",
    "DELETE FROM results",
    "CREATE TABLE evil (x INTEGER)",
    "DROP TABLE reproductions",
)
READS = [name for name in vars(StoreReader) if not name.startswith("_") and name != "url"]
"""The methods of the reader contract."""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fill(
    url: str, make_submission: Callable[..., Any], make_result: Callable[..., Result]
) -> None:
    """A store with a bit of everything a reader reads (made-up test data)."""
    with Store(url) as store:
        store.upsert_machine("local", {"id": "local", "note": "test data"}, 0.5, 0.15)
        store.create_round("r1", {"note": "test data"})
        store.transition_round("r1", ["draft"], "open")
        outside, _ = store.add_submission(make_submission(name="outside"))
        entry, _ = store.add_round_entry(make_submission(name="entered"), "r1")
        for sub_id, p50 in ((outside, 2.0), (entry, 3.0), (outside, 1.5)):
            (run_id,) = store.queue_runs("single-stream", {"p50": p50}, submission_ids=[sub_id])
            assert store.claim_run(run_id, worker="test")
            result_id = store.record_result(run_id, make_result(p50_ms=p50))
        store.add_reproduction(result_id, {"note": "test data"}, agrees=True)
        store.queue_runs("offline", {"queued": True}, submission_ids=[entry])


@pytest.fixture
def filled(
    db_url: str, make_submission: Callable[..., Any], make_result: Callable[..., Result]
) -> str:
    """URL of an SQLite file filled through the writable store (closed again)."""
    _fill(db_url, make_submission, make_result)
    return db_url


def _path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def _assert_reads_equal(url: str) -> None:
    with Store(url) as writable, ReadOnlyStore(url) as reader:
        assert reader.results() == writable.results()
        assert len(reader.results()) == 3
        for filters in ({"round_name": "r1"}, {"valid": True, "limit": 1}, {"team": "nobody"}):
            assert reader.results(**filters) == writable.results(**filters)
        for record in writable.results():
            assert reader.result(record.result_id) == writable.result(record.result_id)
        newest = reader.result(writable.results()[0].result_id)
        assert len(newest.result.latencies_ms) == 200 and len(newest.reproductions) == 1
        assert reader.submissions() == writable.submissions()
        assert reader.submissions(round_name="r1") == writable.submissions(round_name="r1")
        assert reader.submission(1) == writable.submission(1)
        assert reader.runs() == writable.runs() and reader.runs("queued") == writable.runs("queued")
        assert reader.run(1) == writable.run(1)
        assert reader.machines() == writable.machines()
        assert reader.machine("local") == writable.machine("local")
        assert reader.machine("nowhere") is None
        assert reader.rounds() == writable.rounds() and reader.round("r1") == writable.round("r1")
        assert reader.round_run_counts("r1") == writable.round_run_counts("r1")
        assert reader.counts() == writable.counts()
        with pytest.raises(NotFoundError, match="result 999 does not exist"):
            reader.result(999)
        with pytest.raises(NotFoundError, match="run 999 does not exist"):
            reader.run(999)


def _assert_writes_fail(url: str) -> None:
    with ReadOnlyStore(url) as reader:
        writes = [n for n in vars(StoreWriter) if not n.startswith("_") and n not in READS]
        assert writes and not [n for n in writes if hasattr(reader, n)]  # no write method
        for statement in WRITES:
            expected = pytest.raises(DBAPIError, match=r"(?i)read.?only|query_only")
            with expected, reader.engine.begin() as connection:
                connection.exec_driver_sql(statement)


def test_reads_equal_the_writable_stores(filled: str) -> None:
    _assert_reads_equal(filled)


def test_it_implements_the_reader_contract_with_the_stores_signatures() -> None:
    assert READS
    for name in READS:
        ours, theirs = getattr(ReadOnlyStore, name), getattr(Store, name)
        assert inspect.signature(ours) == inspect.signature(theirs), name


def test_writes_through_it_are_impossible(filled: str) -> None:
    before = _digest(_path(filled))
    _assert_writes_fail(filled)
    with ReadOnlyStore(filled) as reader, reader.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA query_only = OFF")  # the file itself is mode=ro
        with pytest.raises(DBAPIError, match=r"(?i)read.?only"):
            connection.exec_driver_sql("DELETE FROM submissions")
    assert _digest(_path(filled)) == before


def test_a_database_that_is_not_at_head_is_one_sentence_and_not_migrated(db_url: str) -> None:
    upgrade(db_url, "0002")
    before = _digest(_path(db_url))
    with pytest.raises(SchemaVersionError) as caught:
        ReadOnlyStore(db_url)
    message = str(caught.value)
    assert message.startswith(f"database file {_path(db_url)} is at schema revision 0002, older")
    assert "a read-only store never migrates" in message and "\n" not in message
    assert _digest(_path(db_url)) == before


def test_a_database_of_an_unknown_revision_is_one_sentence(filled: str) -> None:
    engine = create_engine(filled)
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(SchemaVersionError, match="at schema revision 9999, which this Tourney"):
        ReadOnlyStore(filled)


@pytest.mark.parametrize(
    "content",
    [b"", b"plain text, not a database\n", b"SQLite format 3\x00" + bytes(84), bytes(4096)],
    ids=["empty", "text", "bare-header", "zeros"],
)
def test_files_that_are_not_tourney_databases_are_one_sentence(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "tourney.db"
    path.write_bytes(content)
    with pytest.raises(UserError) as caught:
        ReadOnlyStore(f"sqlite:///{path}")
    message = str(caught.value)
    assert message.startswith(f"database file {path} ") and "\n" not in message
    if content:
        assert "could not be read as an SQLite database" in message
    else:
        assert isinstance(caught.value, EmptyDatabaseError)
        assert "has no Tourney tables yet" in message
    assert path.read_bytes() == content


def test_a_truncated_database_is_one_sentence(filled: str, tmp_path: Path) -> None:
    data = _path(filled).read_bytes()
    for size in (len(data) // 2, len(data) // 4, 1000):
        path = tmp_path / f"truncated-{size}.db"
        path.write_bytes(data[:size])
        with (
            pytest.raises(UserError, match="could not be read as an SQLite database"),
            ReadOnlyStore(f"sqlite:///{path}") as reader,  # at open, or at the first read
        ):
            reader.results()
            reader.result(3)
            reader.submissions()
            reader.runs()


def test_missing_files_and_bad_urls_are_one_sentence(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "tourney.db"
    with pytest.raises(NotFoundError, match=f"database file {missing} does not exist"):
        ReadOnlyStore(f"sqlite:///{missing}")
    assert not missing.parent.exists()
    with pytest.raises(UserError, match="database URL must be a URL such as sqlite:///"):
        ReadOnlyStore("not a url")


def test_default_url_is_the_configured_one(filled: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOURNEY_DB_URL", filled)
    with ReadOnlyStore() as reader:
        assert reader.url == filled and len(reader.results()) == 3


def test_postgresql_reads_equal_and_writes_fail(
    pg_url: str, make_submission: Callable[..., Any], make_result: Callable[..., Result]
) -> None:
    with pytest.raises(EmptyDatabaseError, match="has no Tourney tables yet"):
        ReadOnlyStore(pg_url)
    _fill(pg_url, make_submission, make_result)
    with Store(pg_url) as store:
        counts = store.counts()
    _assert_reads_equal(pg_url)
    _assert_writes_fail(pg_url)
    with Store(pg_url) as store:
        assert store.counts() == counts


def test_postgresql_not_at_head_is_one_sentence(pg_url: str) -> None:
    upgrade(pg_url, "0002")
    with pytest.raises(SchemaVersionError, match="is at schema revision 0002, older"):
        ReadOnlyStore(pg_url)
