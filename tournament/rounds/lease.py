"""Round leases: who may drive a round right now (a scheduler, or ``tourney round run``).

A thin adapter of the store's one lease implementation (:class:`~tournament.store.leases.Lease`):
the lease of round ``R`` is named ``round:R``; its holder renews it from a background thread
every third of its time to live, and gives it back when done. A holder that dies stops
renewing; its lease expires after ``ttl_s``, or at once when the dead holder ran on this host
(owners are ``host:pid:process-start-ms:random``, see
:func:`~tournament.store.leases.is_stale`).
"""

from __future__ import annotations

from tournament.store.leases import Lease, LeaseHeld, LeaseStore, is_stale, owner_id
from tournament.store.leases import lease_name as _lease_name
from tournament.store.records import LeaseRecord

__all__ = ["LEASE_TTL_S", "LeaseHeld", "RoundLease", "is_stale", "lease_name", "owner_id"]

LEASE_TTL_S = 120.0
"""Default lease time to live; renewed every third of it while the holder works."""


def lease_name(round_name: str) -> str:
    """The lease that guards ``round_name``."""
    return _lease_name("round", round_name)


class RoundLease(Lease):
    """Holds the lease of one round while the ``with`` block runs; renews it meanwhile.

    Raises :class:`LeaseHeld` on entry when another live owner holds it. ``lost`` becomes
    true if a renewal fails (the lease expired and was taken over): the holder should stop.
    """

    def __init__(
        self,
        store: LeaseStore,
        round_name: str,
        *,
        owner: str | None = None,
        ttl_s: float = LEASE_TTL_S,
    ) -> None:
        super().__init__(
            store,
            lease_name(round_name),
            ttl_s=ttl_s,
            owner=owner,
            held=lambda holder: _held_message(round_name, holder),
        )
        self.round_name = round_name


def _held_message(round_name: str, holder: LeaseRecord | None) -> str:
    if holder is None:
        return f"round {round_name}: its lease changed hands meanwhile; try again."
    return (
        f"round {round_name} is being driven by {holder.owner} (lease until "
        f"{holder.expires_at:%Y-%m-%d %H:%M:%S} UTC); wait for it to finish."
    )
