"""One driver per study: a lease in the store, taken over only from a driver known to be dead.

The owner is ``host:pid``. A driver killed without releasing its lease leaves it behind; a new
driver on the same host takes it over when that pid no longer runs, so ``kill -9`` then resume
works at once. A live driver renews its lease after each batch of trials.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from tournament.errors import StateError

TTL_S = 6 * 3600.0


def owner() -> str:
    """This process as a lease owner: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def lease_name(study_name: str) -> str:
    return f"search:{study_name}"


def acquire(store: Any, study_name: str) -> str:
    """Hold the study's lease; the owner string.

    Raises:
        StateError: another live driver holds it.
    """
    me, name = owner(), lease_name(study_name)
    if store.acquire_lease(name, me, TTL_S):
        return me
    held = store.lease(name) or {}
    holder = str(held.get("owner", ""))
    if _dead(holder) and store.acquire_lease(name, me, TTL_S, stale_owner=holder):
        return me
    raise StateError(
        f"study: {study_name!r} is being searched by another driver ({holder}); "
        "wait for it to end, or stop it first."
    )


def renew(store: Any, study_name: str, me: str) -> None:
    store.renew_lease(lease_name(study_name), me, TTL_S)


def release(store: Any, study_name: str, me: str) -> None:
    store.release_lease(lease_name(study_name), me)


def _dead(holder: str) -> bool:
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
