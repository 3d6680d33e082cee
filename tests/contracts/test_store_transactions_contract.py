"""The store contract, part 2: every write is one transaction, bad input writes nothing, a busy
database is waited for, one instance is shared by threads (SQLite and PostgreSQL)."""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url

from tournament.errors import NotFoundError, UserError
from tournament.store import Store

from .conftest import RULES, MakeResult, queued_run, submission, table_counts

# -- one transaction per write -------------------------------------------------------------------


def _failing(store: Store, statement: str, nth: int = 1) -> Callable[..., None]:
    """A listener failing the ``nth`` SQL statement that starts with ``statement``."""
    seen = [0]

    def fail(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if " ".join(sql.split()).upper().startswith(statement):
            seen[0] += 1
            if seen[0] == nth:
                raise RuntimeError(f"injected failure of {statement}")

    return fail


def _record(store: Store, make_result: MakeResult) -> Callable[[], Any]:
    run_id = queued_run(store)
    return lambda: store.record_result(run_id, make_result())


def _queue(store: Store, make_result: MakeResult) -> Callable[[], Any]:
    store.add_submission(submission())
    return lambda: store.queue_runs("single-stream", RULES, repeats=3)


def _close(store: Store, make_result: MakeResult) -> Callable[[], Any]:
    store.create_round("r3", {"name": "r3"})
    store.transition_round("r3", ["draft"], "open")
    queued_run(store, round_name="r3")
    return lambda: store.transition_round("r3", ["open"], "closed")


def _submit(store: Store, make_result: MakeResult) -> Callable[[], Any]:
    return lambda: store.add_submission(submission(team="team-z"))


WRITES = [
    pytest.param(_record, "INSERT INTO RESULTS", 1, id="record_result-insert"),
    pytest.param(_record, "UPDATE RUNS", 1, id="record_result-update-run"),
    pytest.param(_queue, "INSERT INTO RUNS", 1, id="queue_runs-first-insert"),
    pytest.param(_queue, "INSERT INTO RUNS", 2, id="queue_runs-second-insert"),
    pytest.param(_close, "UPDATE RUNS", 1, id="close-round-cancel-runs"),
    pytest.param(_submit, "INSERT INTO SUBMISSIONS", 1, id="add_submission"),
]


@pytest.mark.parametrize(("prepare", "statement", "nth"), WRITES)
def test_a_write_that_fails_midway_leaves_nothing(
    store: Store, make_result: MakeResult, prepare: Any, statement: str, nth: int
) -> None:
    write = prepare(store, make_result)
    runs, rounds, before = store.runs(), store.rounds(), table_counts(store)
    listener = _failing(store, statement, nth)
    event.listen(store.engine, "before_cursor_execute", listener)
    try:
        write()
    except RuntimeError as error:
        assert "injected failure" in str(error)
    else:  # the database wrote those rows with fewer statements: fail the first one instead
        assert nth > 1, f"no {statement} statement was executed"
        pytest.skip(f"{statement} runs fewer than {nth} times here (rows batched in one)")
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)
    assert table_counts(store) == before
    assert store.runs() == runs and store.rounds() == rounds
    write()  # and the same write succeeds afterwards
    assert table_counts(store) != before or store.runs() != runs or store.rounds() != rounds


def test_missing_ids_fail_the_whole_queue_call(store: Store) -> None:
    sub_id, _ = store.add_submission(submission())
    with pytest.raises(NotFoundError):
        store.queue_runs("single-stream", RULES, submission_ids=[sub_id, 10_000])
    assert table_counts(store)["runs"] == 0


def test_bad_input_is_a_user_error_before_anything_is_written(store: Store) -> None:
    store.add_submission(submission())
    before = table_counts(store)
    bad: list[Callable[[], Any]] = [
        lambda: store.queue_runs("single-stream", RULES, repeats=0),
        lambda: store.queue_runs("", RULES),
        lambda: store.acquire_lease("lease", "a", 0.0),
        lambda: store.renew_lease("lease", "a", -1.0),
        lambda: store.upsert_machine("bad id!", {}, 1.0, 0.1),
        lambda: store.upsert_machine("m", {}, -1.0, 0.1),
        lambda: store.upsert_machine("m", {}, 1.0, math.inf),
        lambda: store.transition_round("nope", ["draft"], "sideways"),
        lambda: store.add_submission(submission(name="n2", batch_size=2), origin="robot"),
        lambda: store.entry_problems([submission()], origin="robot"),
    ]
    for call in bad:
        with pytest.raises(UserError) as raised:
            call()
        for problem in raised.value.problems:
            assert problem.strip() and "\n" not in problem, problem
    assert table_counts(store) == before


def test_a_write_waits_for_a_busy_database(store: Store, kind: str, url: str) -> None:
    """Another connection holds the write lock for 0.5 s: the write waits, then happens."""
    run_id = queued_run(store)
    store.fail_run(run_id, "x")
    store.reset_run(run_id)
    release = threading.Event()
    locked = threading.Event()

    def hold() -> None:
        if kind == "sqlite":
            path = make_url(url).database
            assert path
            raw = sqlite3.connect(path, isolation_level=None)
            raw.execute("BEGIN IMMEDIATE")
            locked.set()
            release.wait(10)
            raw.execute("ROLLBACK")
            raw.close()
            return
        engine = create_engine(url)
        with engine.connect() as connection:
            connection.exec_driver_sql("LOCK TABLE runs IN ACCESS EXCLUSIVE MODE")
            locked.set()
            release.wait(10)
            connection.rollback()
        engine.dispose()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(10)
    timer = threading.Timer(0.5, release.set)
    timer.start()
    start = time.monotonic()
    try:
        assert store.claim_run(run_id, "patient") is True
    finally:
        release.set()
        holder.join()
        timer.cancel()
    assert time.monotonic() - start >= 0.4
    assert store.run(run_id).worker == "patient"


def test_one_instance_is_shared_by_threads(store: Store, make_result: MakeResult) -> None:
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            run_id = queued_run(store, submission(team=f"team-{i}", name=f"e{i}", batch_size=i + 1))
            store.record_result(run_id, make_result(1.0 + i))
            store.results()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    counts = table_counts(store)
    assert (counts["submissions"], counts["runs"], counts["results"]) == (6, 6, 6)


def test_record_results_is_all_or_nothing_and_idempotent(
    store: Store, make_result: MakeResult
) -> None:
    first = queued_run(store, submission(name="bulk-1"))
    second = queued_run(store, submission(name="bulk-2", batch_size=2))
    before = table_counts(store)
    with pytest.raises(NotFoundError):  # one missing run: nothing at all is written
        store.record_results([(first, make_result()), (999_999, make_result())])
    with pytest.raises(UserError, match="once"):
        store.record_results([(first, make_result()), (first, make_result())])
    assert table_counts(store) == before
    ids = store.record_results([(first, make_result()), (second, make_result())])
    assert len(set(ids)) == 2 and table_counts(store)["results"] == before["results"] + 2
    assert store.record_results([(second, make_result())]) == [ids[1]]  # kept, not repeated
    assert {r.status for r in store.runs()} == {"done"}
