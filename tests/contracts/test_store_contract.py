"""The store contract (``tournament/store/contract.py``), part 1: ``StoreWriter``'s entries, runs
and results, on SQLite and on PostgreSQL.

Like Optuna's storage test case, one suite runs against every implementation on real
databases: :class:`~tournament.store.Store` (the :class:`StoreWriter`) on a fresh SQLite file
and on a scratch PostgreSQL database (``TOURNEY_TEST_PG_URL``; skipped without a server). The
other parts: ``test_store_transactions_contract`` (one transaction per write, concurrency),
``test_store_records_contract`` (frozen records), ``test_store_state_contract`` (leases,
machines, rounds, reproductions, backup), ``test_store_reader_contract`` (the
:class:`StoreReader` half on ``Store`` and :class:`~tournament.store.readonly.ReadOnlyStore`)
and ``test_store_protocol_contract`` (the implementations against the protocols).
"""

from __future__ import annotations

import math
import threading
from itertools import cycle
from typing import Any

import pytest

from tournament.errors import NotFoundError, StateError, UserError
from tournament.results import (
    METRICS,
    Artifact,
    Estimate,
    IntervalKind,
    Pricing,
    Provenance,
    Quality,
)
from tournament.schema import Submission
from tournament.store import Store

from .conftest import RULES, MakeResult, queued_run, submission, table_counts

# == StoreWriter ===============================================================================

# -- add_submission ----------------------------------------------------------------------------


def test_add_submission_is_idempotent(store: Store) -> None:
    sub = submission()
    first = store.add_submission(sub, source_file="a.yaml")
    assert first[1] is True
    assert store.add_submission(sub, source_file="a.yaml") == (first[0], False)
    assert store.add_submission(Submission.model_validate(sub.model_dump())) == (first[0], False)
    assert table_counts(store)["submissions"] == 1
    stored = store.submission(first[0])
    assert stored is not None and (stored.team, stored.name) == (sub.team, sub.name)
    assert stored.source_file == "a.yaml" and stored.config_hash == sub.config_hash


def test_refused_submissions_write_nothing(store: Store) -> None:
    store.add_submission(submission())
    before = table_counts(store)
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
    assert table_counts(store) == before


def test_entry_problems_writes_nothing(store: Store) -> None:
    store.add_submission(submission())
    before = table_counts(store)
    problems = store.entry_problems(
        [submission(), submission(batch_size=8), submission(team="team-b", name="x")]
    )
    assert problems[0] is None and problems[2] is None
    assert isinstance(problems[1], str) and problems[1]
    assert table_counts(store) == before


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
    assert table_counts(store)["submissions"] == 1


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
    run_id = queued_run(store)
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
    other = queued_run(store, submission(team="team-b", batch_size=2))
    assert store.cancel_run(other) is True and store.cancel_run(other) is False
    assert store.run(other).status == "cancelled"
    with pytest.raises(NotFoundError):
        store.cancel_run(10_000)


# -- record_result -----------------------------------------------------------------------------


def test_record_result_is_idempotent_per_run(store: Store, make_result: MakeResult) -> None:
    run_id = queued_run(store)
    first = store.record_result(run_id, make_result(2.0))
    assert store.record_result(run_id, make_result(5.0)) == first
    assert table_counts(store)["results"] == 1
    assert store.result(first).value("latency_p50_ms") == pytest.approx(2.0)
    assert store.run(run_id).status == "done"


def test_record_result_of_another_scenario_writes_nothing(
    store: Store, make_result: MakeResult
) -> None:
    run_id = queued_run(store)
    before = table_counts(store)
    with pytest.raises(Exception, match="scenario"):
        store.record_result(run_id, make_result(scenario="offline"))
    assert table_counts(store) == before and store.run(run_id).status == "running"
    with pytest.raises(NotFoundError):
        store.record_result(10_000, make_result())


def _every_figure() -> dict[str, Estimate]:
    """Every metric of the table, values spread over 16 decades, each provenance and interval
    kind, some without interval, some marked insufficient."""
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
            insufficient="" if i % 3 else f"{i} queries; {i * 10} needed",
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
    result_id = store.record_result(queued_run(store), result)
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
    run_id = queued_run(store, submission(), round_name="r1")
    assert store.transition_round("r1", ["open", "running"], "closed") is True
    assert store.run(run_id).status == "cancelled"  # closing cancels the round's runs
    before = table_counts(store)
    with pytest.raises(StateError):
        store.record_result(run_id, make_result())
    with pytest.raises(StateError):
        store.add_round_entry(submission(team="team-late"), "r1")
    assert table_counts(store) == before
    assert store.results(round_name="r1") == []


def test_add_round_entry_takes_entries_only_while_open(store: Store) -> None:
    store.create_round("r4", {"name": "r4"})
    with pytest.raises(StateError):
        store.add_round_entry(submission(), "r4")  # a draft
    with pytest.raises(NotFoundError):
        store.add_round_entry(submission(), "nope")
    assert table_counts(store)["submissions"] == 0
    store.transition_round("r4", ["draft"], "open")
    first = store.add_round_entry(submission(), "r4", source_file="e.yaml")
    assert first[1] is True
    assert store.add_round_entry(submission(), "r4", source_file="e.yaml") == (first[0], False)
    with pytest.raises(UserError):
        store.add_round_entry(submission(batch_size=8), "r4")  # the name is taken
    entry = store.submission(first[0])
    assert entry is not None and entry.round_name == "r4"
    assert table_counts(store)["submissions"] == 1


def test_results_of_open_rounds_are_accepted_and_labelled(
    store: Store, make_result: MakeResult
) -> None:
    store.create_round("r2", {"name": "r2"})
    store.transition_round("r2", ["draft"], "open")
    result_id = store.record_result(queued_run(store, round_name="r2"), make_result())
    environment = store.result(result_id).result.environment
    round_row = store.round("r2")
    assert round_row is not None
    assert environment["round"] == "r2"
    assert environment["round_spec_sha256"] == round_row.spec_sha256
