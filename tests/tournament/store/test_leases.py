"""The one lease implementation: a holder takes, renews (by itself or when told), loses and
gives back a named lease; waits for one; takes over from a dead local holder; races on
SQLite and PostgreSQL (``TOURNEY_TEST_PG_URL``) end with one winner.

Store-level calls and the round adapter: ``tests/tournament/rounds/test_leases.py``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tournament.errors import StateError, UserError
from tournament.search import lease as search_lease
from tournament.store import Lease, LeaseHeld, Store, lease_name
from tournament.store.leases import is_stale, owner_id


@pytest.fixture(params=["sqlite", "postgresql"])
def url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_database: Callable[[], Any]
) -> Iterator[str]:
    """A fresh SQLite file, or a scratch PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tourney.db'}"
        return
    with postgres_database() as url:
        yield url


def test_names_are_kind_and_key() -> None:
    assert lease_name("machine", "box-1") == "machine:box-1"
    assert search_lease.lease_name("s") == "search:s"


def test_a_holder_takes_keeps_and_gives_back(url: str) -> None:
    with Store(url) as store:
        with Lease(store, "machine:box-1", ttl_s=0.3) as lease:
            first = store.lease("machine:box-1")
            assert first is not None and first.owner == lease.owner
            time.sleep(0.5)  # longer than the ttl: only the background renewal keeps it
            assert not lease.lost
            again = store.lease("machine:box-1")
            assert again is not None and again.expires_at > first.expires_at
            with pytest.raises(LeaseHeld, match="lease machine:box-1 is held by") as held:
                Lease(store, "machine:box-1", ttl_s=30).acquire()
            assert isinstance(held.value, StateError)
            assert held.value.holder is not None and held.value.holder.owner == lease.owner
        assert store.lease("machine:box-1") is None


def test_a_manual_holder_notices_a_lost_lease(url: str) -> None:
    with Store(url) as store:
        lease = Lease(store, "search:s", ttl_s=0.05, renew="manual").acquire()
        assert (lease.renew(), lease.lost) == (True, False)
        time.sleep(0.1)
        assert store.acquire_lease("search:s", "someone-else", 30)  # expired: taken over
        assert (lease.renew(), lease.lost) == (False, True)
        lease.release()  # gives back nothing it does not hold
        assert store.lease("search:s").owner == "someone-else"  # type: ignore[union-attr]


def test_a_waiting_holder_gets_the_lease_when_it_is_released(url: str) -> None:
    with Store(url) as store:
        first = Lease(store, "machine:box-1", ttl_s=30).acquire()
        threading.Timer(0.3, first.release).start()
        started = time.monotonic()
        with Lease(store, "machine:box-1", ttl_s=30).acquire(wait_s=10, poll_s=0.05) as second:
            assert 0.2 < time.monotonic() - started < 5
            assert store.lease("machine:box-1").owner == second.owner  # type: ignore[union-attr]
        holder = Lease(store, "machine:box-1", ttl_s=30).acquire()
        with pytest.raises(LeaseHeld):  # a wait that ends before the holder is done
            Lease(store, "machine:box-1", ttl_s=30).acquire(wait_s=0.1, poll_s=0.05)
        holder.release()


def test_racing_holders_only_one_wins(url: str) -> None:
    Store(url).close()  # create the schema once
    barrier = threading.Barrier(6)
    won: list[str] = []

    def contend() -> None:
        with Store(url) as mine:
            lease = Lease(mine, "machine:race", ttl_s=30, renew="manual")
            barrier.wait()
            if lease.try_acquire():
                won.append(lease.owner)

    threads = [threading.Thread(target=contend) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1
    with Store(url) as store:
        assert store.lease("machine:race").owner == won[0]  # type: ignore[union-attr]


def test_dead_local_holders_are_stale_in_both_owner_forms(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    host = socket.gethostname()
    legacy = f"{host}:{proc.pid}"  # the search drivers' owners before one implementation
    assert not is_stale(legacy)
    proc.kill()
    proc.wait()
    assert is_stale(legacy) and not is_stale(f"other-host:{proc.pid}")
    assert not is_stale(owner_id()) and not is_stale(f"{host}:{os.getpid()}")
    assert not is_stale("not an owner") and not is_stale(f"{host}:x:1:2")
    with Store(f"sqlite:///{tmp_path / 'tourney.db'}") as store:
        assert store.acquire_lease("search:s", legacy, 3600)
        me = search_lease.acquire(store, "s")  # the dead driver's lease, taken over at once
        assert store.lease("search:s").owner == me  # type: ignore[union-attr]
        with pytest.raises(StateError, match="'s' is being searched by another driver"):
            search_lease.acquire(store, "s")
        assert search_lease.renew(store, "s", me)
        search_lease.release(store, "s", me)
        assert store.lease("search:s") is None


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'tourney.db'}") as store:
        with pytest.raises(UserError, match="lease ttl_s must be > 0 seconds"):
            Lease(store, "machine:x", ttl_s=0)
        with pytest.raises(UserError, match="lease ttl_s must be > 0 seconds"):
            store.renew_lease("machine:x", "me", -1)
        with pytest.raises(ValueError, match="renew must be"):
            Lease(store, "machine:x", ttl_s=1, renew="sometimes")
