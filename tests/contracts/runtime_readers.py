"""How the runtime contract reads each runtime's artifact and thread count back, independently
of the runtime (:data:`ARTIFACT_READERS`, :data:`THREAD_OBSERVERS`): a runtime missing here is
skipped by the two tests that use them, with a sentence saying so, rather than checked by a
fake."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from tournament.hashing import sha256_of
from tournament.runtimes.base import Prepared
from tournament.workloads.base import Feed

# -- artifact readers: each runtime's artifact read back, hashed here --------------------------


def _files_sha256(paths: list[Path]) -> tuple[str, int]:
    """One file: sha256 of its bytes; several: of ``name\\tsha256\\n`` lines in name order."""
    ordered = sorted(paths, key=lambda p: p.name)
    digests = [(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in ordered]
    size = sum(p.stat().st_size for p in ordered)
    if len(digests) == 1:
        return digests[0][1], size
    lines = "".join(f"{name}\t{digest}\n" for name, digest in digests)
    return hashlib.sha256(lines.encode()).hexdigest(), size


def _entry_files(entry: Path) -> list[Path]:
    assert entry.is_dir(), f"no cache entry {entry}"
    return [p for p in entry.iterdir() if p.is_file() and p.name != "recipe.json"]


def _onnxruntime_artifact(prepared: Prepared, cache: Path) -> tuple[str, int]:
    """The file(s) of ``<cache>/onnxruntime/<key>/`` (model.onnx, external data)."""
    entry = cache / "onnxruntime" / prepared.details["cache"]["key"]
    return _files_sha256(_entry_files(entry))


def _openvino_artifact(prepared: Prepared, cache: Path) -> tuple[str, int]:
    """The IR files of ``<cache>/openvino/<key>/`` and the precision they are compiled with."""
    ir_sha, size = _files_sha256(
        _entry_files(cache / "openvino" / prepared.details["cache"]["key"])
    )
    assert prepared.details["ir_sha256"] == ir_sha
    hint = prepared.details["compile_config"]["INFERENCE_PRECISION_HINT"]
    precision = sha256_of({"INFERENCE_PRECISION_HINT": hint})
    return hashlib.sha256(f"{ir_sha}\n{precision}".encode()).hexdigest(), size


TORCH_RECIPE = ("runtime", "workload", "variant", "quantization", "device", "torch", "autocast")


def _torch_artifact(prepared: Prepared, cache: Path) -> tuple[str, int]:
    """``torch.save`` of the running module's state dict, and the recipe that runs it."""
    model = prepared.predictor.model  # type: ignore[attr-defined]
    model = getattr(model, "_orig_mod", model)  # torch.compile wraps the module
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    state_sha = hashlib.sha256(buffer.getvalue()).hexdigest()
    assert prepared.details["state_dict_sha256"] == state_sha
    recipe = {k: prepared.details[k] for k in (*TORCH_RECIPE, "quantizer")}
    recipe_sha = sha256_of(recipe, default=str)
    return hashlib.sha256(f"{state_sha}\n{recipe_sha}".encode()).hexdigest(), len(buffer.getvalue())


def _numpy_artifact(prepared: Prepared, cache: Path) -> tuple[str, int]:
    """The arrays saved under cache_dir are the arrays that run; the sha256 is the plugin's
    hash of the program it runs (not of the .npz file's bytes)."""
    from tourney_example_plugin.numpy_runtime import artifact_hash

    path = Path(prepared.details["path"])
    assert path.is_relative_to(cache), path
    steps = prepared.predictor.steps  # type: ignore[attr-defined]
    running = {
        f"{name}.{key}": value
        for name, _, _, attrs in steps
        for key, value in attrs.items()
        if isinstance(value, np.ndarray)
    }
    with np.load(path) as saved:
        assert sorted(saved.files) == sorted(running)
        for key, value in running.items():
            np.testing.assert_array_equal(saved[key], value)
    sha, size = artifact_hash(steps)
    assert size == sum(v.nbytes for v in running.values())
    return sha, size


ARTIFACT_READERS: dict[str, Callable[[Prepared, Path], tuple[str, int]]] = {
    "onnxruntime": _onnxruntime_artifact,
    "openvino": _openvino_artifact,
    "torch": _torch_artifact,
    "torch-compile": _torch_artifact,
    "numpy": _numpy_artifact,
}
"""Runtime -> (sha256, bytes) of its artifact as found in the cache or the predictor."""


# -- threads ----------------------------------------------------------------------------------


def _torch_threads(prepared: Prepared, feed: Feed) -> int:
    """``torch.get_num_threads()`` inside the module's forward, during ``predict``."""
    seen: list[int] = []
    model = prepared.predictor.model  # type: ignore[attr-defined]
    handle = model.register_forward_pre_hook(lambda *_: seen.append(torch.get_num_threads()))
    try:
        prepared.predictor.predict(feed)
    finally:
        handle.remove()
    assert seen, "the module's forward did not run"
    return seen[-1]


def _onnxruntime_threads(prepared: Prepared, feed: Feed) -> int:
    prepared.predictor.predict(feed)
    session = prepared.predictor.session  # type: ignore[attr-defined]
    threads = int(session.get_session_options().intra_op_num_threads)
    assert prepared.details["session"]["intra_op_threads"] == threads
    return threads


def _openvino_threads(prepared: Prepared, feed: Feed) -> int:
    prepared.predictor.predict(feed)
    compiled = prepared.predictor.compiled  # type: ignore[attr-defined]
    threads = int(compiled.get_property("INFERENCE_NUM_THREADS"))
    assert prepared.details["compiled"]["inference_num_threads"] == threads
    return threads


def _numpy_threads(prepared: Prepared, feed: Feed) -> int:
    """The BLAS thread limit in force while ``predict`` runs (threadpoolctl, read from inside
    the kernels: the predictor applies its limit per call)."""
    from threadpoolctl import ThreadpoolController
    from tourney_example_plugin import numpy_runtime

    seen: set[int] = set()
    original = dict(numpy_runtime.KERNELS)

    def spy(kernel: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
        def run(*args: Any) -> np.ndarray:
            infos = ThreadpoolController().select(user_api="blas").info()
            seen.update(int(i["num_threads"]) for i in infos)
            return kernel(*args)

        return run

    numpy_runtime.KERNELS.update({k: spy(v) for k, v in original.items()})
    try:
        prepared.predictor.predict(feed)
    finally:
        numpy_runtime.KERNELS.update(original)
    assert len(seen) == 1, f"BLAS libraries disagree (or no kernel ran): {seen}"
    return seen.pop()


THREAD_OBSERVERS: dict[str, Callable[[Prepared, Feed], int]] = {
    "torch": _torch_threads,
    "torch-compile": _torch_threads,
    "onnxruntime": _onnxruntime_threads,
    "openvino": _openvino_threads,
    "numpy": _numpy_threads,
}
"""Runtime -> the intra-op thread count its predictor runs with, read from the engine."""
