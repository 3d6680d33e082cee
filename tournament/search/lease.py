"""One driver per study: the study's lease in the store, renewed after each told trial.

A thin adapter of the store's one lease implementation (:class:`~tournament.store.leases.Lease`):
the lease of study ``S`` is named ``search:S`` and lasts :data:`TTL_S` without renewal; the
driver renews it itself (``renew="manual"``) after each trial Optuna is told. A driver killed
without releasing its lease leaves it behind; a new driver on the same host takes it over at
once when that process no longer runs (:func:`~tournament.store.leases.is_stale`), so
``kill -9`` then resume works.
"""

from __future__ import annotations

from tournament.store.leases import Lease, LeaseStore
from tournament.store.leases import lease_name as _lease_name
from tournament.store.records import LeaseRecord

TTL_S = 6 * 3600.0


def lease_name(study_name: str) -> str:
    """The lease that guards ``study_name``."""
    return _lease_name("search", study_name)


def _lease(store: LeaseStore, study_name: str, owner: str | None = None) -> Lease:
    return Lease(
        store,
        lease_name(study_name),
        ttl_s=TTL_S,
        owner=owner,
        renew="manual",
        held=lambda holder: _held_message(study_name, holder),
    )


def acquire(store: LeaseStore, study_name: str) -> str:
    """Hold the study's lease; the owner string (for :func:`renew` and :func:`release`).

    Raises:
        LeaseHeld: another live driver holds it (a :class:`~tournament.errors.StateError`).
    """
    return _lease(store, study_name).acquire().owner


def renew(store: LeaseStore, study_name: str, me: str) -> bool:
    """Extend the lease ``me`` holds; False if it was lost."""
    return _lease(store, study_name, me).renew()


def release(store: LeaseStore, study_name: str, me: str) -> None:
    """Give the lease back."""
    _lease(store, study_name, me).release()


def _held_message(study_name: str, holder: LeaseRecord | None) -> str:
    owner = "" if holder is None else holder.owner
    return (
        f"study: {study_name!r} is being searched by another driver ({owner}); "
        "wait for it to end, or stop it first."
    )
