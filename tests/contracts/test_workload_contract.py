"""The workload contract (``tournament/workloads/base.py``) on every variant of every workload.

Real models and data only: each (workload, variant) is built, its whole evaluation set run
through the fp32 reference in PyTorch, and its data, quality, FLOPs and hashes checked against
what the contract promises. Workloads slow to build or score (minilm-embed: tokenizing and
embedding 1,024 texts per variant) are marked slow, and so are the variants after the first of
the others.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import math
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tournament.results import gate
from tournament.workloads import WORKLOADS, EvalSet, Feed, Workload

from .conftest import implementations

SLOW = {"minilm-embed"}
"""Workloads whose suite takes minutes here (run with the slow tests)."""
EVAL_BATCH = 64
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _cases() -> list[Any]:
    """One param per (workload, variant); a workload that does not load fails its own case.

    The default run checks the first variant of each workload not in :data:`SLOW`; the other
    variants (each one more model to build, train or score) run with the slow tests.
    """
    cases = []
    for name in WORKLOADS.names():
        try:
            variants: tuple[str, ...] = WORKLOADS.load(name).variants
        except Exception:  # its cases fail with the plugin's sentence
            variants = ("(does not load)",)
        for i, variant in enumerate(variants):
            marks = [pytest.mark.slow] if name in SLOW or i > 0 else []
            cases.append(pytest.param((name, variant), id=f"{name}-{variant}", marks=marks))
    return cases


CASES = _cases()


@dataclass
class Built:
    """A variant built once, and the fp32 reference outputs of its whole evaluation set."""

    name: str
    variant: str
    workload: Workload
    model: Any
    eval_set: EvalSet
    outputs: np.ndarray


def _forward(model: Any, workload: Workload, variant: str, feed: Feed) -> Any:
    import torch

    tensors = [
        torch.from_numpy(np.ascontiguousarray(feed[n])) for n in workload.input_names(variant)
    ]
    with torch.no_grad():
        return model(*tensors)


def _outputs(model: Any, workload: Workload, variant: str, eval_set: EvalSet) -> np.ndarray:
    batches = eval_set.batches(EVAL_BATCH)
    return np.concatenate([_forward(model, workload, variant, b).numpy() for b in batches], axis=0)


@pytest.fixture(scope="module", params=CASES)
def built(request: pytest.FixtureRequest) -> Built:
    name, variant = request.param
    workload = WORKLOADS.get(name)
    model = workload.build(variant)
    eval_set = workload.eval_set(variant)
    outputs = _outputs(model, workload, variant, eval_set)
    return Built(name, variant, workload, model, eval_set, outputs)


def _row_hashes(feed: Feed, names: list[str]) -> list[str]:
    """One sha256 per sample over every input's row (what the model sees of that sample)."""
    n = len(next(iter(feed.values())))
    return [
        hashlib.sha256(
            b"".join(np.ascontiguousarray(feed[k][i]).tobytes() for k in names)
        ).hexdigest()
        for i in range(n)
    ]


def _same_feed(a: Feed, b: Feed) -> bool:
    return a.keys() == b.keys() and all(
        a[k].dtype == b[k].dtype and a[k].shape == b[k].shape and a[k].tobytes() == b[k].tobytes()
        for k in a
    )


def _state(model: Any) -> dict[str, Any]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


# -- identity ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", implementations(WORKLOADS, slow=SLOW))
def test_the_workload_loads_with_its_attributes(name: str) -> None:
    workload = WORKLOADS.get(name)
    assert workload.name == name
    assert isinstance(workload.description, str) and workload.description.strip()
    assert workload.variants and all(isinstance(v, str) and v for v in workload.variants)
    assert isinstance(workload.metric.name, str) and workload.metric.name
    assert isinstance(workload.metric.higher_is_better, bool)
    assert 0 < workload.default_target_ratio <= 1


# -- build -----------------------------------------------------------------------------------------


def test_build_is_a_fresh_fp32_module_in_eval_mode(built: Built) -> None:
    import torch

    model = built.model
    assert isinstance(model, torch.nn.Module)
    assert not any(module.training for module in model.modules()), "not in eval mode"
    for key, tensor in model.state_dict().items():
        if tensor.is_floating_point():
            assert tensor.dtype == torch.float32, f"{key} is {tensor.dtype}, not fp32"
    other = built.workload.build(built.variant)
    assert other is not model
    pointers = {p.data_ptr() for p in model.parameters()}
    assert not pointers & {p.data_ptr() for p in other.parameters()}, "builds share weights"
    kept = _state(model)
    with torch.no_grad():
        for parameter in other.parameters():
            parameter.add_(1.0)  # a caller may change what it was given...
    third = built.workload.build(built.variant)
    assert _same_state(_state(third), kept), "...without changing the next build"


