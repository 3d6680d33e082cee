"""Leases: named locks with an owner and an expiry, the one way processes take turns.

A lease is a row of the ``leases`` table. Names are ``<kind>:<key>``: ``round:<name>`` (who
drives a round), ``search:<study>`` (one driver per study) and, for one benchmark per machine
at a time whoever drives, ``machine:<id>`` (:func:`lease_name`).

Two layers, one implementation:

* :class:`LeasesPart` (part of the store): ``acquire_lease``, ``renew_lease``,
  ``release_lease`` and ``lease``, each one transaction. ``acquire_lease`` takes over the row
  when it is free, expired, already ours or held by ``stale_owner`` (an owner the caller proved
  dead), with a conditional ``UPDATE``; otherwise it tries an ``INSERT`` in a savepoint, which
  the primary key makes fail when another writer got there first. Of concurrent acquirers
  exactly one wins, on SQLite and on PostgreSQL. Times are the database writer's clock (UTC,
  :func:`~tournament.store.types.utcnow`).
* :class:`Lease`: one holder of one lease. It takes the lease (over from a dead holder on this
  host too, see :func:`is_stale`), optionally waits for it, renews it (from a background thread
  every third of its time to live, or when the caller says), knows when it was lost, and gives
  it back. Rounds and the search use it through thin adapters
  (:mod:`tournament.rounds.lease`, :mod:`tournament.search.lease`).
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from types import TracebackType
from typing import Protocol, Self

from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError

from tournament.errors import StateError, UserError
from tournament.store.base import ReadBase, StoreBase
from tournament.store.models import LeaseRow
from tournament.store.records import LeaseRecord
from tournament.store.retry import retrying
from tournament.store.types import utcnow


class LeasesReads(ReadBase):
    """Reads the ``leases`` table (the writable and the read-only store)."""

    def lease(self, name: str) -> LeaseRecord | None:
        """Lease ``name``, expired or not; None if nobody holds it."""
        with self._read() as session:
            row = session.get(LeaseRow, name)
            return None if row is None else LeaseRecord(row.name, row.owner, row.expires_at)


class LeasesPart(LeasesReads, StoreBase):
    """Writes the ``leases`` table (reads: :class:`LeasesReads`)."""

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
        _check_ttl(ttl_s)
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
        """Extend a lease ``owner`` still holds; False if it was lost (taken over or released).

        Raises:
            UserError: ``ttl_s`` is not positive.
        """
        _check_ttl(ttl_s)
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


def _check_ttl(ttl_s: float) -> None:
    if not ttl_s > 0:
        raise UserError(f"lease ttl_s must be > 0 seconds, not {ttl_s!r}.")


class LeaseStore(Protocol):
    """What :class:`Lease` needs of a store (:class:`LeasesPart` provides it)."""

    def acquire_lease(
        self, name: str, owner: str, ttl_s: float, *, stale_owner: str | None = None
    ) -> bool: ...

    def renew_lease(self, name: str, owner: str, ttl_s: float) -> bool: ...

    def release_lease(self, name: str, owner: str) -> bool: ...

    def lease(self, name: str) -> LeaseRecord | None: ...


def lease_name(kind: str, key: str) -> str:
    """The name of the lease guarding ``key`` of ``kind``: ``round:<name>``, ``machine:<id>``."""
    return f"{kind}:{key}"


def _start_ms(pid: int) -> int | None:
    import psutil

    try:
        return int(psutil.Process(pid).create_time() * 1000)
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def owner_id() -> str:
    """A fresh owner identity for this process: ``host:pid:start-ms:random``.

    The process start time tells a live holder from a later process that reuses its pid; the
    random part tells two holders of one process apart.
    """
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_ms(pid)}:{uuid.uuid4().hex[:8]}"


def is_stale(owner: str) -> bool:
    """Whether ``owner`` was a process of this host that no longer runs.

    Owners of :func:`owner_id`'s form are stale when their pid is gone or now belongs to a
    process started at another time; the older ``host:pid`` form (search drivers before one
    lease implementation) when their pid is gone. Owners of other hosts are never stale here:
    their leases end by expiry.
    """
    parts = owner.split(":")
    if len(parts) not in (2, 4) or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if len(parts) == 2:
        import psutil

        return not psutil.pid_exists(pid)
    return str(_start_ms(pid)) != parts[2]


class LeaseHeld(StateError):
    """Another live owner holds the lease (``holder``: its record, None if it changed hands)."""

    def __init__(self, message: str, holder: LeaseRecord | None = None) -> None:
        super().__init__(message)
        self.holder = holder


HeldMessage = Callable[[LeaseRecord | None], str]
"""The sentence for a lease held by another: given the holder's record (None if it changed
hands while we looked)."""


def held_by(name: str) -> HeldMessage:
    """The default :data:`HeldMessage` of lease ``name``."""

    def message(holder: LeaseRecord | None) -> str:
        if holder is None:
            return f"lease {name} changed hands meanwhile; try again."
        return (
            f"lease {name} is held by {holder.owner} until "
            f"{_shown(holder.expires_at)} UTC; wait for it to be released."
        )

    return message


def _shown(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}"


class Lease:
    """One holder of the lease ``name``: take it, keep it, give it back.

    ``with Lease(store, name, ttl_s=...) as lease:`` takes it on entry (raising
    :class:`LeaseHeld` when another live owner holds it) and gives it back on exit. With
    ``renew="background"`` (the default) a daemon thread renews it every third of ``ttl_s``;
    with ``renew="manual"`` the holder calls :meth:`renew` often enough itself. ``lost``
    becomes true when a renewal fails (the lease expired and was taken over, or was released):
    the holder should stop. The lease is the store's: any process on any host sharing the
    database sees it. Safe to use from the thread that took it and its renewal thread.

    Args:
        store: The store holding the ``leases`` table.
        name: ``<kind>:<key>`` (:func:`lease_name`).
        ttl_s: How long the lease lasts without renewal.
        owner: The holder's identity; default a fresh :func:`owner_id`. Pass a known owner to
            renew or release a lease taken earlier by this process.
        renew: ``"background"`` or ``"manual"``.
        held: The sentence :class:`LeaseHeld` carries (default :func:`held_by`).
    """

    def __init__(
        self,
        store: LeaseStore,
        name: str,
        *,
        ttl_s: float,
        owner: str | None = None,
        renew: str = "background",
        held: HeldMessage | None = None,
    ) -> None:
        if renew not in ("background", "manual"):
            raise ValueError(f"renew must be 'background' or 'manual', not {renew!r}")
        _check_ttl(ttl_s)
        self.store = store
        self.name = name
        self.ttl_s = ttl_s
        self.owner = owner or owner_id()
        self._background = renew == "background"
        self._held = held or held_by(name)
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def lost(self) -> bool:
        """Whether a renewal failed."""
        return self._lost.is_set()

    def try_acquire(self) -> bool:
        """Take the lease if it is free, expired, ours or held by a dead local process."""
        if self.store.acquire_lease(self.name, self.owner, self.ttl_s):
            return True
        holder = self.store.lease(self.name)
        stale = holder.owner if holder is not None and is_stale(holder.owner) else None
        return stale is not None and self.store.acquire_lease(
            self.name, self.owner, self.ttl_s, stale_owner=stale
        )

    def acquire(self, *, wait_s: float = 0.0, poll_s: float = 1.0) -> Self:
        """Take the lease, waiting up to ``wait_s`` seconds for it; start renewing it.

        Raises:
            LeaseHeld: another live owner still holds it after ``wait_s``.
        """
        deadline = time.monotonic() + wait_s
        while not self.try_acquire():
            left = deadline - time.monotonic()
            if left <= 0:
                holder = self.store.lease(self.name)
                raise LeaseHeld(self._held(holder), holder)
            time.sleep(min(poll_s, left))
        self._lost.clear()
        if self._background and self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._keep, name=f"lease {self.name}", daemon=True
            )
            self._thread.start()
        return self

    def renew(self) -> bool:
        """Extend the lease by ``ttl_s`` now; False (and ``lost``) if it was lost."""
        if self.store.renew_lease(self.name, self.owner, self.ttl_s):
            return True
        self._lost.set()
        return False

    def _keep(self) -> None:
        while not self._stop.wait(self.ttl_s / 3):
            if not self.renew():
                return

    def release(self) -> None:
        """Stop renewing and give the lease back (nothing happens if it was lost)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.store.release_lease(self.name, self.owner)

    def __enter__(self) -> Self:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
