"""Submissions: one row per configuration per round, entered idempotently."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tournament.errors import UserError
from tournament.schema.submission import Submission
from tournament.store.base import StoreBase, row_dict
from tournament.store.models import Origin, SubmissionRow
from tournament.store.retry import retrying


class SubmissionsPart(StoreBase):
    """Writes and reads the ``submissions`` table."""

    @retrying
    def add_submission(
        self,
        sub: Submission,
        *,
        round_name: str = "",
        source_file: str | None = None,
        origin: str = "human",
        study_name: str | None = None,
        trial_number: int | None = None,
    ) -> tuple[int, bool]:
        """Enter ``sub`` in ``round_name`` ("" outside any round).

        Idempotent: the same configuration (same ``config_hash``) in the same round returns the
        existing id and ``created`` False, whoever submitted it first and whatever its name.

        Returns:
            ``(submission_id, created)``.

        Raises:
            UserError: ``origin`` is not "human" or "search".
        """
        if origin not in {o.value for o in Origin}:
            raise UserError(f"origin must be 'human' or 'search', not {origin!r}.")
        config_hash = sub.config_hash
        try:
            with self._write() as session:
                existing = self._submission_id(session, round_name, config_hash)
                if existing is not None:
                    return existing, False
                row = _new_row(sub, round_name=round_name, origin=origin)
                row.source_file = source_file
                row.study_name, row.trial_number = study_name, trial_number
                session.add(row)
                session.flush()
                return row.id, True
        except IntegrityError:  # another writer entered it between our check and our insert
            with self._read() as session:
                existing = self._submission_id(session, round_name, config_hash)
            if existing is None:
                raise
            return existing, False

    @staticmethod
    def _submission_id(session: Session, round_name: str, config_hash: str) -> int | None:
        query = select(SubmissionRow.id).where(
            SubmissionRow.round_name == round_name, SubmissionRow.config_hash == config_hash
        )
        return session.scalar(query)

    def submission(self, submission_id: int) -> dict[str, Any] | None:
        """One submission as a dict of its columns; None if there is none with this id."""
        with self._read() as session:
            row = session.get(SubmissionRow, submission_id)
            return None if row is None else row_dict(row)

    def submissions(self, *, round_name: str | None = None) -> list[dict[str, Any]]:
        """Every submission (of one round if given), oldest first."""
        query = select(SubmissionRow).order_by(SubmissionRow.id)
        if round_name is not None:
            query = query.where(SubmissionRow.round_name == round_name)
        with self._read() as session:
            return [row_dict(row) for row in session.scalars(query)]


def _new_row(sub: Submission, *, round_name: str, origin: str) -> SubmissionRow:
    return SubmissionRow(
        config_hash=sub.config_hash,
        round_name=round_name,
        team=sub.team,
        name=sub.name,
        workload=sub.workload,
        variant=sub.variant,
        runtime=sub.runtime,
        quantization=sub.quantization.value,
        batch_size=sub.batch_size,
        machine=sub.machine,
        config=sub.config(),
        document=sub.model_dump(mode="json"),
        origin=origin,
    )
