"""Runs: the queue of scenario measurements and its state machine.

``queued -> running`` (:meth:`RunsPart.claim_run`, exclusive), ``running -> done``
(:meth:`~tournament.store.results.ResultsPart.record_result`), ``running -> failed``
(:meth:`RunsPart.fail_run`), ``queued/running -> cancelled`` (:meth:`RunsPart.cancel_run`), and
back to ``queued`` by :meth:`RunsPart.requeue_running` (after a killed driver),
:meth:`RunsPart.reset_run` or ``queue_runs(requeue_failed=True)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import product
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tournament.errors import NotFoundError, StateError, UserError
from tournament.hashing import sha256_of
from tournament.store.base import ReadBase, StoreBase
from tournament.store.models import RunRow, RunStatus, SubmissionRow
from tournament.store.records import RunRecord
from tournament.store.retry import retrying
from tournament.store.types import utcnow

_ENDED = (RunStatus.FAILED.value, RunStatus.CANCELLED.value)


@dataclass(frozen=True)
class RunTask:
    """What a worker needs to measure one queued run (plain data, no ORM)."""

    run_id: int
    submission_id: int
    document: dict[str, Any]
    config_hash: str
    scenario: str
    rules: dict[str, Any]
    machine: str
    repeat: int
    label: str | None


class RunsReads(ReadBase):
    """Reads the ``runs`` table (the writable and the read-only store)."""

    def run(self, run_id: int) -> RunRecord:
        """One run, with the identity of the entry whose file it measures.

        Raises:
            NotFoundError: no run has this id.
        """
        with self._read() as session:
            run = get_run_row(session, run_id)
            sub = session.get(SubmissionRow, run.submission_id)
            assert sub is not None  # the foreign key
            return run_record(run, sub)

    def runs(self, status: str | None = None) -> list[RunRecord]:
        """Runs (with one status if given), oldest first, each with its configuration
        (``round_name``, ``config_hash``) and the identity of the entry whose file it measures
        (``submission_id``, ``team``, ``name``, ...; other entries of the configuration share
        the run: match runs to an entry by ``round_name`` and ``config_hash``).

        Raises:
            UserError: ``status`` is not a run status.
        """
        query = (
            select(RunRow, SubmissionRow)
            .join(SubmissionRow, RunRow.submission_id == SubmissionRow.id)
            .order_by(RunRow.id)
        )
        if status is not None:
            if status not in {s.value for s in RunStatus}:
                allowed = ", ".join(s.value for s in RunStatus)
                raise UserError(f"status must be one of {allowed}, not {status!r}.")
            query = query.where(RunRow.status == status)
        with self._read() as session:
            return [run_record(run, sub) for run, sub in session.execute(query).tuples()]


class RunsPart(RunsReads, StoreBase):
    """Writes the ``runs`` table (reads: :class:`RunsReads`)."""

    def queue_runs(
        self,
        scenario: str,
        rules: dict[str, Any],
        *,
        submission_ids: list[int] | None = None,
        round_name: str | None = None,
        repeats: int = 1,
        label: str | None = None,
        requeue_failed: bool = False,
    ) -> list[int]:
        """Queue runs ``0 .. repeats-1`` of ``scenario`` under ``rules`` for some submissions.

        Submissions are those in ``submission_ids`` and/or in ``round_name`` (both: the
        intersection; neither: all). A run measures a submission's configuration in its round,
        for every entry with that configuration there: a run that exists for (round,
        configuration, scenario, rules, repeat), whichever entry it was queued for, is left
        alone when queued, running or done; when failed or cancelled it is queued again only
        with ``requeue_failed`` (its ``attempts`` are kept).

        Returns:
            Ids of the runs this call queued (new or re-queued), in id order; runs already
            queued are not repeated here (:meth:`pending_runs` lists them all).

        Raises:
            UserError: ``repeats`` < 1 or an empty ``scenario``.
            NotFoundError: an id in ``submission_ids`` does not exist.
        """
        if repeats < 1:
            raise UserError(f"repeats must be at least 1, not {repeats}.")
        if not scenario:
            raise UserError("scenario must be a non-empty name.")
        args = (scenario, rules, submission_ids, round_name, repeats, label, requeue_failed)
        try:
            return self._queue(*args)
        except IntegrityError:  # a concurrent writer queued some of them first: look again
            return self._queue(*args)

    @retrying
    def _queue(
        self,
        scenario: str,
        rules: dict[str, Any],
        submission_ids: list[int] | None,
        round_name: str | None,
        repeats: int,
        label: str | None,
        requeue_failed: bool,
    ) -> list[int]:
        rules_sha = sha256_of(rules)
        with self._write() as session:
            targets = _targets(session, submission_ids, round_name)
            existing = _existing_runs(session, scenario, rules_sha)
            queued: list[RunRow] = []
            # Interleaved: repeat 0 of every target, then repeat 1 of every target... so slow
            # drift of the machine hits every entry alike (A B C A B C, not A A B B C C).
            for repeat, (submission_id, configuration) in product(range(repeats), targets):
                run = existing.get((*configuration, repeat))
                if run is None:
                    run = RunRow(
                        submission_id=submission_id,
                        round_name=configuration[0],
                        config_hash=configuration[1],
                        scenario=scenario,
                        rules=rules,
                        rules_sha256=rules_sha,
                        repeat=repeat,
                        label=label,
                    )
                    session.add(run)
                    existing[(*configuration, repeat)] = run
                elif requeue_failed and run.status in _ENDED:
                    _back_to_queue(run)
                else:
                    continue
                queued.append(run)
            session.flush()
            return sorted(run.id for run in queued)

    def pending_runs(self, round_name: str | None = None) -> list[RunTask]:
        """Queued runs (of one round if given), interleaved: by repeat, then oldest first,
        with what a worker needs."""
        query = (
            select(RunRow, SubmissionRow)
            .join(SubmissionRow, RunRow.submission_id == SubmissionRow.id)
            .where(RunRow.status == RunStatus.QUEUED.value)
            .order_by(RunRow.repeat, RunRow.id)
        )
        if round_name is not None:
            query = query.where(SubmissionRow.round_name == round_name)
        with self._read() as session:
            return [_task(run, sub) for run, sub in session.execute(query).tuples()]

    @retrying
    def claim_run(self, run_id: int, worker: str) -> bool:
        """Move a queued run to running for ``worker``; False if it was not queued (any more).

        Atomic: of concurrent claims of one run, exactly one returns True.

        Raises:
            NotFoundError: no run has this id.
        """
        query = (
            update(RunRow)
            .where(RunRow.id == run_id, RunRow.status == RunStatus.QUEUED.value)
            .values(
                status=RunStatus.RUNNING.value,
                attempts=RunRow.attempts + 1,
                worker=worker,
                started_at=utcnow(),
                finished_at=None,
                error=None,
            )
        )
        with self._write() as session:
            if session.execute(query).rowcount == 1:  # type: ignore[attr-defined]
                return True
            get_run_row(session, run_id)
            return False

    @retrying
    def fail_run(self, run_id: int, error: str) -> bool:
        """Mark a queued or running run failed with ``error``; False if it had ended already."""
        return self._end(run_id, RunStatus.FAILED, error)

    @retrying
    def cancel_run(self, run_id: int) -> bool:
        """Mark a queued or running run cancelled; False if it had ended already."""
        return self._end(run_id, RunStatus.CANCELLED, None)

    def _end(self, run_id: int, status: RunStatus, error: str | None) -> bool:
        with self._write() as session:
            run = get_run_row(session, run_id)
            if run.status not in (RunStatus.QUEUED.value, RunStatus.RUNNING.value):
                return False
            run.status, run.error, run.finished_at = status.value, error, utcnow()
            return True

    @retrying
    def requeue_running(self) -> int:
        """Put every running run back in the queue (resume after a killed driver); the count."""
        query = (
            update(RunRow)
            .where(RunRow.status == RunStatus.RUNNING.value)
            .values(status=RunStatus.QUEUED.value, worker=None, started_at=None)
        )
        with self._write() as session:
            return int(session.execute(query).rowcount)  # type: ignore[attr-defined]

    @retrying
    def reset_run(self, run_id: int) -> None:
        """Put one run that has not produced a result back in the queue.

        Raises:
            NotFoundError: no run has this id.
            StateError: the run is done (its result is kept; queue another repeat instead).
        """
        with self._write() as session:
            run = get_run_row(session, run_id)
            if run.status == RunStatus.DONE.value:
                raise StateError(
                    f"run {run_id} is done and its result is kept; queue another repeat instead."
                )
            _back_to_queue(run)


def _targets(
    session: Session, submission_ids: Iterable[int] | None, round_name: str | None
) -> list[tuple[int, tuple[str, str]]]:
    """The submissions to queue for, oldest first: ``(id, (round_name, config_hash))``."""
    query = select(SubmissionRow.id, SubmissionRow.round_name, SubmissionRow.config_hash)
    query = query.order_by(SubmissionRow.id)
    if round_name is not None:
        query = query.where(SubmissionRow.round_name == round_name)
    if submission_ids is not None:
        wanted = sorted(set(submission_ids))
        known = set(session.scalars(select(SubmissionRow.id).where(SubmissionRow.id.in_(wanted))))
        missing = [str(i) for i in wanted if i not in known]
        if missing:
            raise NotFoundError(f"submission {', '.join(missing)} does not exist")
        query = query.where(SubmissionRow.id.in_(wanted))
    return [(row.id, (row.round_name, row.config_hash)) for row in session.execute(query)]


def _existing_runs(
    session: Session, scenario: str, rules_sha: str
) -> dict[tuple[str, str, int], RunRow]:
    """Runs of ``scenario`` under these rules by (round, configuration, repeat)."""
    query = select(RunRow).where(RunRow.scenario == scenario, RunRow.rules_sha256 == rules_sha)
    return {(run.round_name, run.config_hash, run.repeat): run for run in session.scalars(query)}


def get_run_row(session: Session, run_id: int) -> RunRow:
    run = session.get(RunRow, run_id)
    if run is None:
        raise NotFoundError(f"run {run_id} does not exist")
    return run


def _back_to_queue(run: RunRow) -> None:
    run.status = RunStatus.QUEUED.value
    run.error = run.worker = None
    run.started_at = run.finished_at = None
    run.queued_at = utcnow()


def _task(run: RunRow, sub: SubmissionRow) -> RunTask:
    return RunTask(
        run_id=run.id,
        submission_id=sub.id,
        document=sub.document,
        config_hash=sub.config_hash,
        scenario=run.scenario,
        rules=run.rules,
        machine=sub.machine,
        repeat=run.repeat,
        label=run.label,
    )


def run_record(run: RunRow, sub: SubmissionRow) -> RunRecord:
    """The frozen record of a run, with the identity of its entry ``sub``."""
    return RunRecord(
        id=run.id,
        submission_id=run.submission_id,
        round_name=run.round_name,
        config_hash=run.config_hash,
        scenario=run.scenario,
        rules=run.rules,
        rules_sha256=run.rules_sha256,
        repeat=run.repeat,
        status=RunStatus(run.status),
        attempts=run.attempts,
        error=run.error,
        worker=run.worker,
        label=run.label,
        queued_at=run.queued_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        team=sub.team,
        name=sub.name,
        workload=sub.workload,
        machine=sub.machine,
    )
