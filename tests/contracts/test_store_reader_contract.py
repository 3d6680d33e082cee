"""The store contract, part 5: the :class:`StoreReader` half, on
:class:`~tournament.store.Store` and on :class:`~tournament.store.readonly.ReadOnlyStore`, over
one filled database per kind (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tournament.errors import NotFoundError, UserError
from tournament.results import (
    Artifact,
    Estimate,
    Quality,
    Result,
)
from tournament.store import Store
from tournament.store.contract import StoreReader
from tournament.store.models import TABLES
from tournament.store.readonly import ReadOnlyStore

from .conftest import KINDS, RULES, Databases, queued_run, submission

READERS: dict[str, Callable[[str], Any]] = {"Store": Store, "ReadOnlyStore": ReadOnlyStore}


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
            store.record_result(queued_run(store, submission(name="a")), _made_up(1.0)),
            store.record_result(
                queued_run(store, submission(name="b", batch_size=2), round_name="zz"),
                _made_up(2.0),
            ),
            store.record_result(
                queued_run(store, submission(team="team-b", name="c", batch_size=4)), _made_up(3.0)
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


def test_reader_rounds_are_oldest_first(reader: StoreReader) -> None:
    """``StoreReader.rounds``: "Rounds, oldest first" (created "zz" first, then "aa")."""
    assert [r.name for r in reader.rounds()] == ["zz", "aa"]
    assert [r.name for r in reader.rounds("open")] == ["zz", "aa"]
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
