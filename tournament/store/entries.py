"""Entries and the measurements they share: which entries a result is shown for.

A run measures a configuration of a round (``runs.round_name``, ``runs.config_hash``); every
entry with that configuration in that round shows its results (entries of several teams may
share one). A result read from the store is shown *once*, for the first-entered of the entries
that share it and match the reader's filters; the others are listed in its ``shared_with``
(:class:`~tournament.store.records.ResultRecord`). So result ids stay unique in every listing,
and each team still finds its results by filtering on its team.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from tournament.store.models import ResultRow, RunRow, SubmissionRow


def measured_by_run() -> ColumnElement[bool]:
    """Join condition: the entry has the run's configuration in the run's round."""
    return and_(
        SubmissionRow.round_name == RunRow.round_name,
        SubmissionRow.config_hash == RunRow.config_hash,
    )


def shown_results(
    filters: Mapping[Any, Any], limit: int | None = None
) -> Select[ResultRow, SubmissionRow, RunRow]:
    """``(result, entry, run)`` rows, newest result first, each result once.

    ``filters`` maps columns of ``results``, ``runs`` or ``submissions`` to the value they must
    equal (``None``: no filter); the entry of a result is the oldest of the entries of its
    configuration that pass them.
    """
    picked = (
        select(ResultRow.id.label("result_id"), func.min(SubmissionRow.id).label("entry_id"))
        .join(RunRow, ResultRow.run_id == RunRow.id)
        .join(SubmissionRow, measured_by_run())
        .group_by(ResultRow.id)
    )
    for column, value in filters.items():
        if value is not None:
            picked = picked.where(column == value)
    chosen = picked.order_by(ResultRow.id.desc()).limit(limit).subquery()
    return (
        select(ResultRow, SubmissionRow, RunRow)
        .join(chosen, ResultRow.id == chosen.c.result_id)
        .join(SubmissionRow, SubmissionRow.id == chosen.c.entry_id)
        .join(RunRow, ResultRow.run_id == RunRow.id)
        .order_by(ResultRow.id.desc())
    )


def sharing(session: Session, entries: Iterable[SubmissionRow]) -> dict[int, list[SubmissionRow]]:
    """For each of ``entries`` (by id) that shares its configuration, the other entries with
    it, oldest first (entries that share nothing are left out)."""
    entries = list(entries)
    wanted = {(e.round_name, e.config_hash) for e in entries}
    if not wanted:
        return {}
    key = (SubmissionRow.round_name, SubmissionRow.config_hash)
    shared = select(*key).group_by(*key).having(func.count() > 1).subquery()
    query = (
        select(SubmissionRow)
        .join(
            shared,
            and_(key[0] == shared.c.round_name, key[1] == shared.c.config_hash),
        )
        .order_by(SubmissionRow.id)
    )
    by_key: dict[tuple[str, str], list[SubmissionRow]] = defaultdict(list)
    for row in session.scalars(query):
        if (row.round_name, row.config_hash) in wanted:
            by_key[(row.round_name, row.config_hash)].append(row)
    out: dict[int, list[SubmissionRow]] = {}
    for entry in entries:
        others = [
            r for r in by_key.get((entry.round_name, entry.config_hash), []) if r.id != entry.id
        ]
        if others:
            out[entry.id] = others
    return out
