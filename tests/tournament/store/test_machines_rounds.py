"""Machines and rounds: registered, updated, listed, removed."""

from __future__ import annotations

import pytest

from tournament.errors import NotFoundError, StateError, UserError
from tournament.store import Store

SPEC = {"cpu": "AMD EPYC", "cores": 2, "memory_gb": 24, "peak_gflops": {"fp32": 100.0}}


def test_upsert_machine(store: Store) -> None:
    assert store.upsert_machine("local", SPEC, 0.10, 0.20)
    first = store.machine("local")
    assert first is not None
    assert not store.upsert_machine("local", {**SPEC, "cores": 4}, 0.12, 0.25, "c7a.large", "x")
    updated = store.machine("local")
    assert updated is not None
    assert updated.spec["cores"] == 4
    assert (updated.price_usd_per_hour, updated.tariff_usd_per_kwh) == (0.12, 0.25)
    assert (updated.instance_type, updated.notes) == ("c7a.large", "x")
    assert updated.created_at == first.created_at
    assert updated.updated_at >= first.updated_at
    store.upsert_machine("box-2", SPEC, 1.0, 0.3)
    assert [m.id for m in store.machines()] == ["box-2", "local"]


def test_machine_errors(store: Store) -> None:
    with pytest.raises(UserError) as error:
        store.upsert_machine("my box", SPEC, -1.0, float("nan"))
    assert len(error.value.problems) == 3
    assert store.machine("nothing") is None
    store.upsert_machine("local", SPEC, 0.1, 0.2)
    store.delete_machine("local")
    assert store.machines() == []
    with pytest.raises(NotFoundError, match="machine local does not exist"):
        store.delete_machine("local")


def test_rounds(store: Store) -> None:
    spec = {"workloads": ["digits-cnn"], "scenarios": ["single-stream"]}
    assert store.create_round("2026-q1", spec, schedule="0 3 * * *")
    assert not store.create_round("2026-q1", dict(reversed(spec.items())))
    with pytest.raises(StateError, match="round 2026-q1 exists with another spec"):
        store.create_round("2026-q1", {"workloads": []})
    draft = store.round("2026-q1")
    assert draft is not None
    assert (draft.status, draft.opened_at, draft.schedule) == ("draft", None, "0 3 * * *")

    store.set_round_status("2026-q1", "open")
    store.set_round_status("2026-q1", "closed", ranking={"rows": [1, 2]})
    closed = store.round("2026-q1")
    assert closed is not None
    assert closed.status == "closed"
    assert closed.opened_at <= closed.closed_at
    assert closed.ranking == {"rows": [1, 2]}
    assert [r.name for r in store.rounds(status="closed")] == ["2026-q1"]
    assert store.rounds(status="open") == []
    with pytest.raises(UserError, match="round status must be one of"):
        store.set_round_status("2026-q1", "finished")
    with pytest.raises(NotFoundError, match="round nope does not exist"):
        store.set_round_status("nope", "open")
