"""Rounds: frozen specs with a status and, once closed, a stored ranking.

The store only records; the rules of a round's life (who may open or close it, when) belong to
:mod:`tournament.rounds`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tournament.errors import NotFoundError, StateError, UserError
from tournament.hashing import sha256_of
from tournament.schema.submission import Submission
from tournament.store.base import ReadBase, StoreBase
from tournament.store.models import (
    RoundRow,
    RoundStatus,
    RunRow,
    RunStatus,
    SubmissionRow,
)
from tournament.store.records import RoundRecord
from tournament.store.results import ENTRY_STATUSES
from tournament.store.retry import retrying
from tournament.store.submissions import enter
from tournament.store.types import utcnow


class RoundsReads(ReadBase):
    """Reads the ``rounds`` table (the writable and the read-only store)."""

    def round(self, name: str) -> RoundRecord | None:
        """One round; None if there is none of this name."""
        with self._read() as session:
            row = session.get(RoundRow, name)
            return None if row is None else round_of(row)

    def rounds(self, status: str | None = None) -> list[RoundRecord]:
        """Rounds (with one status if given), oldest first."""
        query = select(RoundRow).order_by(RoundRow.created_at, RoundRow.name)
        if status is not None:
            query = query.where(RoundRow.status == _status(status))
        with self._read() as session:
            return [round_of(row) for row in session.scalars(query)]

    def round_run_counts(self, name: str) -> dict[str, int]:
        """Runs of the round's entries by status (every status, zeros included)."""
        query = (
            select(RunRow.status, func.count())
            .join(SubmissionRow, RunRow.submission_id == SubmissionRow.id)
            .where(SubmissionRow.round_name == name)
            .group_by(RunRow.status)
        )
        counts = {s.value: 0 for s in RunStatus}
        with self._read() as session:
            counts.update({status: int(n) for status, n in session.execute(query).tuples()})
        return counts


def round_of(row: RoundRow) -> RoundRecord:
    """The frozen record of a ``rounds`` row."""
    return RoundRecord(
        name=row.name,
        spec=row.spec,
        spec_sha256=row.spec_sha256,
        status=RoundStatus(row.status),
        opened_at=row.opened_at,
        closed_at=row.closed_at,
        schedule=row.schedule,
        ranking=row.ranking,
        created_at=row.created_at,
    )