def _same_state(a: dict[str, Any], b: dict[str, Any]) -> bool:
    import torch

    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_build_is_deterministic_same_weights_same_outputs(built: Built) -> None:
    again = built.workload.build(built.variant)
    assert _same_state(_state(again), _state(built.model))
    feed = built.workload.sample_inputs(built.variant, 8)
    first = _forward(built.model, built.workload, built.variant, feed).numpy()
    second = _forward(again, built.workload, built.variant, feed).numpy()
    assert first.tobytes() == second.tobytes()


@pytest.mark.slow
def test_build_from_an_empty_cache_gives_the_same_weights(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deterministic from the code and data alone: nothing cached (retrained where needed)."""
    monkeypatch.setenv("TOURNEY_CACHE", str(tmp_path / "empty-cache"))
    fresh = built.workload.build(built.variant)
    assert _same_state(_state(fresh), _state(built.model))


def test_forward_takes_the_inputs_positionally_and_returns_one_tensor(built: Built) -> None:
    import torch

    workload, variant = built.workload, built.variant
    names = workload.input_names(variant)
    assert names and len(set(names)) == len(names) and all(isinstance(n, str) for n in names)
    outputs = workload.output_names(variant)
    assert len(outputs) == 1 and isinstance(outputs[0], str) and outputs[0]
    signature = inspect.signature(built.model.forward)
    signature.bind(*names)  # as many positional inputs as names
    for batch in (1, 5):
        out = _forward(built.model, workload, variant, workload.sample_inputs(variant, batch))
        assert isinstance(out, torch.Tensor), f"forward returned {type(out).__name__}"
        assert out.shape[0] == batch and out.dtype == torch.float32


# -- data ------------------------------------------------------------------------------------------


def _check_set(found: EvalSet, names: list[str]) -> None:
    assert set(found.inputs) == set(names)
    lengths = {k: v.shape[0] for k, v in found.inputs.items()}
    assert len(set(lengths.values())) == 1 and len(found) >= 1, lengths
    assert found.labels.shape[0] == len(found)
    assert SHA256.match(found.sha256), found.sha256


def test_eval_and_calibration_sets_are_deterministic(built: Built) -> None:
    workload, variant = built.workload, built.variant
    names = workload.input_names(variant)
    for make in (workload.eval_set, workload.calibration_set):
        first = make(variant)
        _check_set(first, names)
        kept = (
            {k: v.copy() for k, v in first.inputs.items()},
            first.labels.copy(),
            first.sha256,
        )
        for array in [*first.inputs.values(), first.labels]:
            array.flat[0] = array.flat[-1] + 1  # a caller scribbling on what it got...
        second = make(variant)
        assert _same_feed(second.inputs, kept[0]), "...changes the next set"
        assert second.labels.dtype == kept[1].dtype
        assert second.labels.tobytes() == kept[1].tobytes()
        assert second.sha256 == kept[2]


def test_calibration_never_overlaps_the_evaluation_split(built: Built) -> None:
    """Compared by what the model sees: no calibration row equals an evaluation row."""
    workload, variant = built.workload, built.variant
    names = workload.input_names(variant)
    calibration = workload.calibration_set(variant)
    assert calibration.sha256 != built.eval_set.sha256
    shared = set(_row_hashes(calibration.inputs, names)) & set(
        _row_hashes(built.eval_set.inputs, names)
    )
    assert not shared, f"{len(shared)} calibration row(s) are also evaluation rows"


@pytest.mark.parametrize("batch", [1, 3, 64, 1000])
def test_sample_inputs_are_deterministic_representative_batches(built: Built, batch: int) -> None:
    workload, variant = built.workload, built.variant
    first = workload.sample_inputs(variant, batch)
    assert set(first) == set(workload.input_names(variant))
    for key, array in first.items():
        reference = built.eval_set.inputs[key]
        assert array.shape == (batch, *reference.shape[1:]), key
        assert array.dtype == reference.dtype, key
    kept = {k: v.copy() for k, v in first.items()}
    for array in first.values():
        array.flat[0] = array.flat[-1] + 1
    assert _same_feed(workload.sample_inputs(variant, batch), kept)


def test_the_fingerprint_is_stable_and_made_of_hashes(built: Built) -> None:
    fingerprint = built.workload.fingerprint(built.variant)
    assert "model_sha256" in fingerprint
    for key, value in fingerprint.items():
        assert isinstance(key, str) and isinstance(value, str) and value, key
        if key.endswith("_sha256"):
            assert SHA256.match(value), (key, value)
    assert built.workload.fingerprint(built.variant) == fingerprint


_SUBPROCESS = """
import hashlib, json, sys
from tournament import workloads
w = workloads.get(sys.argv[1]); v = sys.argv[2]
w.variants, w.metric, w.description
heavy = sorted(m for m in ("torch", "sklearn", "transformers", "onnxruntime") if m in sys.modules)
def digest(feed):
    return {k: hashlib.sha256(feed[k].tobytes()).hexdigest() for k in sorted(feed)}
out = {
    "heavy_after_import": heavy,
    "fingerprint": w.fingerprint(v),
    "eval": w.eval_set(v).sha256,
    "calibration": w.calibration_set(v).sha256,
    "sample": digest(w.sample_inputs(v, 5)),
    "reference_quality": w.reference_quality(v),
    "flops": w.flops_per_sample(v),
    "store": sorted(m for m in sys.modules if m.startswith(("tournament.store", "sqlalchemy"))),
}
print(json.dumps(out))
"""


def test_another_process_sees_the_same_data_hashes_and_figures(built: Built) -> None:
    """Fingerprints, data and figures do not depend on the process (hash seeds, caches);
    importing and instantiating a workload loads no heavy library; nothing touches the store."""
    workload, variant = built.workload, built.variant
    done = subprocess.run(
        [sys.executable, "-c", _SUBPROCESS, built.name, variant],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["heavy_after_import"] == [], "importing the workload loads heavy libraries"
    assert seen["fingerprint"] == workload.fingerprint(variant)
    assert seen["eval"] == built.eval_set.sha256
    assert seen["calibration"] == workload.calibration_set(variant).sha256
    sample = workload.sample_inputs(variant, 5)
    assert seen["sample"] == {
        k: hashlib.sha256(sample[k].tobytes()).hexdigest() for k in sorted(sample)
    }
    assert seen["reference_quality"] == workload.reference_quality(variant)
    assert seen["flops"] == workload.flops_per_sample(variant)
    assert seen["store"] == [], "a workload touched the store"


# -- quality, FLOPs, batch sizes ----------------------------------------------------------------


def test_the_reference_model_scores_the_reference_quality_and_passes_the_gate(
    built: Built,
) -> None:
    workload, variant = built.workload, built.variant
    assert built.outputs.shape[0] == len(built.eval_set)
    score = workload.quality(variant, built.outputs)
    reference = workload.reference_quality(variant)
    assert math.isfinite(reference)
    assert score == pytest.approx(reference, rel=1e-6, abs=1e-9)
    higher = workload.metric.higher_is_better
    assert gate(score, reference, workload.default_target_ratio, higher_is_better=higher)
    assert workload.quality(variant, built.outputs.copy()) == score  # deterministic


def test_quality_scores_the_rows_in_eval_set_order(built: Built) -> None:
    """The same outputs in another order score worse: row i is the output of sample i."""
    workload, variant = built.workload, built.variant
    score = workload.quality(variant, built.outputs)
    shuffled = workload.quality(variant, built.outputs[::-1].copy())
    if workload.metric.higher_is_better:
        assert shuffled < score
    else:
        assert shuffled > score


def test_flops_per_sample_are_counted(built: Built) -> None:
    """Positive, and within 10 % of what torch's FlopCounterMode counts on a 1-sample forward
    of the built model (counted, not guessed)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    flops = built.workload.flops_per_sample(built.variant)
    assert math.isfinite(flops) and flops > 0
    feed = built.workload.sample_inputs(built.variant, 1)
    with torch.inference_mode(), FlopCounterMode(display=False) as counter:
        _forward(built.model, built.workload, built.variant, feed)
    counted = counter.get_total_flops()
    assert counted > 0
    assert flops == pytest.approx(counted, rel=0.10), (flops, counted)


def test_validate_batch_size_returns_none_or_one_sentence(built: Built) -> None:
    for batch in (1, 2, 3, 7, 64, 1024, 1_000_000):
        problem = built.workload.validate_batch_size(built.variant, batch)
        if problem is not None:
            assert isinstance(problem, str) and problem.strip(), batch
            assert problem.rstrip().endswith(".") and "\n" not in problem, problem
