"""Leases: one holder at a time, expiry, renewal, takeover from a dead local holder."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time

import psutil
import pytest

from tournament.rounds.lease import LeaseHeld, RoundLease, is_stale, lease_name, owner_id
from tournament.store import Store


def test_acquire_renew_release_expire(store: Store) -> None:
    assert store.acquire_lease("round:a", "me", 30)
    assert store.acquire_lease("round:a", "me", 30)  # re-acquiring extends
    assert not store.acquire_lease("round:a", "you", 30)
    assert store.renew_lease("round:a", "me", 30)
    assert not store.renew_lease("round:a", "you", 30)
    assert not store.release_lease("round:a", "you")
    assert store.release_lease("round:a", "me")
    assert store.lease("round:a") is None
    assert store.acquire_lease("round:b", "me", 0.05)
    time.sleep(0.1)
    assert store.acquire_lease("round:b", "you", 30)  # expired: taken over
    assert not store.renew_lease("round:b", "me", 30)


def test_racing_acquirers_only_one_wins(store: Store) -> None:
    barrier = threading.Barrier(6)
    won: list[str] = []

    def contend(owner: str) -> None:
        mine = Store(store.url)
        barrier.wait()
        if mine.acquire_lease("round:race", owner, 30):
            won.append(owner)
        mine.close()

    threads = [threading.Thread(target=contend, args=(f"owner-{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1
    assert store.lease("round:race").owner == won[0]  # type: ignore[union-attr]


def test_round_lease_renews_and_is_exclusive(store: Store) -> None:
    with RoundLease(store, "flow", ttl_s=0.3) as lease:
        first = store.lease(lease_name("flow"))
        time.sleep(0.5)  # longer than the ttl: only renewal keeps it
        assert not lease.lost
        again = store.lease(lease_name("flow"))
        assert first is not None and again is not None and again.expires_at > first.expires_at
        with pytest.raises(LeaseHeld, match="round flow is being driven by"):
            RoundLease(Store(store.url), "flow").acquire()
    assert store.lease(lease_name("flow")) is None


def test_lease_of_a_dead_local_process_is_taken_over(store: Store) -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    started = int(psutil.Process(proc.pid).create_time() * 1000)
    dead = f"{socket.gethostname()}:{proc.pid}:{started}:0000"
    assert not is_stale(dead)
    proc.kill()
    proc.wait()
    assert is_stale(dead)
    assert not is_stale(owner_id())
    assert not is_stale(f"other-host:{proc.pid}:{started}:0000")
    assert store.acquire_lease(lease_name("flow"), dead, 3600)
    with RoundLease(store, "flow") as lease:
        assert store.lease(lease_name("flow")).owner == lease.owner  # type: ignore[union-attr]
