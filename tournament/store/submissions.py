"""Submissions: the entries, one row per (round, team, name), entered idempotently.

An entry's identity is ``(round_name, team, name)`` (``round_name`` "" outside any round); its
``config_hash`` identifies what is measured. The rules (:func:`resolve_entry`):

* The same file again (same team, name and configuration): the same entry, nothing written.
* Another team, same configuration: a new entry, sharing the configuration's measurements.
* The same team and name with another configuration: refused (``name``: choose a new name).
* The same team and configuration under another name: refused, naming the existing entry (a
  team enters a configuration once per round); except for the search (origin ``search``),
  whose trials of several studies may propose one configuration: it gets the existing entry.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tournament.errors import UserError
from tournament.schema.submission import Submission
from tournament.store.base import ReadBase, StoreBase
from tournament.store.models import Origin, SubmissionRow
from tournament.store.records import Entry
from tournament.store.retry import retrying


class SubmissionsReads(ReadBase):
    """Reads the ``submissions`` table (the writable and the read-only store)."""

    def submission(self, submission_id: int) -> Entry | None:
        """One entry; None if there is none with this id."""
        with self._read() as session:
            row = session.get(SubmissionRow, submission_id)
            return None if row is None else entry_of(row)

    def submissions(self, *, round_name: str | None = None) -> list[Entry]:
        """Every entry (of one round if given; "" outside any round), oldest first."""
        query = select(SubmissionRow).order_by(SubmissionRow.id)
        if round_name is not None:
            query = query.where(SubmissionRow.round_name == round_name)
        with self._read() as session:
            return [entry_of(row) for row in session.scalars(query)]


def entry_of(row: SubmissionRow) -> Entry:
    """The frozen record of a ``submissions`` row."""
    return Entry(
        id=row.id,
        team=row.team,
        name=row.name,
        workload=row.workload,
        variant=row.variant,
        runtime=row.runtime,
        quantization=row.quantization,
        batch_size=row.batch_size,
        machine=row.machine,
        config_hash=row.config_hash,
        round_name=row.round_name,
        origin=Origin(row.origin),
        study_name=row.study_name,
        trial_number=row.trial_number,
        source_file=row.source_file,
        config=row.config,
        document=row.document,
        created_at=row.created_at,
    )


class SubmissionsPart(SubmissionsReads, StoreBase):
    """Writes the ``submissions`` table (reads: :class:`SubmissionsReads`)."""

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
        """Enter ``sub`` in ``round_name`` ("" outside any round) as team ``sub.team``'s entry
        ``sub.name``.

        Idempotent: the same team, name and configuration return the existing entry and
        ``created`` False (nothing is written). Another team's entry of the same configuration
        is a new entry that shares its measurements. See the module for what is refused.

        Returns:
            ``(submission_id, created)``.

        Raises:
            UserError: ``origin`` is not "human" or "search"; the team has an entry of this
                name with another configuration, or (origin "human") this configuration under
                another name.
        """
        _check_origin(origin)
        with self._write() as session:
            return enter(
                session,
                sub,
                round_name=round_name,
                origin=origin,
                source_file=source_file,
                study_name=study_name,
                trial_number=trial_number,
            )

    def entry_problems(
        self, subs: Sequence[Submission], *, round_name: str = "", origin: str = "human"
    ) -> list[str | None]:
        """Why each of ``subs`` could not be entered in ``round_name`` (None: it could).

        Checks every identity rule (see the module) against the stored entries and the
        earlier ``subs`` of the list, writing nothing: a command entering several files checks
        them all before storing any.
        """
        _check_origin(origin)
        problems: list[str | None] = []
        batch: list[tuple[str, str, str]] = []
        with self._read() as session:
            for sub in subs:
                try:
                    resolve_entry(session, sub, round_name=round_name, origin=origin)
                    problem = _batch_clash(sub, batch, round_name=round_name, origin=origin)
                except UserError as error:
                    problem = "; ".join(error.problems)
                problems.append(problem)
                batch.append((sub.team, sub.name, sub.config_hash))
        return problems


def enter(
    session: Session,
    sub: Submission,
    *,
    round_name: str,
    origin: str,
    source_file: str | None = None,
    study_name: str | None = None,
    trial_number: int | None = None,
) -> tuple[int, bool]:
    """Enter ``sub`` within ``session``'s write transaction: ``(entry id, created)``.

    The rules of :func:`resolve_entry`; a concurrent writer that entered the same entry first
    (the unique constraints fail our insert) is resolved again, in a savepoint.
    """
    existing = resolve_entry(session, sub, round_name=round_name, origin=origin)
    if existing is not None:
        return existing, False
    row = _new_row(sub, round_name=round_name, origin=origin)
    row.source_file = source_file
    row.study_name, row.trial_number = study_name, trial_number
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another writer entered it between our check and our insert
        existing = resolve_entry(session, sub, round_name=round_name, origin=origin)
        if existing is None:
            raise
        return existing, False
    return row.id, True


def resolve_entry(session: Session, sub: Submission, *, round_name: str, origin: str) -> int | None:
    """The id of the stored entry ``sub`` is again; None when it is a new entry.

    Raises:
        UserError: ``sub`` clashes with an entry of its team (see the module).
    """
    query = select(SubmissionRow).where(
        SubmissionRow.round_name == round_name,
        SubmissionRow.team == sub.team,
        or_(SubmissionRow.name == sub.name, SubmissionRow.config_hash == sub.config_hash),
    )
    rows = list(session.scalars(query.order_by(SubmissionRow.id)))
    for row in rows:  # the same name: the same file again, or a clash
        if row.name == sub.name:
            if row.config_hash == sub.config_hash:
                return row.id
            raise UserError(_name_taken(sub, row, round_name))
    for row in rows:  # the same configuration under another name
        if origin == Origin.SEARCH.value:
            return row.id
        raise UserError(_configuration_entered(sub, row, round_name))
    return None


def _batch_clash(
    sub: Submission, batch: list[tuple[str, str, str]], *, round_name: str, origin: str
) -> str | None:
    """Why ``sub`` clashes with an earlier file of the same command (None: it does not)."""
    where = _where(round_name)
    for team, name, config_hash in batch:
        if team != sub.team:
            continue
        if name == sub.name and config_hash != sub.config_hash:
            return (
                f"name: team {team} enters {name!r} {where} twice, with two different "
                "configurations; give one of them another name."
            )
        if name != sub.name and config_hash == sub.config_hash and origin != Origin.SEARCH.value:
            return (
                f"name: team {team} enters one configuration {where} as both {name!r} and "
                f"{sub.name!r}; a team enters a configuration once per round."
            )
    return None


def _name_taken(sub: Submission, row: SubmissionRow, round_name: str) -> str:
    return (
        f"name: team {sub.team} already has an entry {row.name!r} {_where(round_name)} "
        f"(#{row.id}, config {row.config_hash[:12]}) with another configuration (config "
        f"{sub.config_hash[:12]}); choose a new name for this one."
    )


def _configuration_entered(sub: Submission, row: SubmissionRow, round_name: str) -> str:
    return (
        f"name: team {sub.team} already entered this configuration {_where(round_name)} as "
        f"{row.name!r} (#{row.id}); a team enters a configuration once per round, not also "
        f"as {sub.name!r}."
    )


def _where(round_name: str) -> str:
    return f"in round {round_name}" if round_name else "outside any round"


def _check_origin(origin: str) -> None:
    if origin not in {o.value for o in Origin}:
        raise UserError(f"origin must be 'human' or 'search', not {origin!r}.")


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
