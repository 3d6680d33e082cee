"""Round leases: who may drive a round right now (a scheduler, or ``tourney round run``).

A lease is a row of the ``leases`` table named ``round:<name>`` with an owner and an expiry
(:class:`~tournament.store.leases.LeasesPart`). Its holder renews it from a background thread
every third of its time to live, and gives it back when done. A holder that dies stops
renewing; its lease expires after ``ttl_s``, or at once when the dead holder ran on this host:
owners are ``host:pid:process-start-ms:random``, so a lease whose process is gone (or whose
pid now belongs to another process) is taken over without waiting.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from types import TracebackType
from typing import Any

from tournament.errors import StateError

LEASE_TTL_S = 120.0
"""Default lease time to live; renewed every third of it while the holder works."""


def lease_name(round_name: str) -> str:
    """The lease that guards ``round_name``."""
    return f"round:{round_name}"


def _start_ms(pid: int) -> int | None:
    import psutil

    try:
        return int(psutil.Process(pid).create_time() * 1000)
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def owner_id() -> str:
    """A fresh owner identity for this process: ``host:pid:start-ms:random``."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_ms(pid)}:{uuid.uuid4().hex[:8]}"


def is_stale(owner: str) -> bool:
    """Whether ``owner`` was a process of this host that no longer runs."""
    parts = owner.rsplit(":", 3)
    if len(parts) != 4 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    return str(_start_ms(int(parts[1]))) != parts[2]


class LeaseHeld(StateError):
    """Another live owner holds the lease."""


class RoundLease:
    """Holds the lease of one round while the ``with`` block runs; renews it meanwhile.

    Raises :class:`LeaseHeld` on entry when another live owner holds it. ``lost`` becomes
    true if a renewal fails (the lease expired and was taken over): the holder should stop.
    """

    def __init__(
        self, store: Any, round_name: str, *, owner: str | None = None, ttl_s: float = LEASE_TTL_S
    ) -> None:
        self.store = store
        self.round_name = round_name
        self.name = lease_name(round_name)
        self.owner = owner or owner_id()
        self.ttl_s = ttl_s
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def lost(self) -> bool:
        """Whether a renewal failed."""
        return self._lost.is_set()

    def acquire(self) -> None:
        """Take the lease (from a dead local holder too) and start renewing it."""
        if not self.store.acquire_lease(self.name, self.owner, self.ttl_s):
            holder = self.store.lease(self.name)
            stale = holder["owner"] if holder and is_stale(holder["owner"]) else None
            if stale is None or not self.store.acquire_lease(
                self.name, self.owner, self.ttl_s, stale_owner=stale
            ):
                raise LeaseHeld(_held_message(self.round_name, holder))
        self._thread = threading.Thread(target=self._renew, name=f"lease {self.name}", daemon=True)
        self._thread.start()

    def _renew(self) -> None:
        while not self._stop.wait(self.ttl_s / 3):
            if not self.store.renew_lease(self.name, self.owner, self.ttl_s):
                self._lost.set()
                return

    def release(self) -> None:
        """Stop renewing and give the lease back."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.store.release_lease(self.name, self.owner)

    def __enter__(self) -> RoundLease:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def _held_message(round_name: str, holder: dict[str, Any] | None) -> str:
    if holder is None:
        return f"round {round_name}: its lease changed hands meanwhile; try again."
    return (
        f"round {round_name} is being driven by {holder['owner']} (lease until "
        f"{holder['expires_at']:%Y-%m-%d %H:%M:%S} UTC); wait for it to finish."
    )
