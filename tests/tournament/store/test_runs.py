"""Runs: queueing semantics and the queued -> running -> done/failed state machine."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from tournament.errors import NotFoundError, StateError, UserError
from tournament.results import Result
from tournament.schema import Submission
from tournament.store import RunTask, Store

MakeSubmission = Callable[..., Submission]
MakeResult = Callable[..., Result]

RULES = {"min_queries": 200, "min_duration_s": 0.5}


def _two_submissions(store: Store, make_submission: MakeSubmission) -> tuple[int, int]:
    a, _ = store.add_submission(make_submission(batch_size=1))
    b, _ = store.add_submission(make_submission(batch_size=2), round_name="r1")
    return a, b


def test_queue_runs_creates_one_run_per_submission_and_repeat(
    store: Store, make_submission: MakeSubmission
) -> None:
    a, b = _two_submissions(store, make_submission)
    queued = store.queue_runs("single-stream", RULES, repeats=2, label="screening")
    assert len(queued) == 4
    tasks = store.pending_runs()
    # Interleaved (A B A B, not A A B B): slow drift of the machine hits every entry alike.
    assert [(t.submission_id, t.repeat) for t in tasks] == [(a, 0), (b, 0), (a, 1), (b, 1)]
    assert queued == sorted(queued) and [t.run_id for t in tasks] == queued
    task = tasks[0]
    assert isinstance(task, RunTask)
    assert (task.scenario, task.rules, task.machine, task.label) == (
        "single-stream",
        RULES,
        "local",
        "screening",
    )
    assert task.document["batch_size"] == 1
    assert [t.submission_id for t in store.pending_runs(round_name="r1")] == [b, b]


def test_queue_runs_is_idempotent_and_selects(
    store: Store, make_submission: MakeSubmission
) -> None:
    a, _ = _two_submissions(store, make_submission)
    assert len(store.queue_runs("offline", RULES, submission_ids=[a])) == 1
    assert store.queue_runs("offline", RULES, submission_ids=[a]) == []
    assert len(store.queue_runs("offline", RULES, round_name="r1")) == 1
    assert store.queue_runs("offline", RULES) == []
    other_rules = store.queue_runs("offline", {**RULES, "min_queries": 1000})
    assert len(other_rules) == 2
    assert store.queue_runs("offline", RULES, submission_ids=[a], round_name="r1") == []
    assert store.counts()["runs"] == 4


def test_queue_runs_errors(store: Store, make_submission: MakeSubmission) -> None:
    with pytest.raises(UserError, match="repeats must be at least 1"):
        store.queue_runs("offline", RULES, repeats=0)
    with pytest.raises(NotFoundError, match="submission 41, 42 does not exist"):
        store.queue_runs("offline", RULES, submission_ids=[42, 41])


def test_state_machine(
    store: Store, make_submission: MakeSubmission, make_result: MakeResult
) -> None:
    store.add_submission(make_submission())
    ok, broken = store.queue_runs("single-stream", RULES, repeats=2)

    assert store.claim_run(ok, "host/1")
    assert store.claim_run(broken, "host/1")
    assert store.pending_runs() == []
    run = store.run(ok)
    assert (run.status, run.attempts, run.worker) == ("running", 1, "host/1")
    assert run.started_at is not None

    store.record_result(ok, make_result())
    assert store.fail_run(broken, "ORT refused the model")
    assert store.run(ok).status == "done"
    failed = store.run(broken)
    assert (failed.status, failed.error) == ("failed", "ORT refused the model")
    assert failed.finished_at is not None
    assert not store.fail_run(ok, "too late")  # done stays done
    assert not store.claim_run(ok, "host/2")
    assert [r.id for r in store.runs(status="failed")] == [broken]

    # failed runs come back only when asked
    assert store.queue_runs("single-stream", RULES, repeats=2) == []
    assert store.queue_runs("single-stream", RULES, repeats=2, requeue_failed=True) == [broken]
    again = store.run(broken)
    assert (again.status, again.error, again.attempts) == ("queued", None, 1)
    assert store.claim_run(broken, "host/2")
    assert store.run(broken).attempts == 2


def test_claim_is_exclusive(store: Store, db_url: str, make_submission: MakeSubmission) -> None:
    store.add_submission(make_submission())
    (run_id,) = store.queue_runs("offline", RULES)
    other = Store(db_url)
    with ThreadPoolExecutor(max_workers=8) as pool:
        wins = list(
            pool.map(lambda i: (store if i % 2 else other).claim_run(run_id, f"w{i}"), range(8))
        )
    other.close()
    assert sorted(wins) == [False] * 7 + [True]
    assert store.run(run_id).attempts == 1


def test_requeue_running_after_a_killed_driver(
    store: Store, make_submission: MakeSubmission
) -> None:
    store.add_submission(make_submission())
    first, second, third = store.queue_runs("offline", RULES, repeats=3)
    store.claim_run(first, "dead-driver")
    store.claim_run(second, "dead-driver")
    assert store.requeue_running() == 2
    assert [t.run_id for t in store.pending_runs()] == [first, second, third]
    assert store.run(first).worker is None
    assert store.requeue_running() == 0


def test_cancel_and_reset(
    store: Store, make_submission: MakeSubmission, make_result: MakeResult
) -> None:
    store.add_submission(make_submission())
    done, cancelled = store.queue_runs("single-stream", RULES, repeats=2)
    store.claim_run(done, "w")
    store.record_result(done, make_result())
    assert store.cancel_run(cancelled)
    assert not store.cancel_run(cancelled)
    store.reset_run(cancelled)
    assert store.run(cancelled).status == "queued"
    with pytest.raises(StateError, match=f"run {done} is done"):
        store.reset_run(done)
    with pytest.raises(NotFoundError, match="run 99 does not exist"):
        store.claim_run(99, "w")
    with pytest.raises(UserError, match="status must be one of"):
        store.runs(status="finished")
