"""The frozen records the store's reads return (``tournament/store/records.py``).

What every read returns, on both implementations (the writable ``Store`` and the
``ReadOnlyStore``): the record types, frozen, with enums for statuses and origins, JSON columns
as mappings and ``to_dict()`` as new plain data. Signatures of the implementations against the
protocols are checked once, in ``tests/contracts/test_store_contract.py``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import datetime
from enum import Enum
from typing import Any

import pytest

from tournament.results import Result
from tournament.store import Store
from tournament.store.contract import StoreReader
from tournament.store.readonly import ReadOnlyStore
from tournament.store.records import (
    Entry,
    LeaseRecord,
    MachineRecord,
    Origin,
    RoundRecord,
    RoundStatus,
    RunRecord,
    RunStatus,
)

from .conftest import MakeSubmission

RULES = {"min_queries": 20, "min_duration_s": 0.1}


@pytest.fixture
def filled(
    store: Store, make_submission: MakeSubmission, make_result: Callable[..., Result]
) -> str:
    """One entry of each origin, a done and a queued run, a machine, a round, a lease."""
    sub = make_submission()
    entry_id, _ = store.add_submission(sub, source_file="a.yaml")
    store.add_submission(
        make_submission(team="optuna", name="t0", batch_size=2),
        origin="search",
        study_name="study",
        trial_number=0,
    )
    done, queued = store.queue_runs("single-stream", RULES)
    store.claim_run(done, "w")
    store.record_result(done, make_result())
    store.upsert_machine("box", {"id": "box", "cpu": {"flags": ["avx2"]}}, 0.5, 0.2, "c7a", "n")
    store.create_round("r1", {"name": "r1", "nested": {"a": [1, 2]}})
    store.transition_round("r1", ["draft"], "open")
    store.acquire_lease("round:r1", "me", 30)
    assert (entry_id, queued) == (1, 2)
    return store.url


@pytest.fixture(params=["Store", "ReadOnlyStore"])
def reader(request: pytest.FixtureRequest, filled: str) -> Iterator[StoreReader]:
    opened: Store | ReadOnlyStore = (Store if request.param == "Store" else ReadOnlyStore)(filled)
    with opened:
        yield opened


def _reads(reader: StoreReader) -> dict[str, tuple[type, Any]]:
    """Each read and the record type its items must have."""
    return {
        "submission": (Entry, reader.submission(1)),
        "submissions": (Entry, reader.submissions()),
        "run": (RunRecord, reader.run(1)),
        "runs": (RunRecord, reader.runs()),
        "machine": (MachineRecord, reader.machine("box")),
        "machines": (MachineRecord, reader.machines()),
        "round": (RoundRecord, reader.round("r1")),
        "rounds": (RoundRecord, reader.rounds()),
        "lease": (LeaseRecord, reader.lease("round:r1")),
    }


def _items(read: Any) -> list[Any]:
    return list(read) if isinstance(read, list) else [read]


def test_reads_return_frozen_records(reader: StoreReader) -> None:
    for what, (kind, read) in _reads(reader).items():
        items = _items(read)
        assert items and all(type(item) is kind for item in items), what
        for item in items:
            for f in dataclasses.fields(item):
                with pytest.raises(dataclasses.FrozenInstanceError):
                    setattr(item, f.name, None)
            with pytest.raises((AttributeError, TypeError)):  # slots: no new attributes
                item.extra = 1


def test_an_entry_has_every_column_of_its_row(
    reader: StoreReader, make_submission: MakeSubmission
) -> None:
    sub = make_submission()
    entry = reader.submission(1)
    assert entry is not None
    assert (entry.id, entry.team, entry.name, entry.label) == (
        1,
        "team-a",
        "entry-1",
        "team-a/entry-1",
    )
    assert (entry.workload, entry.variant, entry.runtime) == ("digits-cnn", "small", "onnxruntime")
    assert (entry.quantization, entry.batch_size, entry.machine) == ("fp32", 1, "local")
    assert (entry.config_hash, entry.round_name, entry.source_file) == (
        sub.config_hash,
        "",
        "a.yaml",
    )
    assert entry.config == sub.config() and entry.document == sub.model_dump(mode="json")
    assert entry.origin is Origin.HUMAN and entry.study_name is None and entry.trial_number is None
    assert isinstance(entry.created_at, datetime) and entry.created_at.tzinfo is not None
    trial = reader.submission(2)
    assert trial is not None and trial.origin is Origin.SEARCH
    assert (trial.study_name, trial.trial_number) == ("study", 0)
    assert [e.id for e in reader.submissions(round_name="")] == [1, 2]
    assert reader.submission(99) is None


def test_a_run_carries_its_entry_identity_and_a_status_enum(reader: StoreReader) -> None:
    done, queued = reader.runs()
    assert reader.run(done.id) == done  # one run reads as it lists
    assert done.status is RunStatus.DONE and queued.status is RunStatus.QUEUED
    assert done.status == "done"  # string enums compare equal to their values
    assert (done.team, done.name, done.workload, done.machine) == (
        "team-a",
        "entry-1",
        "digits-cnn",
        "local",
    )
    assert (done.submission_id, done.round_name, done.scenario) == (1, "", "single-stream")
    assert done.rules == RULES and done.attempts == 1 and done.worker == "w"
    assert done.started_at is not None and done.finished_at is not None and done.error is None
    assert [r.id for r in reader.runs("queued")] == [queued.id]


def test_machines_rounds_and_leases(reader: StoreReader) -> None:
    machine = reader.machine("box")
    assert machine is not None and machine.spec == {"id": "box", "cpu": {"flags": ["avx2"]}}
    assert (machine.price_usd_per_hour, machine.tariff_usd_per_kwh) == (0.5, 0.2)
    assert (machine.instance_type, machine.notes) == ("c7a", "n")
    assert machine.updated_at >= machine.created_at
    round_ = reader.round("r1")
    assert round_ is not None and round_.status is RoundStatus.OPEN
    assert round_.spec["nested"] == {"a": [1, 2]} and round_.ranking is None
    assert round_.opened_at is not None and round_.closed_at is None and round_.schedule is None
    lease = reader.lease("round:r1")
    assert lease is not None and (lease.name, lease.owner) == ("round:r1", "me")
    assert lease.expires_at.tzinfo is not None
    assert reader.lease("round:nope") is None


def test_to_dict_is_new_plain_data(reader: StoreReader) -> None:
    for what, (_, read) in _reads(reader).items():
        for item in _items(read):
            plain = item.to_dict()
            assert list(plain) == [f.name for f in dataclasses.fields(item)], what
            for name, value in plain.items():
                kept = getattr(item, name)
                assert value == kept and not isinstance(value, Enum), (what, name)
                if isinstance(value, dict):
                    assert value is not kept, f"{what}.to_dict()[{name!r}] is the record's own"
    run = reader.run(1).to_dict()
    assert type(run["status"]) is str and run["status"] == "done"
    round_ = reader.round("r1")
    assert round_ is not None
    plain = round_.to_dict()
    assert type(plain["status"]) is str
    plain["spec"]["nested"]["a"].append(3)  # a deep copy: the record is left alone
    assert round_.spec["nested"] == {"a": [1, 2]}
    entry = reader.submission(1)
    assert entry is not None and type(entry.to_dict()["origin"]) is str


def test_records_of_both_readers_are_equal(filled: str) -> None:
    with Store(filled) as writable, ReadOnlyStore(filled) as read_only:
        assert _reads(read_only) == _reads(writable)
