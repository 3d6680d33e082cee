from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from workloads._artifacts import atomic_write_bytes, cached_json, cached_npy
from workloads._hashing import sha256_arrays


def test_atomic_write_replaces_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "a.bin"
    atomic_write_bytes(target, b"old")
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def test_cached_json_computes_once_then_reads_file(tmp_path: Path) -> None:
    calls: list[int] = []

    def compute() -> dict[str, int]:
        calls.append(1)
        return {"value": 7}

    path = tmp_path / "x.json"
    assert cached_json(path, compute) == {"value": 7}
    assert cached_json(path, compute) == {"value": 7}
    assert len(calls) == 1
    assert json.loads(path.read_text()) == {"value": 7}


def test_cached_json_recomputes_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("{not json")
    assert cached_json(path, lambda: {"ok": True}) == {"ok": True}
    assert json.loads(path.read_text()) == {"ok": True}


def test_cached_npy_round_trip_is_exact(tmp_path: Path) -> None:
    array = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    path = tmp_path / "x.npy"
    first = cached_npy(path, lambda: array)
    again = cached_npy(path, lambda: np.zeros(1))
    assert np.array_equal(first, array)
    assert again.dtype == np.float32 and np.array_equal(again, array)


def test_sha256_arrays_depends_on_names_dtypes_shapes_and_values() -> None:
    a = np.arange(6, dtype=np.int64)
    base = sha256_arrays({"a": a})
    assert base == sha256_arrays({"a": a.copy()})
    assert base != sha256_arrays({"b": a})
    assert base != sha256_arrays({"a": a.astype(np.int32)})
    assert base != sha256_arrays({"a": a.reshape(2, 3)})
    assert base != sha256_arrays({"a": a + 1})
