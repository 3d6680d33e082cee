"""The store contract, part 3: what a read returns is a frozen record of plain values, new on
every read, that nothing can change (SQLite and PostgreSQL)."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from tournament.store import Store
from tournament.store.records import EntryRef, ResultRecord

from .conftest import MakeResult, queued_run, submission

# -- records ------------------------------------------------------------------------------------


def test_records_are_frozen_and_never_change(store: Store, make_result: MakeResult) -> None:
    result_id = store.record_result(queued_run(store), make_result())
    listed, full = store.results(), store.result(result_id)
    kept = copy.deepcopy((listed, full))
    for frozen in (full, full.entry, full.result, full.result.quality, full.result.artifact):
        field = dataclasses.fields(frozen)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(frozen, field, None)
    for estimate in full.result.figures.values():
        with pytest.raises(dataclasses.FrozenInstanceError):
            estimate.value = 0.0  # type: ignore[misc]
    # Later writes leave records already returned alone.
    store.add_reproduction(result_id, {"latency_p50_ms": {"agrees": True}}, agrees=True)
    second = store.record_result(
        queued_run(store, submission(team="team-b", batch_size=2)), make_result(3.0)
    )
    store.create_round("later", {"name": "later"})
    assert (listed, full) == kept
    assert isinstance(full, ResultRecord) and isinstance(full.entry, EntryRef)
    assert {r.result_id for r in store.results()} == {result_id, second}


def _reads(store: Any, result_id: int) -> dict[str, Callable[[], Any]]:
    """Every read of the reader protocol, on the rows :func:`_filled_for_reads` wrote."""
    return {
        "submission": lambda: store.submission(1),
        "submissions": lambda: store.submissions(),
        "run": lambda: store.run(1),
        "runs": lambda: store.runs(),
        "machine": lambda: store.machine("m1"),
        "machines": lambda: store.machines(),
        "round": lambda: store.round("r"),
        "rounds": lambda: store.rounds(),
        "lease": lambda: store.lease("round:r"),
        "result": lambda: store.result(result_id),
        "results": lambda: store.results(),
        "round_run_counts": lambda: store.round_run_counts("r"),
        "counts": lambda: store.counts(),
    }


def _filled_for_reads(store: Store, make_result: MakeResult) -> int:
    result_id = store.record_result(queued_run(store), make_result())
    store.add_reproduction(result_id, {"p50": {"agrees": True}}, agrees=True)
    store.upsert_machine("m1", {"id": "m1", "cpu": {"flags": ["avx2"]}}, 0.1, 0.2)
    store.create_round("r", {"name": "r", "nested": {"a": [1, 2]}})
    store.acquire_lease("round:r", "a", 30)
    return result_id


def test_reads_are_frozen_records_new_on_every_read(store: Store, make_result: MakeResult) -> None:
    """Records are frozen dataclasses; every read returns new ones (nothing shared between two
    reads, JSON mappings included); ``to_dict()`` is plain data the caller may change."""
    result_id = _filled_for_reads(store, make_result)
    for what, read in _reads(store, result_id).items():
        first, second = read(), read()
        assert first == second, what
        for a, b in zip(_items(first), _items(second), strict=True):
            if isinstance(a, dict):  # counts: plain dicts of ints
                assert a is not b and all(type(v) is int for v in a.values()), what
                continue
            assert dataclasses.is_dataclass(a) and a is not b, what
            field = dataclasses.fields(a)[0].name
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(a, field, None)
            for key, value in _mappings(a):
                assert value is not _mapping(b, key), f"{what}.{key} is shared between reads"
            if hasattr(a, "to_dict"):
                plain = a.to_dict()
                _assert_plain(plain, what)
                _scribble(plain)
                assert a == b, f"changing {what}.to_dict() changed the record"


def _items(read: Any) -> list[Any]:
    return list(read) if isinstance(read, list) else [read]


def _mappings(record: Any) -> list[tuple[str, Any]]:
    """The record's JSON mappings (and those of a result's own records), by path."""
    found = []
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if isinstance(value, dict):
            found.append((f.name, value))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            found += [(f"{f.name}.{k}", v) for k, v in _mappings(value)]
    return found


def _mapping(record: Any, path: str) -> Any:
    for part in path.split("."):
        record = getattr(record, part)
    return record


def _assert_plain(value: Any, where: str) -> None:
    """JSON-like data: str keys, str/int/float/bool/None leaves (datetimes aware UTC)."""
    if isinstance(value, datetime):
        assert value.tzinfo is not None and value.utcoffset() == UTC.utcoffset(value), where
        return
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str), where
            _assert_plain(item, f"{where}[{key!r}]")
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _assert_plain(item, f"{where}[{i}]")
        return
    assert value is None or type(value) in (str, int, float, bool), (where, type(value))
    json.dumps(value)


def _scribble(value: Any) -> None:
    """Change every dict and list of plain data in place."""
    if isinstance(value, dict):
        for item in value.values():
            _scribble(item)
        value["scribbled"] = True
    elif isinstance(value, list):
        for item in value:
            _scribble(item)
        value.append("scribbled")
