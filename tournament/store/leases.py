"""Leases: named locks with an owner and an expiry, so that two schedulers never run one round.

``acquire_lease`` is one transaction: it takes over the row when it is free, expired, already
ours or held by ``stale_owner`` (an owner the caller proved dead), with a conditional
``UPDATE``; otherwise it tries an ``INSERT`` in a savepoint, which the primary key makes fail
when another writer got there first. Of concurrent acquirers exactly one wins. Times are the
database writer's clock (UTC, :func:`~tournament.store.types.utcnow`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError

from tournament.errors import UserError
from tournament.store.base import StoreBase, row_dict
from tournament.store.models import LeaseRow
from tournament.store.retry import retrying
from tournament.store.types import utcnow


class LeasesPart(StoreBase):
    """Writes and reads the ``leases`` table."""

    @retrying
    def acquire_lease(
        self, name: str, owner: str, ttl_s: float, *, stale_owner: str | None = None
    ) -> bool:
        """Take lease ``name`` for ``owner`` for ``ttl_s`` seconds; False if another holds it.

        Re-acquiring a lease one holds extends it. ``stale_owner``: also take it over from
        this holder (one the caller knows is dead).

        Raises:
            UserError: ``ttl_s`` is not positive.
        """
        if not ttl_s > 0:
            raise UserError(f"lease ttl_s must be > 0 seconds, not {ttl_s!r}.")
        now = utcnow()
        expires = now + timedelta(seconds=ttl_s)
        holders = [LeaseRow.owner == owner, LeaseRow.expires_at <= now]
        if stale_owner is not None:
            holders.append(LeaseRow.owner == stale_owner)
        take = (
            update(LeaseRow)
            .where(LeaseRow.name == name, or_(*holders))
            .values(owner=owner, expires_at=expires)
        )
        with self._write() as session:
            if session.execute(take).rowcount == 1:  # type: ignore[attr-defined]
                return True
            try:
                with session.begin_nested():
                    session.add(LeaseRow(name=name, owner=owner, expires_at=expires))
            except IntegrityError:
                return False
            return True

    @retrying
    def renew_lease(self, name: str, owner: str, ttl_s: float) -> bool:
        """Extend a lease ``owner`` still holds; False if it was lost (taken over or released)."""
        query = (
            update(LeaseRow)
            .where(LeaseRow.name == name, LeaseRow.owner == owner)
            .values(expires_at=utcnow() + timedelta(seconds=ttl_s))
        )
        with self._write() as session:
            return bool(session.execute(query).rowcount == 1)  # type: ignore[attr-defined]

    @retrying
    def release_lease(self, name: str, owner: str) -> bool:
        """Give a lease back; False if ``owner`` did not hold it."""
        query = delete(LeaseRow).where(LeaseRow.name == name, LeaseRow.owner == owner)
        with self._write() as session:
            return bool(session.execute(query).rowcount == 1)  # type: ignore[attr-defined]

    def lease(self, name: str) -> dict[str, Any] | None:
        """Lease ``name`` (``name, owner, expires_at``), expired or not; None if none."""
        with self._read() as session:
            row = session.get(LeaseRow, name)
            return None if row is None else row_dict(row)
