"""The store contract, part 4: leases, machines, rounds, reproductions, counts and backup
(SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from tournament.errors import NotFoundError, StateError, UserError
from tournament.store import Store
from tournament.store.models import TABLES
from tournament.store.readonly import ReadOnlyStore

from .conftest import MakeResult, queued_run, submission, table_counts

# -- leases --------------------------------------------------------------------------------------


def test_leases_are_exclusive(store: Store) -> None:
    assert store.lease("round:x") is None
    assert store.acquire_lease("round:x", "a", 30) is True
    held = store.lease("round:x")
    assert held is not None and (held.name, held.owner) == ("round:x", "a")
    assert held.expires_at.tzinfo is not None and held.expires_at > datetime.now(UTC)
    assert store.acquire_lease("round:x", "b", 30) is False
    assert store.renew_lease("round:x", "b", 30) is False
    assert store.release_lease("round:x", "b") is False
    assert store.acquire_lease("round:x", "a", 30) is True  # re-acquiring extends
    assert store.renew_lease("round:x", "a", 30) is True
    assert store.acquire_lease("round:y", "b", 30) is True  # another name is another lease
    assert store.release_lease("round:x", "a") is True
    assert store.release_lease("round:x", "a") is False
    assert store.lease("round:x") is None
    assert store.acquire_lease("round:x", "b", 30) is True


def test_leases_expire_and_a_stale_owner_is_taken_over(store: Store) -> None:
    assert store.acquire_lease("machine:m", "a", 0.2)
    assert not store.acquire_lease("machine:m", "b", 30)
    time.sleep(0.4)
    assert store.acquire_lease("machine:m", "b", 30) is True  # a's lease expired
    assert store.renew_lease("machine:m", "a", 30) is False  # a lost it
    assert store.acquire_lease("machine:m", "c", 30, stale_owner="x") is False
    assert store.acquire_lease("machine:m", "c", 30, stale_owner="b") is True
    held = store.lease("machine:m")
    assert held is not None and held.owner == "c"


def test_of_concurrent_acquirers_exactly_one_wins(store: Store, url: str) -> None:
    stores = [Store(url) for _ in range(4)]
    wins: list[str] = []
    barrier = threading.Barrier(len(stores))

    def acquire(i: int) -> None:
        barrier.wait()
        if stores[i].acquire_lease("search:s", f"owner-{i}", 30):
            wins.append(f"owner-{i}")

    threads = [threading.Thread(target=acquire, args=(i,)) for i in range(len(stores))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for opened in stores:
            opened.close()
    assert len(wins) == 1
    assert not store.acquire_lease("search:s", "late", 30)


# -- machines, rounds, reproductions, backup, counts --------------------------------------------


def test_machines_and_rounds(store: Store, make_result: MakeResult) -> None:
    assert store.upsert_machine("m1", {"id": "m1"}, 0.1, 0.2) is True
    assert store.upsert_machine("m1", {"id": "m1", "v": 2}, None, 0.2) is False
    machine = store.machine("m1")
    assert machine is not None and machine.spec == {"id": "m1", "v": 2}
    assert machine.price_usd_per_hour is None
    assert store.create_round("r", {"name": "r"}) is True
    assert store.create_round("r", {"name": "r"}) is False
    with pytest.raises(StateError):
        store.create_round("r", {"name": "r", "changed": True})
    assert store.store_round_ranking("r", {"groups": []}) is False  # not closed
    assert store.transition_round("r", ["open"], "running") is False  # compare-and-set
    assert store.transition_round("r", ["draft"], "open") is True
    assert store.transition_round("r", ["draft"], "open") is False
    assert store.transition_round("r", ["open"], "closed") is True
    assert store.store_round_ranking("r", {"groups": [], "note": "ü"}) is True
    round_row = store.round("r")
    assert round_row is not None and round_row.ranking == {"groups": [], "note": "ü"}
    with pytest.raises(NotFoundError):
        store.transition_round("nope", ["draft"], "open")
    store.delete_machine("m1")
    assert store.machine("m1") is None
    with pytest.raises(NotFoundError):
        store.delete_machine("m1")


def test_round_names_and_machine_ids_are_case_insensitive(store: Store) -> None:
    assert store.create_round("Demo", {"name": "Demo"}) is True
    assert store.upsert_machine("cpu-a", {"id": "cpu-a"}, 0.1, 0.2) is True
    before = table_counts(store)
    with pytest.raises(StateError, match="'demo' differs only in case from the round 'Demo'"):
        store.create_round("demo", {"name": "demo"})
    with pytest.raises(UserError, match=r"'CPU-A' differs only in case .* 'cpu-a'"):
        store.upsert_machine("CPU-A", {"id": "CPU-A"}, 0.1, 0.2)
    assert table_counts(store) == before
    assert store.upsert_machine("cpu-a", {"id": "cpu-a", "v": 2}, 0.1, 0.2) is False  # same id


def test_draft_specs_are_replaced_and_statuses_set(store: Store) -> None:
    store.create_round("d", {"name": "d", "v": 1})
    assert store.replace_draft_round("d", {"name": "d", "v": 2}, schedule="0 * * * *") is True
    draft = store.round("d")
    assert draft is not None and draft.spec == {"name": "d", "v": 2}
    assert draft.schedule == "0 * * * *"
    store.transition_round("d", ["draft"], "open")
    assert store.replace_draft_round("d", {"name": "d", "v": 3}) is False  # frozen when opened
    with pytest.raises(NotFoundError):
        store.replace_draft_round("nope", {})
    store.set_round_status("d", "closed", ranking={"groups": []})  # no transition rule
    closed = store.round("d")
    assert closed is not None and closed.status == "closed" and closed.closed_at is not None
    assert closed.ranking == {"groups": []} and closed.spec == {"name": "d", "v": 2}
    store.set_round_status("d", "draft")
    assert store.round("d").status == "draft"  # type: ignore[union-attr]
    before = table_counts(store)
    with pytest.raises(UserError):
        store.set_round_status("d", "sideways")
    with pytest.raises(NotFoundError):
        store.set_round_status("nope", "open")
    assert table_counts(store) == before


def test_reproductions(store: Store, make_result: MakeResult) -> None:
    original = store.record_result(queued_run(store), make_result())
    again = store.record_result(
        queued_run(store, submission(team="team-b", batch_size=3)), make_result()
    )
    first = store.add_reproduction(original, {"p50": {"agrees": False}}, agrees=False)
    second = store.add_reproduction(original, {}, agrees=True, new_result_id=again)
    reproductions = store.result(original).reproductions
    assert [r.id for r in reproductions] == [first, second]
    assert [r.agrees for r in reproductions] == [False, True]
    assert reproductions[1].new_result_id == again
    before = table_counts(store)
    with pytest.raises(NotFoundError):
        store.add_reproduction(10_000, {}, agrees=True)
    with pytest.raises(NotFoundError):
        store.add_reproduction(original, {}, agrees=True, new_result_id=10_000)
    assert table_counts(store) == before


def test_counts_every_table(store: Store, make_result: MakeResult) -> None:
    empty = table_counts(store)
    assert set(empty) == {table.name for table in TABLES}
    assert set(empty.values()) == {0}
    store.upsert_machine("m1", {"id": "m1"}, 0.1, 0.2)
    store.create_round("r", {"name": "r"})
    result_id = store.record_result(queued_run(store), make_result())
    store.add_reproduction(result_id, {}, agrees=True)
    store.acquire_lease("round:r", "a", 30)
    store.add_submission(submission(team="team-b"))  # shares the configuration's run
    expected = {
        "machines": 1,
        "rounds": 1,
        "submissions": 2,
        "runs": 1,
        "results": 1,
        "reproductions": 1,
        "leases": 1,
    }
    assert table_counts(store) == {**empty, **expected}


def test_backup_is_a_consistent_copy_of_sqlite_only(
    store: Store, kind: str, make_result: MakeResult, tmp_path: Any
) -> None:
    store.record_result(queued_run(store), make_result())
    target = tmp_path / "copies" / "backup.db"
    if kind != "sqlite":
        with pytest.raises(UserError, match="SQLite"):
            store.backup(target)
        return
    assert store.backup(target) == target.resolve()
    with ReadOnlyStore(f"sqlite:///{target}") as copy_of:
        assert copy_of.counts() == store.counts()
        assert copy_of.results() == store.results()
