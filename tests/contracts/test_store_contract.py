"""The store contract (``tournament/store/contract.py``) on SQLite and on PostgreSQL.

Like Optuna's storage test case, one suite runs against every implementation on real
databases: :class:`~tournament.store.Store` (the :class:`StoreWriter`) on a fresh SQLite file
and on a scratch PostgreSQL database (``TOURNEY_TEST_PG_URL``; skipped without a server), and
the :class:`StoreReader` half on both ``Store`` and
:class:`~tournament.store.readonly.ReadOnlyStore`. The last part checks the implementations
against the protocols themselves (methods and signatures, by ``inspect``).
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import json
import math
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from itertools import cycle
from typing import Any

import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url

from tournament.errors import NotFoundError, StateError, UserError
from tournament.results import (
    METRICS,
    Artifact,
    Estimate,
    IntervalKind,
    Pricing,
    Provenance,
    Quality,
    Result,
)
from tournament.schema import Submission
from tournament.store import Store
from tournament.store.contract import StoreReader, StoreWriter
from tournament.store.models import TABLES
from tournament.store.readonly import ReadOnlyStore
from tournament.store.records import EntryRef, ResultRecord

from .conftest import Databases, submission

KINDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql")]
READERS: dict[str, Callable[[str], Any]] = {"Store": Store, "ReadOnlyStore": ReadOnlyStore}
RULES = {"min_queries": 20, "min_duration_s": 0.1}
MakeResult = Callable[..., Result]


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def url(kind: str, fresh_database: Callable[[str], str]) -> str:
    """A new database of ``kind`` with the schema at head and no rows."""
    return fresh_database(kind)


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    with Store(url) as opened:
        yield opened


def _run(store: Store, sub: Submission | None = None, *, round_name: str = "") -> int:
    """A queued run of ``sub`` (default: a digits entry) in ``round_name``, claimed by ``w``."""
    sub_id, _ = store.add_submission(sub or submission(), round_name=round_name)
    (run_id,) = store.queue_runs("single-stream", RULES, submission_ids=[sub_id])
    assert store.claim_run(run_id, "w")
    return run_id


def _tables(store: Any) -> dict[str, int]:
    return dict(store.counts())


# == StoreWriter ===============================================================================

# -- add_submission ----------------------------------------------------------------------------


def test_add_submission_is_idempotent(store: Store) -> None:
    sub = submission()
    first = store.add_submission(sub, source_file="a.yaml")
    assert first[1] is True
    assert store.add_submission(sub, source_file="a.yaml") == (first[0], False)
    assert store.add_submission(Submission.model_validate(sub.model_dump())) == (first[0], False)
    assert _tables(store)["submissions"] == 1
    stored = store.submission(first[0])
    assert stored is not None and (stored.team, stored.name) == (sub.team, sub.name)
    assert stored.source_file == "a.yaml" and stored.config_hash == sub.config_hash


def test_refused_submissions_write_nothing(store: Store) -> None:
    store.add_submission(submission())
    before = _tables(store)
    refused = [
        (submission(batch_size=8), "name"),  # same team and name, another configuration
        (submission(name="entry-2"), "name"),  # same team and configuration, another name
    ]
    for sub, field in refused:
        with pytest.raises(UserError) as raised:
            store.add_submission(sub)
        assert all(p.startswith(f"{field}:") for p in raised.value.problems), raised.value
    with pytest.raises(UserError, match="origin"):
        store.add_submission(submission(name="other", batch_size=4), origin="robot")
    assert _tables(store) == before


def test_entry_problems_writes_nothing(store: Store) -> None:
    store.add_submission(submission())
    before = _tables(store)
    problems = store.entry_problems(
        [submission(), submission(batch_size=8), submission(team="team-b", name="x")]
    )
    assert problems[0] is None and problems[2] is None
    assert isinstance(problems[1], str) and problems[1]
    assert _tables(store) == before


def test_one_file_added_from_many_threads_is_one_entry(store: Store) -> None:
    sub, answers = submission(), []
    barrier = threading.Barrier(4)

    def add() -> None:
        barrier.wait()
        answers.append(store.add_submission(sub))

    threads = [threading.Thread(target=add) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({entry_id for entry_id, _ in answers}) == 1
    assert sorted(created for _, created in answers) == [False, False, False, True]
    assert _tables(store)["submissions"] == 1


# -- runs --------------------------------------------------------------------------------------


def test_queue_runs_queues_each_run_once(store: Store) -> None:
    sub_id, _ = store.add_submission(submission())
    queued = store.queue_runs("single-stream", RULES, repeats=3)
    assert len(queued) == 3 and queued == sorted(queued)
    assert store.queue_runs("single-stream", RULES, repeats=3) == []
    assert [t.run_id for t in store.pending_runs()] == queued
    assert {run.submission_id for run in store.runs()} == {sub_id}


def test_claim_run_is_exclusive(store: Store) -> None:
    store.add_submission(submission())
    (run_id,) = store.queue_runs("single-stream", RULES)
    wins: list[bool] = []
    barrier = threading.Barrier(4)

    def claim(worker: str) -> None:
        barrier.wait()
        wins.append(store.claim_run(run_id, worker))

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False, False, False, True]
    assert store.run(run_id).status == "running" and store.run(run_id).attempts == 1
    with pytest.raises(NotFoundError):
        store.claim_run(10_000, "w")


def test_run_state_changes(store: Store, make_result: MakeResult) -> None:
    run_id = _run(store)
    assert store.fail_run(run_id, "boom") is True
    assert store.fail_run(run_id, "again") is False  # it had ended already
    assert store.run(run_id).status == "failed" and store.run(run_id).error == "boom"
    store.reset_run(run_id)
    assert store.run(run_id).status == "queued"
    assert store.claim_run(run_id, "w2")
    assert store.requeue_running() == 1 and store.run(run_id).status == "queued"
    assert store.claim_run(run_id, "w3")
    store.record_result(run_id, make_result())
    with pytest.raises(StateError):
        store.reset_run(run_id)  # done: its result is kept
    assert store.run(run_id).status == "done"
    assert store.cancel_run(run_id) is False  # it had ended already
    other = _run(store, submission(team="team-b", batch_size=2))
    assert store.cancel_run(other) is True and store.cancel_run(other) is False
    assert store.run(other).status == "cancelled"
    with pytest.raises(NotFoundError):
        store.cancel_run(10_000)


# -- record_result -----------------------------------------------------------------------------


def test_record_result_is_idempotent_per_run(store: Store, make_result: MakeResult) -> None:
    run_id = _run(store)
    first = store.record_result(run_id, make_result(2.0))
    assert store.record_result(run_id, make_result(5.0)) == first
    assert _tables(store)["results"] == 1
    assert store.result(first).value("latency_p50_ms") == pytest.approx(2.0)
    assert store.run(run_id).status == "done"


def test_record_result_of_another_scenario_writes_nothing(
    store: Store, make_result: MakeResult
) -> None:
    run_id = _run(store)
    before = _tables(store)
    with pytest.raises(Exception, match="scenario"):
        store.record_result(run_id, make_result(scenario="offline"))
    assert _tables(store) == before and store.run(run_id).status == "running"
    with pytest.raises(NotFoundError):
        store.record_result(10_000, make_result())


def _every_figure() -> dict[str, Estimate]:
    """Every metric of the table, values spread over 16 decades, each provenance and interval
    kind, some without interval."""
    provenances, kinds = cycle(Provenance), cycle(IntervalKind)
    figures = {}
    for i, m in enumerate(METRICS):
        value = 1.2345678901234567 * 10.0 ** (i - 8)
        bounds: dict[str, Any] = {}
        if i % 4 != 3:
            bounds = {"ci_low": value * 0.9, "ci_high": value * 1.1, "interval": next(kinds)}
        figures[m.name] = Estimate(
            value,
            unit=m.unit,
            provenance=next(provenances),
            method=f"método {i} of {m.name} ({'x' * i})",
            **bounds,
        )
    return figures


def test_results_round_trip_every_figure_with_its_provenance_and_interval(
    store: Store, make_result: MakeResult
) -> None:
    result = make_result(
        figures=_every_figure(),
        quality=Quality(0.97, "top1_accuracy", True, 0.98, 0.99, "top-1 accuracy"),
        artifact=Artifact("cd" * 32, 123_456_789, {"format": "onnx", "ops": ["Conv", "Gemm"]}),
        environment={"torch": "2.13.0", "nested": {"π": math.pi, "list": [1, None, "z"]}},
        pricing=Pricing(0.15, 0.3, 1234.5, "int8", "cpu", "prices.yaml"),
        rules={**RULES, "seed": 3},
        extra={"harness_overhead_us": 4.0, "tiny": 5e-324, "huge": 1.7976931348623157e308},
        power_trace=((0.0, 3.0), (0.25, 3.125), (0.5, 2.9)),
    )
    result_id = store.record_result(_run(store), result)
    stored = store.result(result_id).result
    assert dict(stored.figures) == dict(result.figures)
    for name, estimate in stored.figures.items():
        assert estimate.provenance == result.figures[name].provenance, name
        assert estimate.interval == result.figures[name].interval, name
    assert stored.quality == result.quality and stored.artifact == result.artifact
    assert stored.pricing == result.pricing and stored.power_trace == result.power_trace
    assert dict(stored.environment) == dict(result.environment)
    assert dict(stored.rules) == dict(result.rules) and dict(stored.extra) == dict(result.extra)
    assert (stored.queries, stored.samples, stored.batch_size) == (
        result.queries,
        result.samples,
        result.batch_size,
    )
    assert stored.duration_s == result.duration_s and stored.min_rules_met is result.min_rules_met
    assert stored.latencies_ms == pytest.approx(result.latencies_ms, rel=1e-6)  # float32
    (listed,) = store.results()
    assert dict(listed.result.figures) == dict(result.figures)
    assert listed.result.latencies_ms == () and listed.result.power_trace == ()


def test_closed_rounds_refuse_results(store: Store, make_result: MakeResult) -> None:
    assert store.create_round("r1", {"name": "r1"}) is True
    assert store.transition_round("r1", ["draft"], "open") is True
    run_id = _run(store, submission(), round_name="r1")
    assert store.transition_round("r1", ["open", "running"], "closed") is True
    assert store.run(run_id).status == "cancelled"  # closing cancels the round's runs
    before = _tables(store)
    with pytest.raises(StateError):
        store.record_result(run_id, make_result())
    with pytest.raises(StateError):
        store.add_round_entry(submission(team="team-late"), "r1")
    assert _tables(store) == before
    assert store.results(round_name="r1") == []


def test_add_round_entry_takes_entries_only_while_open(store: Store) -> None:
    store.create_round("r4", {"name": "r4"})
    with pytest.raises(StateError):
        store.add_round_entry(submission(), "r4")  # a draft
    with pytest.raises(NotFoundError):
        store.add_round_entry(submission(), "nope")
    assert _tables(store)["submissions"] == 0
    store.transition_round("r4", ["draft"], "open")
    first = store.add_round_entry(submission(), "r4", source_file="e.yaml")
    assert first[1] is True
    assert store.add_round_entry(submission(), "r4", source_file="e.yaml") == (first[0], False)
    with pytest.raises(UserError):
        store.add_round_entry(submission(batch_size=8), "r4")  # the name is taken
    entry = store.submission(first[0])
    assert entry is not None and entry.round_name == "r4"
    assert _tables(store)["submissions"] == 1


def test_results_of_open_rounds_are_accepted_and_labelled(
    store: Store, make_result: MakeResult
) -> None:
    store.create_round("r2", {"name": "r2"})
    store.transition_round("r2", ["draft"], "open")
    result_id = store.record_result(_run(store, round_name="r2"), make_result())
    environment = store.result(result_id).result.environment
    round_row = store.round("r2")
    assert round_row is not None
    assert environment["round"] == "r2"
    assert environment["round_spec_sha256"] == round_row.spec_sha256


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
    run_id = _run(store)
    return lambda: store.record_result(run_id, make_result())


def _queue(store: Store, make_result: MakeResult) -> Callable[[], Any]:
    store.add_submission(submission())
    return lambda: store.queue_runs("single-stream", RULES, repeats=3)


def _close(store: Store, make_result: MakeResult) -> Callable[[], Any]:
    store.create_round("r3", {"name": "r3"})
    store.transition_round("r3", ["draft"], "open")
    _run(store, round_name="r3")
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
    runs, rounds, before = store.runs(), store.rounds(), _tables(store)
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
    assert _tables(store) == before
    assert store.runs() == runs and store.rounds() == rounds
    write()  # and the same write succeeds afterwards
    assert _tables(store) != before or store.runs() != runs or store.rounds() != rounds


def test_missing_ids_fail_the_whole_queue_call(store: Store) -> None:
    sub_id, _ = store.add_submission(submission())
    with pytest.raises(NotFoundError):
        store.queue_runs("single-stream", RULES, submission_ids=[sub_id, 10_000])
    assert _tables(store)["runs"] == 0


def test_bad_input_is_a_user_error_before_anything_is_written(store: Store) -> None:
    store.add_submission(submission())
    before = _tables(store)
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
    assert _tables(store) == before


def test_a_write_waits_for_a_busy_database(store: Store, kind: str, url: str) -> None:
    """Another connection holds the write lock for 0.5 s: the write waits, then happens."""
    run_id = _run(store)
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
            run_id = _run(store, submission(team=f"team-{i}", name=f"e{i}", batch_size=i + 1))
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
    counts = _tables(store)
    assert (counts["submissions"], counts["runs"], counts["results"]) == (6, 6, 6)


# -- records ------------------------------------------------------------------------------------


def test_records_are_frozen_and_never_change(store: Store, make_result: MakeResult) -> None:
    result_id = store.record_result(_run(store), make_result())
    listed, full = store.results(), store.result(result_id)
    kept = copy.deepcopy((listed, full))
    for frozen in (full, full.entry, full.result, full.result.quality, full.result.artifact):
        field = dataclasses.fields(frozen)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(frozen, field, None)
    for estimate in full.result.figures.values():
        with pytest.raises(dataclasses.FrozenInstanceError):
            estimate.value = 0.0  # type: ignore[misc]
    # Later writes leave records already returned alone.
    store.add_reproduction(result_id, {"latency_p50_ms": {"agrees": True}}, agrees=True)
    second = store.record_result(
        _run(store, submission(team="team-b", batch_size=2)), make_result(3.0)
    )
    store.create_round("later", {"name": "later"})
    assert (listed, full) == kept
    assert isinstance(full, ResultRecord) and isinstance(full.entry, EntryRef)
    assert {r.result_id for r in store.results()} == {result_id, second}


def _reads(store: Any, result_id: int) -> dict[str, Callable[[], Any]]:
    """Every read of the reader protocol, on the rows :func:`_filled_for_reads` wrote."""
    return {
        "submission": lambda: store.submission(1),
        "submissions": lambda: store.submissions(),
        "run": lambda: store.run(1),
        "runs": lambda: store.runs(),
        "machine": lambda: store.machine("m1"),
        "machines": lambda: store.machines(),
        "round": lambda: store.round("r"),
        "rounds": lambda: store.rounds(),
        "lease": lambda: store.lease("round:r"),
        "result": lambda: store.result(result_id),
        "results": lambda: store.results(),
        "round_run_counts": lambda: store.round_run_counts("r"),
        "counts": lambda: store.counts(),
    }


def _filled_for_reads(store: Store, make_result: MakeResult) -> int:
    result_id = store.record_result(_run(store), make_result())
    store.add_reproduction(result_id, {"p50": {"agrees": True}}, agrees=True)
    store.upsert_machine("m1", {"id": "m1", "cpu": {"flags": ["avx2"]}}, 0.1, 0.2)
    store.create_round("r", {"name": "r", "nested": {"a": [1, 2]}})
    store.acquire_lease("round:r", "a", 30)
    return result_id


def test_reads_are_frozen_records_new_on_every_read(store: Store, make_result: MakeResult) -> None:
    """Records are frozen dataclasses; every read returns new ones (nothing shared between two
    reads, JSON mappings included); ``to_dict()`` is plain data the caller may change."""
    result_id = _filled_for_reads(store, make_result)
    for what, read in _reads(store, result_id).items():
        first, second = read(), read()
        assert first == second, what
        for a, b in zip(_items(first), _items(second), strict=True):
            if isinstance(a, dict):  # counts: plain dicts of ints
                assert a is not b and all(type(v) is int for v in a.values()), what
                continue
            assert dataclasses.is_dataclass(a) and a is not b, what
            field = dataclasses.fields(a)[0].name
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(a, field, None)
            for key, value in _mappings(a):
                assert value is not _mapping(b, key), f"{what}.{key} is shared between reads"
            if hasattr(a, "to_dict"):
                plain = a.to_dict()
                _assert_plain(plain, what)
                _scribble(plain)
                assert a == b, f"changing {what}.to_dict() changed the record"


def _items(read: Any) -> list[Any]:
    return list(read) if isinstance(read, list) else [read]


def _mappings(record: Any) -> list[tuple[str, Any]]:
    """The record's JSON mappings (and those of a result's own records), by path."""
    found = []
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if isinstance(value, dict):
            found.append((f.name, value))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            found += [(f"{f.name}.{k}", v) for k, v in _mappings(value)]
    return found


def _mapping(record: Any, path: str) -> Any:
    for part in path.split("."):
        record = getattr(record, part)
    return record


def _assert_plain(value: Any, where: str) -> None:
    """JSON-like data: str keys, str/int/float/bool/None leaves (datetimes aware UTC)."""
    if isinstance(value, datetime):
        assert value.tzinfo is not None and value.utcoffset() == UTC.utcoffset(value), where
        return
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str), where
            _assert_plain(item, f"{where}[{key!r}]")
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _assert_plain(item, f"{where}[{i}]")
        return
    assert value is None or type(value) in (str, int, float, bool), (where, type(value))
    json.dumps(value)


def _scribble(value: Any) -> None:
    """Change every dict and list of plain data in place."""
    if isinstance(value, dict):
        for item in value.values():
            _scribble(item)
        value["scribbled"] = True
    elif isinstance(value, list):
        for item in value:
            _scribble(item)
        value.append("scribbled")


# -- leases --------------------------------------------------------------------------------------


def test_leases_are_exclusive(store: Store) -> None:
    assert store.lease("round:x") is None
    assert store.acquire_lease("round:x", "a", 30) is True
    held = store.lease("round:x")
    assert held is not None and (held.name, held.owner) == ("round:x", "a")
    assert held.expires_at.tzinfo is not None and held.expires_at > datetime.now(UTC)
    assert store.acquire_lease("round:x", "b", 30) is False
    assert store.renew_lease("round:x", "b", 30) is False
    assert store.release_lease("round:x", "b") is False
    assert store.acquire_lease("round:x", "a", 30) is True  # re-acquiring extends
    assert store.renew_lease("round:x", "a", 30) is True
    assert store.acquire_lease("round:y", "b", 30) is True  # another name is another lease
    assert store.release_lease("round:x", "a") is True
    assert store.release_lease("round:x", "a") is False
    assert store.lease("round:x") is None
    assert store.acquire_lease("round:x", "b", 30) is True


def test_leases_expire_and_a_stale_owner_is_taken_over(store: Store) -> None:
    assert store.acquire_lease("machine:m", "a", 0.2)
    assert not store.acquire_lease("machine:m", "b", 30)
    time.sleep(0.4)
    assert store.acquire_lease("machine:m", "b", 30) is True  # a's lease expired
    assert store.renew_lease("machine:m", "a", 30) is False  # a lost it
    assert store.acquire_lease("machine:m", "c", 30, stale_owner="x") is False
    assert store.acquire_lease("machine:m", "c", 30, stale_owner="b") is True
    held = store.lease("machine:m")
    assert held is not None and held.owner == "c"


def test_of_concurrent_acquirers_exactly_one_wins(store: Store, url: str) -> None:
    stores = [Store(url) for _ in range(4)]
    wins: list[str] = []
    barrier = threading.Barrier(len(stores))

    def acquire(i: int) -> None:
        barrier.wait()
        if stores[i].acquire_lease("search:s", f"owner-{i}", 30):
            wins.append(f"owner-{i}")

    threads = [threading.Thread(target=acquire, args=(i,)) for i in range(len(stores))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for opened in stores:
            opened.close()
    assert len(wins) == 1
    assert not store.acquire_lease("search:s", "late", 30)


# -- machines, rounds, reproductions, backup, counts --------------------------------------------


def test_machines_and_rounds(store: Store, make_result: MakeResult) -> None:
    assert store.upsert_machine("m1", {"id": "m1"}, 0.1, 0.2) is True
    assert store.upsert_machine("m1", {"id": "m1", "v": 2}, None, 0.2) is False
    machine = store.machine("m1")
    assert machine is not None and machine.spec == {"id": "m1", "v": 2}
    assert machine.price_usd_per_hour is None
    assert store.create_round("r", {"name": "r"}) is True
    assert store.create_round("r", {"name": "r"}) is False
    with pytest.raises(StateError):
        store.create_round("r", {"name": "r", "changed": True})
    assert store.store_round_ranking("r", {"groups": []}) is False  # not closed
    assert store.transition_round("r", ["open"], "running") is False  # compare-and-set
    assert store.transition_round("r", ["draft"], "open") is True
    assert store.transition_round("r", ["draft"], "open") is False
    assert store.transition_round("r", ["open"], "closed") is True
    assert store.store_round_ranking("r", {"groups": [], "note": "ü"}) is True
    round_row = store.round("r")
    assert round_row is not None and round_row.ranking == {"groups": [], "note": "ü"}
    with pytest.raises(NotFoundError):
        store.transition_round("nope", ["draft"], "open")
    store.delete_machine("m1")
    assert store.machine("m1") is None
    with pytest.raises(NotFoundError):
        store.delete_machine("m1")


def test_draft_specs_are_replaced_and_statuses_set(store: Store) -> None:
    store.create_round("d", {"name": "d", "v": 1})
    assert store.replace_draft_round("d", {"name": "d", "v": 2}, schedule="0 * * * *") is True
    draft = store.round("d")
    assert draft is not None and draft.spec == {"name": "d", "v": 2}
    assert draft.schedule == "0 * * * *"
    store.transition_round("d", ["draft"], "open")
    assert store.replace_draft_round("d", {"name": "d", "v": 3}) is False  # frozen when opened
    with pytest.raises(NotFoundError):
        store.replace_draft_round("nope", {})
    store.set_round_status("d", "closed", ranking={"groups": []})  # no transition rule
    closed = store.round("d")
    assert closed is not None and closed.status == "closed" and closed.closed_at is not None
    assert closed.ranking == {"groups": []} and closed.spec == {"name": "d", "v": 2}
    store.set_round_status("d", "draft")
    assert store.round("d").status == "draft"  # type: ignore[union-attr]
    before = _tables(store)
    with pytest.raises(UserError):
        store.set_round_status("d", "sideways")
    with pytest.raises(NotFoundError):
        store.set_round_status("nope", "open")
    assert _tables(store) == before


def test_reproductions(store: Store, make_result: MakeResult) -> None:
    original = store.record_result(_run(store), make_result())
    again = store.record_result(_run(store, submission(team="team-b", batch_size=3)), make_result())
    first = store.add_reproduction(original, {"p50": {"agrees": False}}, agrees=False)
    second = store.add_reproduction(original, {}, agrees=True, new_result_id=again)
    reproductions = store.result(original).reproductions
    assert [r.id for r in reproductions] == [first, second]
    assert [r.agrees for r in reproductions] == [False, True]
    assert reproductions[1].new_result_id == again
    before = _tables(store)
    with pytest.raises(NotFoundError):
        store.add_reproduction(10_000, {}, agrees=True)
    with pytest.raises(NotFoundError):
        store.add_reproduction(original, {}, agrees=True, new_result_id=10_000)
    assert _tables(store) == before


def test_counts_every_table(store: Store, make_result: MakeResult) -> None:
    empty = _tables(store)
    assert set(empty) == {table.name for table in TABLES}
    assert set(empty.values()) == {0}
    store.upsert_machine("m1", {"id": "m1"}, 0.1, 0.2)
    store.create_round("r", {"name": "r"})
    result_id = store.record_result(_run(store), make_result())
    store.add_reproduction(result_id, {}, agrees=True)
    store.acquire_lease("round:r", "a", 30)
    store.add_submission(submission(team="team-b"))  # shares the configuration's run
    expected = {
        "machines": 1,
        "rounds": 1,
        "submissions": 2,
        "runs": 1,
        "results": 1,
        "reproductions": 1,
        "leases": 1,
    }
    assert _tables(store) == {**empty, **expected}


def test_backup_is_a_consistent_copy_of_sqlite_only(
    store: Store, kind: str, make_result: MakeResult, tmp_path: Any
) -> None:
    store.record_result(_run(store), make_result())
    target = tmp_path / "copies" / "backup.db"
    if kind != "sqlite":
        with pytest.raises(UserError, match="SQLite"):
            store.backup(target)
        return
    assert store.backup(target) == target.resolve()
    with ReadOnlyStore(f"sqlite:///{target}") as copy_of:
        assert copy_of.counts() == store.counts()
        assert copy_of.results() == store.results()


# == StoreReader: Store and ReadOnlyStore ==========================================================


def _made_up(p50_ms: float) -> Result:
    """A made-up single-stream result (test data, not a measurement)."""
    latencies = tuple(p50_ms * (0.9 + 0.001 * i) for i in range(50))
    return Result(
        scenario="single-stream",
        rules=dict(RULES),
        batch_size=1,
        queries=len(latencies),
        samples=len(latencies),
        duration_s=sum(latencies) / 1000,
        min_rules_met=True,
        quality=Quality(0.98, "top1_accuracy", True, 0.984, 0.99, "top-1 accuracy"),
        figures={"latency_p50_ms": Estimate(p50_ms, p50_ms * 0.98, p50_ms * 1.02, unit="ms")},
        flops_per_sample=2.0e5,
        artifact=Artifact("ab" * 32, 41943, {"note": "test data"}),
        latencies_ms=latencies,
        power_trace=((0.0, 3.0), (0.5, 2.9)),
    )


@pytest.fixture(scope="module", params=KINDS)
def filled(request: pytest.FixtureRequest, databases: Databases) -> dict[str, Any]:
    """A database (one per kind, for the module's reading tests): two rounds (created "zz"
    then "aa"), machines registered out of order, three results and a queued run."""
    url = databases.kept(str(request.param))
    with Store(url) as store:
        store.upsert_machine("zeta", {"id": "zeta"}, 0.1, 0.2)
        store.upsert_machine("alpha", {"id": "alpha"}, 0.1, 0.2)
        for name in ("zz", "aa"):
            store.create_round(name, {"name": name})
            store.transition_round(name, ["draft"], "open")
        ids = [
            store.record_result(_run(store, submission(name="a")), _made_up(1.0)),
            store.record_result(
                _run(store, submission(name="b", batch_size=2), round_name="zz"), _made_up(2.0)
            ),
            store.record_result(
                _run(store, submission(team="team-b", name="c", batch_size=4)), _made_up(3.0)
            ),
        ]
        store.add_submission(submission(name="queued", batch_size=8))
        store.queue_runs("single-stream", RULES)
        store.acquire_lease("round:zz", "driver", 3600)
    return {"url": url, "result_ids": ids}


@pytest.fixture(params=list(READERS))
def reader(request: pytest.FixtureRequest, filled: dict[str, Any]) -> Iterator[Any]:
    with READERS[request.param](filled["url"]) as opened:
        yield opened


def test_reader_results_newest_first_filtered_without_details(
    reader: StoreReader, filled: dict[str, Any]
) -> None:
    ids = filled["result_ids"]
    records = reader.results()
    assert [r.result_id for r in records] == sorted(ids, reverse=True)
    assert all(r.result.latencies_ms == () and r.result.power_trace == () for r in records)
    assert [r.result_id for r in reader.results(round_name="zz")] == [ids[1]]
    assert [r.result_id for r in reader.results(team="team-b")] == [ids[2]]
    assert [r.result_id for r in reader.results(limit=1)] == [max(ids)]
    assert reader.results(workload="minilm-embed") == []
    assert len(reader.results(scenario="single-stream", machine="local", origin="human")) == 3
    with pytest.raises(UserError):
        reader.results(limit=0)


def test_reader_result_has_everything(reader: StoreReader, filled: dict[str, Any]) -> None:
    record = reader.result(filled["result_ids"][0])
    assert record.result.latencies_ms and record.result.power_trace
    assert record.config is not None and record.document is not None
    with pytest.raises(NotFoundError):
        reader.result(10_000)


def test_reader_entries_runs_machines_rounds(reader: StoreReader) -> None:
    subs = reader.submissions()
    assert [s.id for s in subs] == sorted(s.id for s in subs)  # oldest first
    assert [s.name for s in reader.submissions(round_name="zz")] == ["b"]
    assert {s.name for s in reader.submissions(round_name="")} == {"a", "c", "queued"}
    assert reader.submission(subs[0].id) == subs[0]
    assert reader.submission(10_000) is None
    runs = reader.runs()
    assert [r.id for r in runs] == sorted(r.id for r in runs)
    assert [r.status for r in reader.runs("queued")] == ["queued"]
    assert reader.run(runs[0].id) == runs[0]
    with pytest.raises(NotFoundError):
        reader.run(10_000)
    with pytest.raises(UserError):
        reader.runs("sideways")
    assert reader.machine("nope") is None and reader.round("nope") is None
    machine = reader.machine("alpha")
    assert machine is not None and machine.id == "alpha"
    counts = reader.round_run_counts("zz")
    assert counts["done"] == 1 and sum(counts.values()) == 1
    lease = reader.lease("round:zz")
    assert lease is not None and lease.owner == "driver" and reader.lease("nope") is None
    assert set(reader.counts()) == {table.name for table in TABLES}


def test_reader_machines_are_by_id(reader: StoreReader) -> None:
    assert [m.id for m in reader.machines()] == ["alpha", "zeta"]


def test_reader_rounds_are_by_name(reader: StoreReader) -> None:
    """``StoreReader.rounds``: "Rounds, by name" (created "zz" first, then "aa")."""
    assert [r.name for r in reader.rounds()] == ["aa", "zz"]
    assert [r.name for r in reader.rounds("open")] == ["aa", "zz"]
    assert reader.rounds("closed") == []


def test_both_readers_return_equal_records(filled: dict[str, Any]) -> None:
    url = filled["url"]
    with Store(url) as writable, ReadOnlyStore(url) as read_only:
        assert read_only.results() == writable.results()
        for result_id in filled["result_ids"]:
            assert read_only.result(result_id) == writable.result(result_id)
        for read in ("submissions", "runs", "machines", "rounds", "counts"):
            assert getattr(read_only, read)() == getattr(writable, read)(), read
        assert read_only.round_run_counts("zz") == writable.round_run_counts("zz")
        assert read_only.lease("round:zz") == writable.lease("round:zz")
        assert read_only.url == writable.url == url


def test_nothing_can_be_written_through_a_read_only_store(filled: dict[str, Any]) -> None:
    with ReadOnlyStore(filled["url"]) as read_only:
        before = read_only.counts()
        with pytest.raises(Exception), read_only.engine.begin() as connection:  # noqa: B017
            connection.exec_driver_sql("DELETE FROM leases")
        with pytest.raises(Exception), read_only.engine.begin() as connection:  # noqa: B017
            connection.exec_driver_sql("UPDATE runs SET status = 'queued'")
        assert read_only.counts() == before


# == the implementations against the protocols ===================================================


def _protocol_methods(protocol: type) -> dict[str, Any]:
    """Public methods a protocol declares (its own and inherited)."""
    found: dict[str, Any] = {}
    for klass in reversed(protocol.__mro__):
        if klass is object or klass.__module__ == "typing":
            continue
        for attr, value in vars(klass).items():
            if not attr.startswith("_") and inspect.isfunction(value):
                found[attr] = value
    return found


def _public_methods(cls: type) -> set[str]:
    return {attr for attr in dir(cls) if not attr.startswith("_") and callable(getattr(cls, attr))}


IMPLEMENTS = [
    pytest.param(Store, StoreWriter, id="Store-StoreWriter"),
    pytest.param(ReadOnlyStore, StoreReader, id="ReadOnlyStore-StoreReader"),
]


@pytest.mark.parametrize(("cls", "protocol"), IMPLEMENTS)
def test_every_method_of_the_protocol_with_the_same_signature(cls: type, protocol: type) -> None:
    problems = []
    for attr, declared in _protocol_methods(protocol).items():
        implemented = getattr(cls, attr, None)
        if implemented is None:
            problems.append(f"{cls.__name__} has no {attr}")
            continue
        if inspect.signature(implemented) != inspect.signature(declared):
            problems.append(
                f"{cls.__name__}.{attr}{inspect.signature(implemented)} is not "
                f"{protocol.__name__}.{attr}{inspect.signature(declared)}"
            )
    assert not problems, "\n".join(problems)
    assert "url" in inspect.get_annotations(StoreReader)


def test_read_only_store_has_no_write_method() -> None:
    writes = set(_protocol_methods(StoreWriter)) - set(_protocol_methods(StoreReader))
    assert writes, "the writer protocol declares writes"
    assert not {attr for attr in writes if hasattr(ReadOnlyStore, attr)}
    assert _public_methods(ReadOnlyStore) <= set(_protocol_methods(StoreReader))


def test_store_writer_is_the_whole_store() -> None:
    """``StoreWriter``: "The whole store": Store has no public method the protocol lacks, so
    callers holding a StoreWriter can do everything (and nothing bypasses the contract)."""
    extra = _public_methods(Store) - set(_protocol_methods(StoreWriter))
    assert not extra, f"Store methods outside StoreWriter: {sorted(extra)}"