class RoundsPart(RoundsReads, StoreBase):
    """Writes the ``rounds`` table (reads: :class:`RoundsReads`)."""

    @retrying
    def create_round(self, name: str, spec: dict[str, Any], *, schedule: str | None = None) -> bool:
        """Record round ``name`` as a draft; True if new, False if it exists with this spec.

        Raises:
            StateError: a round of this name exists with another spec (specs are frozen), or
                one whose name differs only in case.
        """
        spec_sha = sha256_of(spec)
        with self._write() as session:
            row = session.get(RoundRow, name)
            if row is None:
                twin = session.scalars(
                    select(RoundRow.name).where(func.lower(RoundRow.name) == name.lower())
                ).first()
                if twin is not None:
                    raise StateError(
                        f"round name {name!r} differs only in case from the round {twin!r}; "
                        "round names are case-insensitive: choose another name."
                    )
                session.add(RoundRow(name=name, spec=spec, spec_sha256=spec_sha, schedule=schedule))
                return True
            if row.spec_sha256 != spec_sha:
                raise StateError(f"round {name} exists with another spec; choose a new name.")
            return False

    @retrying
    def set_round_status(
        self, name: str, status: str, *, ranking: dict[str, Any] | None = None
    ) -> None:
        """Set a round's status; opening stamps ``opened_at``, closing ``closed_at``.

        ``ranking``, if given, is stored with it (at close). No transition rule is enforced here.

        Raises:
            NotFoundError: no round has this name.
            UserError: ``status`` is not draft, open, running or closed.
        """
        status = _status(status)
        with self._write() as session:
            row = session.get(RoundRow, name)
            if row is None:
                raise NotFoundError(f"round {name} does not exist")
            row.status = status
            if status == RoundStatus.OPEN.value and row.opened_at is None:
                row.opened_at = utcnow()
            if status == RoundStatus.CLOSED.value:
                row.closed_at = utcnow()
            if ranking is not None:
                row.ranking = ranking

    @retrying
    def transition_round(self, name: str, expected: Sequence[str], status: str) -> bool:
        """Move round ``name`` to ``status`` if it is in one of the ``expected`` statuses.

        One conditional ``UPDATE ... WHERE status IN (expected)``: of concurrent transitions
        exactly one succeeds. Opening stamps ``opened_at`` and re-hashes the stored spec (the
        frozen copy); closing stamps ``closed_at`` and cancels the round's queued and running
        runs in the same transaction.

        Returns:
            False (nothing changed) when the round is in another status.

        Raises:
            NotFoundError: no round has this name.
        """
        status = _status(status)
        values: dict[str, Any] = {"status": status}
        if status == RoundStatus.CLOSED.value:
            values["closed_at"] = utcnow()
        query = (
            update(RoundRow)
            .where(RoundRow.name == name, RoundRow.status.in_([_status(s) for s in expected]))
            .values(**values)
        )
        with self._write() as session:
            if session.execute(query).rowcount != 1:  # type: ignore[attr-defined]
                _round_row(session, name)
                return False
            row = _round_row(session, name)
            if status == RoundStatus.OPEN.value:
                row.opened_at = row.opened_at or utcnow()
                row.spec_sha256 = sha256_of(row.spec)
            if status == RoundStatus.CLOSED.value:
                _cancel_round_runs(session, name)
            return True

    @retrying
    def replace_draft_round(
        self, name: str, spec: dict[str, Any], *, schedule: str | None = None
    ) -> bool:
        """Replace the spec of a draft round; False if the round is no longer a draft.

        Raises:
            NotFoundError: no round has this name.
        """
        query = (
            update(RoundRow)
            .where(RoundRow.name == name, RoundRow.status == RoundStatus.DRAFT.value)
            .values(spec=spec, spec_sha256=sha256_of(spec), schedule=schedule)
        )
        with self._write() as session:
            if session.execute(query).rowcount == 1:  # type: ignore[attr-defined]
                return True
            _round_row(session, name)
            return False

    @retrying
    def store_round_ranking(self, name: str, ranking: dict[str, Any]) -> bool:
        """Store the ranking of a closed round; False if the round is not closed.

        Raises:
            NotFoundError: no round has this name.
        """
        with self._write() as session:
            row = _round_row(session, name, lock=True)
            if row.status != RoundStatus.CLOSED.value:
                return False
            row.ranking = ranking
            return True

    @retrying
    def requeue_round_running(self, name: str) -> int:
        """Put the round's running runs back in the queue (resume after a killed driver)."""
        entries = select(SubmissionRow.id).where(SubmissionRow.round_name == name)
        query = (
            update(RunRow)
            .where(RunRow.status == RunStatus.RUNNING.value, RunRow.submission_id.in_(entries))
            .values(status=RunStatus.QUEUED.value, worker=None, started_at=None)
        )
        with self._write() as session:
            return int(session.execute(query).rowcount)  # type: ignore[attr-defined]

    @retrying
    def add_round_entry(
        self, sub: Submission, round_name: str, *, source_file: str | None = None
    ) -> tuple[int, bool]:
        """Enter ``sub`` in a round that is open or running, atomically with that check.

        The identity rules and idempotence of :meth:`add_submission` (the same file again: the
        same entry, created False).

        Raises:
            NotFoundError: no round has this name.
            StateError: the round is a draft or closed.
            UserError: the entry clashes with one of its team (see
                :mod:`tournament.store.submissions`).
        """
        with self._write() as session:
            row = _round_row(session, round_name, lock=True)
            _require_entries(row)
            return enter(
                session, sub, round_name=round_name, origin="human", source_file=source_file
            )


def _round_row(session: Session, name: str, *, lock: bool = False) -> RoundRow:
    row = session.get(RoundRow, name, with_for_update=lock)
    if row is None:
        raise NotFoundError(f"round {name} does not exist")
    return row


def _require_entries(row: RoundRow) -> None:
    if row.status not in ENTRY_STATUSES:
        raise StateError(
            f"round {row.name} is {row.status}: it takes entries and results only while open "
            "or running."
        )


def _cancel_round_runs(session: Session, name: str) -> None:
    entries = select(SubmissionRow.id).where(SubmissionRow.round_name == name)
    session.execute(
        update(RunRow)
        .where(
            RunRow.status.in_([RunStatus.QUEUED.value, RunStatus.RUNNING.value]),
            RunRow.submission_id.in_(entries),
        )
        .values(
            status=RunStatus.CANCELLED.value,
            error=f"round {name} closed before this run finished",
            finished_at=utcnow(),
        )
    )


def _status(status: str) -> str:
    allowed = [s.value for s in RoundStatus]
    if status not in allowed:
        raise UserError(f"round status must be one of {', '.join(allowed)}, not {status!r}.")
    return status
