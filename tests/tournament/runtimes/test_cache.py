from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from tournament.runtimes.cache import RECIPE, artifact_files, get_or_build, read_recipe
from tournament.runtimes.hashing import files_sha256


def _writer(payload: bytes, calls: list[Path]) -> Any:
    def build(tmp: Path) -> dict[str, Any]:
        calls.append(tmp)
        (tmp / "model.onnx").write_bytes(payload)
        return {"made": "by test"}

    return build


def test_miss_builds_then_hit_reuses(tmp_path: Path) -> None:
    calls: list[Path] = []
    entry, hit = get_or_build(tmp_path, "k1", _writer(b"abc", calls))
    assert (entry, hit) == (tmp_path / "k1", False)
    again, hit = get_or_build(tmp_path, "k1", _writer(b"other", calls))
    assert (again, hit) == (entry, True)
    assert len(calls) == 1
    assert (entry / "model.onnx").read_bytes() == b"abc"
    assert read_recipe(entry) == {"made": "by test"}
    assert artifact_files(entry) == [entry / "model.onnx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k1"]  # no temporary left


def test_failed_build_leaves_nothing(tmp_path: Path) -> None:
    def broken(tmp: Path) -> dict[str, Any]:
        (tmp / "model.onnx").write_bytes(b"half")
        raise RuntimeError("exporter crashed")

    with pytest.raises(RuntimeError):
        get_or_build(tmp_path, "k2", broken)
    assert list(tmp_path.iterdir()) == []


def test_incomplete_entry_is_rebuilt(tmp_path: Path) -> None:
    (tmp_path / "k3").mkdir()
    (tmp_path / "k3" / "model.onnx").write_bytes(b"truncated")
    entry, hit = get_or_build(tmp_path, "k3", _writer(b"full", []))
    assert not hit
    assert (entry / "model.onnx").read_bytes() == b"full"
    assert (entry / RECIPE).is_file()


def test_concurrent_builder_loses_the_race_gracefully(tmp_path: Path) -> None:
    """Another process publishes the same key while we build: theirs is kept, ours dropped."""

    def racing(tmp: Path) -> dict[str, Any]:
        get_or_build(tmp_path, "k4", _writer(b"first", []))
        (tmp / "model.onnx").write_bytes(b"second")
        return {}

    entry, hit = get_or_build(tmp_path, "k4", racing)
    assert not hit
    assert (entry / "model.onnx").read_bytes() == b"first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k4"]


def test_artifact_hash_is_the_file_hash_or_a_manifest_hash(tmp_path: Path) -> None:
    model = tmp_path / "model.onnx"
    data = tmp_path / "model.onnx.data"
    model.write_bytes(b"graph")
    data.write_bytes(b"weights" * 10)
    sha, size = files_sha256([model])
    assert (sha, size) == (hashlib.sha256(b"graph").hexdigest(), 5)
    both, size = files_sha256([data, model])
    assert size == 75
    manifest = "".join(
        f"{p.name}\t{hashlib.sha256(p.read_bytes()).hexdigest()}\n" for p in (model, data)
    )
    assert both == hashlib.sha256(manifest.encode()).hexdigest()
