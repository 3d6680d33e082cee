"""A round's life: draft -> open -> running -> closed, enforced by the database.

Every transition is one conditional ``UPDATE ... WHERE status IN (expected)``
(:meth:`~tournament.store.rounds.RoundsPart.transition_round`), so concurrent callers cannot
both succeed: a second ``open`` fails with :class:`StateError`. The spec stored at ``create``
is frozen at ``open`` (its sha256 is recomputed from the stored copy); from then on the
database copy is the truth and a changed file cannot alter the round.

``close`` first moves the round to closed (which cancels its queued and running runs and
makes :meth:`~tournament.store.results.ResultsPart.record_result` refuse late results), then
computes the ranking from the now frozen results and stores it. If the process dies in
between, ``close`` again completes the ranking.
"""

from __future__ import annotations

from typing import Any

from tournament.errors import NotFoundError, StateError
from tournament.rounds.load import stored_spec
from tournament.rounds.spec import RoundSpec
from tournament.store.contract import StoreReader, StoreWriter
from tournament.store.records import RoundRecord, RoundStatus

DRAFT, OPEN, RUNNING, CLOSED = (s.value for s in RoundStatus)


def require_round(store: StoreReader, name: str) -> RoundRecord:
    """The stored round ``name``.

    Raises:
        NotFoundError: no round has this name.
    """
    row = store.round(name)
    if row is None:
        raise NotFoundError(f"round {name} does not exist; create it with `tourney round create`.")
    return row


def create_round(store: StoreWriter, spec: RoundSpec) -> str:
    """Store ``spec`` as a draft round: ``"created"``, ``"unchanged"`` or ``"replaced"``.

    A draft's spec may be replaced; an open, running or closed round's may not.

    Raises:
        StateError: the round exists beyond draft with another spec.
    """
    from tournament.hashing import sha256_of

    data = spec.to_json()
    row = store.round(spec.name)
    if row is None and store.create_round(spec.name, data, schedule=spec.schedule):
        return "created"
    row = require_round(store, spec.name)
    if row.spec_sha256 == sha256_of(data):
        return "unchanged"
    if store.replace_draft_round(spec.name, data, schedule=spec.schedule):
        return "replaced"
    row = require_round(store, spec.name)
    raise StateError(
        f"round {spec.name} is {row.status}: its spec was frozen when it opened (sha256 "
        f"{row.spec_sha256[:12]}); a changed file cannot alter it, create a new round."
    )


def _move(store: StoreWriter, name: str, expected: tuple[str, ...], status: str, verb: str) -> None:
    if not store.transition_round(name, expected, status):
        current = require_round(store, name).status
        raise StateError(
            f"round {name} is {current}; only a {' or '.join(expected)} round can be {verb}."
        )


def open_round(store: StoreWriter, name: str) -> None:
    """draft -> open: freeze the spec and start taking entries.

    Raises:
        NotFoundError: no such round.
        StateError: the round is not a draft (a second open fails here).
    """
    require_round(store, name)
    _move(store, name, (DRAFT,), OPEN, "opened")


def start_round(store: StoreWriter, name: str) -> None:
    """open -> running (a running round stays running: runs resume).

    Raises:
        StateError: the round is a draft or closed.
    """
    if require_round(store, name).status != RUNNING:
        _move(store, name, (OPEN, RUNNING), RUNNING, "run")


def close_round(store: StoreWriter, name: str) -> dict[str, Any]:
    """open/running -> closed, then compute and store the ranking; returns the ranking.

    Raises:
        NotFoundError: no such round.
        StateError: the round is a draft, or closed with its ranking stored already.
    """
    from tournament.rounds.standings import compute_ranking

    row = require_round(store, name)
    if row.status == CLOSED and row.ranking is not None:
        raise StateError(
            f"round {name} is closed already (at {row.closed_at:%Y-%m-%d %H:%M} "
            "UTC); its ranking is stored."
        )
    if row.status != CLOSED:
        _move(store, name, (OPEN, RUNNING), CLOSED, "closed")
    row = require_round(store, name)
    ranking = compute_ranking(store, name, stored_spec(row), row.spec_sha256)
    store.store_round_ranking(name, ranking)
    return ranking
