"""Results: one result per run, recorded idempotently, read back as frozen records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tournament.errors import NotFoundError, StateError, UserError
from tournament.results import Result
from tournament.store.base import ReadBase, StoreBase
from tournament.store.entries import sharing, shown_results
from tournament.store.figures import result_columns, result_of
from tournament.store.models import (
    Origin,
    ReproductionRow,
    ResultRow,
    RoundRow,
    RoundStatus,
    RunRow,
    RunStatus,
    SubmissionRow,
)
from tournament.store.records import EntryRef, Reproduction, ResultRecord
from tournament.store.retry import retrying
from tournament.store.runs import get_run_row
from tournament.store.types import utcnow

ENTRY_STATUSES = frozenset({RoundStatus.OPEN.value, RoundStatus.RUNNING.value})
"""Round statuses in which entries and results are accepted."""


class ResultsReads(ReadBase):
    """Reads the ``results`` and ``reproductions`` tables (the writable and the read-only store)."""

    def results(
        self,
        *,
        workload: str | None = None,
        scenario: str | None = None,
        machine: str | None = None,
        round_name: str | None = None,
        valid: bool | None = None,
        team: str | None = None,
        origin: str | None = None,
        limit: int | None = None,
    ) -> list[ResultRecord]:
        """Results, newest first, filtered by whichever arguments are given.

        Each result once, shown for the oldest entry of its configuration that passes the
        filters, the other entries measured by it in ``shared_with``
        (:mod:`tournament.store.entries`). Per-query latencies and power traces are left out
        (see :meth:`result`).
        """
        if origin is not None and origin not in {o.value for o in Origin}:
            raise UserError(f"origin must be 'human' or 'search', not {origin!r}.")
        if limit is not None and limit < 1:
            raise UserError(f"limit must be at least 1, not {limit}.")
        filters = {
            SubmissionRow.workload: workload,
            ResultRow.scenario: scenario,
            SubmissionRow.machine: machine,
            SubmissionRow.round_name: round_name,
            ResultRow.valid: valid,
            SubmissionRow.team: team,
            SubmissionRow.origin: origin,
        }
        with self._read() as session:
            found = session.execute(shown_results(filters, limit)).tuples().all()
            shared = sharing(session, [sub for _, sub, _ in found])
            return [
                _record(result, sub, run, details=False, shared_with=shared.get(sub.id, ()))
                for result, sub, run in found
            ]

    def result(self, result_id: int) -> ResultRecord:
        """One result with everything: latencies, power trace, the entry's configuration and
        file, and its reproductions (the entry: the oldest of those it serves, the others in
        ``shared_with``).

        Raises:
            NotFoundError: no result has this id.
        """
        with self._read() as session:
            query = shown_results({ResultRow.id: result_id})
            found = session.execute(query).tuples().first()
            if found is None:
                raise NotFoundError(f"result {result_id} does not exist")
            result, sub, run = found
            shared = sharing(session, [sub]).get(sub.id, ())
            record = _record(result, sub, run, details=True, shared_with=shared)
            return ResultRecord(
                **{
                    **{k: getattr(record, k) for k in ResultRecord.__slots__},
                    "config": sub.config,
                    "document": sub.document,
                    "reproductions": _reproductions(session, result_id),
                }
            )


class ResultsPart(ResultsReads, StoreBase):
    """Writes the ``results`` and ``reproductions`` tables (reads: :class:`ResultsReads`)."""

    @retrying
    def record_result(self, run_id: int, result: Result) -> int:
        """Record the result of a run and mark the run done, in one transaction.

        The one way a result enters the store. Idempotent: if the run has a result already,
        its id is returned and nothing is written. A late result of a run marked failed or
        cancelled meanwhile is still recorded, unless the run belongs to a round that is no
        longer open or running (checked in the same transaction): a closed round's results
        are frozen. A round's results get ``round`` and ``round_spec_sha256`` in their
        environment.

        Returns:
            The result id.

        Raises:
            NotFoundError: no run has this id.
            StateError: the run's round is closed (or back to draft).
            ValueError: the result's scenario is not the run's.
        """
        columns = result_columns(result)
        try:
            with self._write() as session:
                run = get_run_row(session, run_id)
                existing = _result_id_of_run(session, run_id)
                if existing is not None:
                    return existing
                if result.scenario != run.scenario:
                    raise ValueError(
                        f"result scenario {result.scenario!r} is not the scenario "
                        f"{run.scenario!r} of run {run_id}"
                    )
                columns["environment"] = _round_environment(session, run, columns["environment"])
                row = ResultRow(run_id=run_id, submission_id=run.submission_id, **columns)
                session.add(row)
                run.status, run.error, run.finished_at = RunStatus.DONE.value, None, utcnow()
                session.flush()
                return row.id
        except IntegrityError:  # another writer recorded this run's result first
            with self._read() as session:
                existing = _result_id_of_run(session, run_id)
            if existing is None:
                raise
            return existing

    @retrying
    def record_results(self, results: Sequence[tuple[int, Result]]) -> list[int]:
        """Record the results of many runs in one transaction: :meth:`record_result` for
        each ``(run_id, result)``, all or nothing (bulk imports, seeding benchmarks).

        The same rules as :meth:`record_result`: a run that has a result already keeps it
        (its id is returned, nothing written for it); a run of a round no longer open or
        running, a missing run or a result of another scenario writes nothing at all.

        Returns:
            The result id of each item, in the order given.

        Raises:
            UserError: a run id appears twice.
            NotFoundError: no run has one of the ids.
            StateError: a run's round is closed (or back to draft).
            ValueError: a result's scenario is not its run's.
        """
        items = list(results)
        ids = [run_id for run_id, _ in items]
        if len(set(ids)) != len(ids):
            raise UserError("results: each run id may appear once in one call.")
        with self._write() as session:
            runs, existing = _run_rows(session, ids), _result_ids_of_runs(session, ids)
            rows, runs_done = [], []
            environments = _RoundEnvironments(session)
            for run_id, result in items:
                run = runs.get(run_id)
                if run is None:
                    raise NotFoundError(f"run {run_id} does not exist")
                if run_id in existing:
                    continue
                if result.scenario != run.scenario:
                    raise ValueError(
                        f"result scenario {result.scenario!r} is not the scenario "
                        f"{run.scenario!r} of run {run_id}"
                    )
                columns = result_columns(result)
                columns["environment"] = environments.of(run, columns["environment"])
                rows.append({"run_id": run_id, "submission_id": run.submission_id, **columns})
                runs_done.append(run_id)
            for chunk in _chunks(rows):
                inserted = session.execute(
                    insert(ResultRow).returning(ResultRow.id, ResultRow.run_id), chunk
                )
                existing.update({run_id: result_id for result_id, run_id in inserted})
            now = utcnow()
            done = {"status": RunStatus.DONE.value, "error": None, "finished_at": now}
            for chunk in _chunks([{"id": run_id, **done} for run_id in runs_done]):
                session.execute(update(RunRow), chunk)
            return [existing[run_id] for run_id in ids]

    @retrying
    def add_reproduction(
        self,
        result_id: int,
        report: dict[str, Any],
        *,
        agrees: bool,
        new_result_id: int | None = None,
    ) -> int:
        """Record a re-measurement of ``result_id`` (``report``: per figure old/new/agrees).

        Raises:
            NotFoundError: ``result_id`` or ``new_result_id`` does not exist.
        """
        with self._write() as session:
            for wanted in (result_id, new_result_id):
                if wanted is not None and session.get(ResultRow, wanted) is None:
                    raise NotFoundError(f"result {wanted} does not exist")
            row = ReproductionRow(
                result_id=result_id, new_result_id=new_result_id, report=report, agrees=agrees
            )
            session.add(row)
            session.flush()
            return row.id


_CHUNK = 500
"""Rows per statement of a bulk write (below every database's bound-parameter limit)."""


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _run_rows(session: Session, run_ids: Sequence[int]) -> dict[int, RunRow]:
    """The runs ``run_ids`` that exist, by id."""
    found: dict[int, RunRow] = {}
    for chunk in _chunks(sorted(set(run_ids))):
        query = select(RunRow).where(RunRow.id.in_(chunk))
        found.update({run.id: run for run in session.scalars(query)})
    return found


def _result_ids_of_runs(session: Session, run_ids: Sequence[int]) -> dict[int, int]:
    """The result id of each of ``run_ids`` that has a result, by run id."""
    found: dict[int, int] = {}
    for chunk in _chunks(sorted(set(run_ids))):
        query = select(ResultRow.run_id, ResultRow.id).where(ResultRow.run_id.in_(chunk))
        found.update({run_id: result_id for run_id, result_id in session.execute(query)})
    return found


class _RoundEnvironments:
    """:func:`_round_environment` for many runs of one transaction (each round read once)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.rounds: dict[int, str] = {}
        self.checked: dict[str, RoundRow] = {}

    def of(self, run: RunRow, environment: dict[str, Any]) -> dict[str, Any]:
        if run.submission_id not in self.rounds:
            query = select(SubmissionRow.round_name).where(SubmissionRow.id == run.submission_id)
            self.rounds[run.submission_id] = self.session.scalar(query) or ""
        round_name = self.rounds[run.submission_id]
        if not round_name:
            return environment
        if round_name not in self.checked:
            self.checked[round_name] = _open_round(self.session, round_name)
        row = self.checked[round_name]
        return {**environment, "round": row.name, "round_spec_sha256": row.spec_sha256}


def _result_id_of_run(session: Session, run_id: int) -> int | None:
    return session.scalar(select(ResultRow.id).where(ResultRow.run_id == run_id))


def entry_ref(sub: SubmissionRow) -> EntryRef:
    """The entry identity of a submissions row."""
    return EntryRef(
        submission_id=sub.id,
        team=sub.team,
        name=sub.name,
        workload=sub.workload,
        variant=sub.variant,
        runtime=sub.runtime,
        quantization=sub.quantization,
        batch_size=sub.batch_size,
        machine=sub.machine,
        config_hash=sub.config_hash,
        round_name=sub.round_name,
        origin=sub.origin,
        study_name=sub.study_name,
        trial_number=sub.trial_number,
    )


def _record(
    result: ResultRow,
    sub: SubmissionRow,
    run: RunRow,
    *,
    details: bool,
    shared_with: Iterable[SubmissionRow] = (),
) -> ResultRecord:
    return ResultRecord(
        result_id=result.id,
        run_id=run.id,
        repeat=run.repeat,
        label=run.label,
        created_at=result.created_at,
        entry=entry_ref(sub),
        result=result_of(result, details=details),
        shared_with=tuple(entry_ref(other) for other in shared_with),
    )


def _reproductions(session: Session, result_id: int) -> tuple[Reproduction, ...]:
    query = (
        select(ReproductionRow)
        .where(ReproductionRow.result_id == result_id)
        .order_by(ReproductionRow.id)
    )
    return tuple(
        Reproduction(
            id=row.id,
            result_id=row.result_id,
            new_result_id=row.new_result_id,
            report=row.report,
            agrees=row.agrees,
            created_at=row.created_at,
        )
        for row in session.scalars(query)
    )


def _round_environment(
    session: Session, run: RunRow, environment: dict[str, Any]
) -> dict[str, Any]:
    round_name = session.scalar(
        select(SubmissionRow.round_name).where(SubmissionRow.id == run.submission_id)
    )
    if not round_name:
        return environment
    row = _open_round(session, round_name)
    return {**environment, "round": row.name, "round_spec_sha256": row.spec_sha256}


def _open_round(session: Session, round_name: str) -> RoundRow:
    """Round ``round_name``, locked for this transaction.

    Raises:
        NotFoundError: there is no such round.
        StateError: it is neither open nor running.
    """
    row = session.get(RoundRow, round_name, with_for_update=True)
    if row is None:
        raise NotFoundError(f"round {round_name} does not exist")
    if row.status not in ENTRY_STATUSES:
        raise StateError(
            f"round {row.name} is {row.status}: it takes entries and results only while open "
            "or running."
        )
    return row
