"""Runtime ``openvino`` on real tiny models: conversion, bf16, NNCF int8, cache, options."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tournament import runtimes
from tournament.errors import UserError
from tournament.runtimes import cpu_features
from tournament.runtimes.base import Prepared
from tournament.runtimes.cpu_features import Int8Cpu
from tournament.runtimes.hashing import files_sha256
from tournament.runtimes.options import OpenVinoOptions, PerformanceHint
from tournament.schema import ExecutionProvider, Quantization, QuantizationOptions
from tournament.schema.submission import CalibrationMethod
from tournament.workloads.base import Feed, Workload

pytest.importorskip("openvino")

Q = Quantization
TOLERANCE = {Q.FP32: 1e-4, Q.BF16: 0.03, Q.INT8_STATIC: 0.05}
"""Largest error relative to the largest fp32 torch output magnitude, per format."""
VNNI = Int8Cpu(arch="x86_64", model="test", flags=("avx2", "avx512_vnni"))
NO_VNNI = Int8Cpu(arch="x86_64", model="test", flags=("avx2",))


def _prepare(
    workload: Workload,
    quantization: Quantization,
    cache: Path,
    options: OpenVinoOptions | None = None,
    quantization_options: QuantizationOptions | None = None,
) -> Prepared:
    return runtimes.get("openvino").prepare(
        workload,
        "small",
        quantization,
        options or OpenVinoOptions(),
        quantization_options or QuantizationOptions(),
        str(cache),
    )


def _entry(prepared: Prepared, cache: Path) -> Path:
    return cache / "openvino" / prepared.details["cache"]["key"]


@pytest.mark.parametrize("workload_name", ["tiny_cnn", "tiny_embed"])
@pytest.mark.parametrize("quantization", list(TOLERANCE))
def test_outputs_match_fp32_and_cache_hits(
    workload_name: str,
    quantization: Quantization,
    artifact_dir: Path,
    request: pytest.FixtureRequest,
    reference_output: Callable[[Workload, str, Feed], np.ndarray],
    relative_error: Callable[[np.ndarray, np.ndarray], float],
) -> None:
    workload: Workload = request.getfixturevalue(workload_name)
    feed = workload.sample_inputs("small", 5)
    first = _prepare(workload, quantization, artifact_dir)
    out = first.predictor.predict(feed)
    reference = reference_output(workload, "small", feed)
    assert out.shape == reference.shape
    assert out.dtype == np.float32
    assert relative_error(out, reference) <= TOLERANCE[quantization]
    second = _prepare(workload, quantization, artifact_dir)
    assert second.details["cache"]["hit"] is True
    assert second.artifact_sha256 == first.artifact_sha256
    ir_sha, size = files_sha256(
        [_entry(first, artifact_dir) / n for n in ("model.xml", "model.bin")]
    )
    assert first.details["ir_sha256"] == ir_sha
    assert first.artifact_bytes == size
    np.testing.assert_array_equal(second.predictor.predict(feed), out)
    first.predictor.close()
    second.predictor.close()


def test_artifacts_differ_across_quantizations(tiny_cnn: Workload, artifact_dir: Path) -> None:
    prepared = {q: _prepare(tiny_cnn, q, artifact_dir) for q in TOLERANCE}
    assert len({p.artifact_sha256 for p in prepared.values()}) == len(TOLERANCE)
    assert prepared[Q.BF16].details["ir_sha256"] == prepared[Q.FP32].details["ir_sha256"]
    assert prepared[Q.BF16].details["cache"] == prepared[Q.FP32].details["cache"]
    expected = hashlib.sha256(
        (prepared[Q.FP32].details["ir_sha256"] + "\n").encode()
        + hashlib.sha256(b'{"INFERENCE_PRECISION_HINT":"f32"}').hexdigest().encode()
    ).hexdigest()
    assert prepared[Q.FP32].artifact_sha256 == expected


@pytest.mark.parametrize("batch", [1, 3, 7])
def test_dynamic_batch(batch: int, tiny_embed: Workload, artifact_dir: Path) -> None:
    prepared = _prepare(tiny_embed, Q.FP32, artifact_dir)
    assert prepared.predictor.predict(tiny_embed.sample_inputs("small", batch)).shape == (batch, 24)
    assert prepared.details["inputs"] == {"input_ids": "[?,16]", "attention_mask": "[?,16]"}


def test_bf16_records_what_the_compiled_model_uses(tiny_cnn: Workload, artifact_dir: Path) -> None:
    details = _prepare(tiny_cnn, Q.BF16, artifact_dir).details
    assert details["compile_config"]["INFERENCE_PRECISION_HINT"] == "bf16"
    precision = details["compiled"]["inference_precision"]
    supports_bf16 = "BF16" in details["optimization_capabilities"]
    assert details["bf16_honoured"] is (precision == "bf16") is supports_bf16
    assert (details["bf16_note"] == "") is supports_bf16
    fp32 = _prepare(tiny_cnn, Q.FP32, artifact_dir).details
    assert fp32["compiled"]["inference_precision"] == "f32"  # never bf16 behind fp32's back
    assert "bf16_honoured" not in fp32


def test_options_are_applied_and_read_back(
    tiny_cnn: Workload, artifact_dir: Path, relative_error: Callable[..., float]
) -> None:
    options = OpenVinoOptions(
        intra_op_threads=2,
        num_streams=2,
        performance_hint=PerformanceHint.THROUGHPUT,
        cpu_pinning=True,
    )
    prepared = _prepare(tiny_cnn, Q.FP32, artifact_dir, options=options)
    compiled = prepared.details["compiled"]
    assert compiled["inference_num_threads"] == 2
    assert compiled["num_streams"] == 2
    assert compiled["performance_hint"] == "THROUGHPUT"
    assert compiled["enable_cpu_pinning"] is True
    assert compiled["optimal_number_of_infer_requests"] == 2
    assert len(prepared.predictor.requests) == 2  # type: ignore[attr-defined]
    feed = tiny_cnn.sample_inputs("small", 5)  # split 2 + 3 over the two requests
    single = _prepare(tiny_cnn, Q.FP32, artifact_dir)
    assert single.details["compiled"]["num_streams"] == 1
    assert single.details["compiled"]["inference_num_threads"] == 1
    assert single.details["compiled"]["enable_cpu_pinning"] is False
    reference = single.predictor.predict(feed)
    assert relative_error(prepared.predictor.predict(feed), reference) <= 1e-5
    assert prepared.predictor.predict(tiny_cnn.sample_inputs("small", 1)).shape == (1, 10)


@pytest.mark.parametrize(
    ("options", "quantization_options", "expected"),
    [
        ({}, {"per_channel": True}, {"per_channel": True, "overflow_fix": "enable"}),
        ({"flags": VNNI.flags}, {}, {"per_channel": False, "overflow_fix": "disable"}),
        ({"flags": VNNI.flags}, {"reduce_range": True}, {"overflow_fix": "enable"}),
        ({}, {"calibration_samples": 8}, {"calibration_samples": 8}),
        (
            {},
            {"calibration_method": CalibrationMethod.PERCENTILE},
            {"activations_range_estimator": "MEAN_QUANTILE"},
        ),
    ],
)
def test_int8_quantizer_choices_are_recorded_and_keyed(
    options: dict[str, Any],
    quantization_options: dict[str, Any],
    expected: dict[str, Any],
    tiny_cnn: Workload,
    artifact_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Against the default on a CPU without VNNI: what changes is recorded and re-keyed."""
    monkeypatch.setattr(cpu_features, "detect", lambda: NO_VNNI)
    default = _prepare(tiny_cnn, Q.INT8_STATIC, artifact_dir)
    assert default.details["quantizer"]["overflow_fix"] == "enable"  # U8S8 saturates there
    cpu = Int8Cpu(arch="x86_64", model="test", flags=options.get("flags", NO_VNNI.flags))
    monkeypatch.setattr(cpu_features, "detect", lambda: cpu)
    chosen = _prepare(
        tiny_cnn,
        Q.INT8_STATIC,
        artifact_dir,
        quantization_options=QuantizationOptions(**quantization_options),
    )
    quantizer = chosen.details["quantizer"]
    assert {k: quantizer[k] for k in expected} == expected
    assert quantizer["cpu"]["vnni"] is cpu.vnni
    assert chosen.details["cache"]["key"] != default.details["cache"]["key"]


def test_transformer_model_type_for_attention_graphs(
    tiny_cnn: Workload, tiny_embed: Workload, artifact_dir: Path
) -> None:
    assert (
        _prepare(tiny_embed, Q.INT8_STATIC, artifact_dir).details["quantizer"]["model_type"]
        == "transformer"
    )
    assert (
        _prepare(tiny_cnn, Q.INT8_STATIC, artifact_dir).details["quantizer"]["model_type"]
        == "default"
    )
    ops = _prepare(tiny_cnn, Q.INT8_STATIC, artifact_dir).details["ops"]
    assert ops.get("FakeQuantize", 0) > 0


@pytest.mark.parametrize(
    ("quantization", "options", "quantization_options", "field", "words"),
    [
        (Q.FP16, {}, {}, "quantization:", "runtime 'onnxruntime' for fp16"),
        (Q.INT8_DYNAMIC, {}, {}, "quantization:", "cannot run 'int8-dynamic'"),
        (
            Q.FP32,
            {"execution_provider": ExecutionProvider.CUDA},
            {},
            "runtime_options.execution_provider:",
            "cpu only",
        ),
        (Q.FP32, {"inter_op_threads": 2}, {}, "runtime_options.inter_op_threads:", "num_streams"),
        (Q.FP32, {"num_streams": 2}, {}, "runtime_options.num_streams:", "intra_op_threads 1"),
        (Q.INT8_STATIC, {}, {"op_types": ("MatMul",)}, "quantization_options.op_types:", "NNCF"),
        (
            Q.INT8_STATIC,
            {},
            {"calibration_method": CalibrationMethod.ENTROPY},
            "quantization_options.calibration_method:",
            "expected one of: minmax, percentile",
        ),
        (Q.BF16, {}, {"per_channel": True}, "quantization_options:", "only apply to int8"),
    ],
)
def test_check_refuses_what_openvino_cannot_do(
    quantization: Quantization,
    options: dict[str, Any],
    quantization_options: dict[str, Any],
    field: str,
    words: str,
    tiny_cnn: Workload,
    artifact_dir: Path,
) -> None:
    runtime = runtimes.get("openvino")
    args = (quantization, OpenVinoOptions(**options), QuantizationOptions(**quantization_options))
    (problem,) = runtime.check(*args)
    assert problem.startswith(field)
    assert words in problem
    assert problem.endswith(".")
    with pytest.raises(UserError):
        runtime.prepare(tiny_cnn, "small", *args, str(artifact_dir))


def test_check_accepts_supported_combinations() -> None:
    runtime = runtimes.get("openvino")
    for quantization in (Q.FP32, Q.BF16, Q.INT8_STATIC):
        assert runtime.check(quantization, OpenVinoOptions(), QuantizationOptions()) == []
    throughput = OpenVinoOptions(
        intra_op_threads=4, num_streams=4, performance_hint=PerformanceHint.THROUGHPUT
    )
    int8 = QuantizationOptions(per_channel=True, reduce_range=True, calibration_samples=64)
    assert runtime.check(Q.INT8_STATIC, throughput, int8) == []


def test_predictor_ignores_feed_entries_the_model_does_not_take(
    tiny_cnn: Workload, artifact_dir: Path
) -> None:
    prepared = _prepare(tiny_cnn, Q.FP32, artifact_dir)
    feed = tiny_cnn.sample_inputs("small", 2)
    extra = {**feed, "token_type_ids": np.zeros((2, 3), dtype=np.int64)}
    np.testing.assert_array_equal(
        prepared.predictor.predict(extra), prepared.predictor.predict(feed)
    )


def test_details_are_json_serializable(tiny_embed: Workload, artifact_dir: Path) -> None:
    for quantization in TOLERANCE:
        details = _prepare(tiny_embed, quantization, artifact_dir).details
        assert json.loads(json.dumps(details)) == details


@pytest.mark.slow
def test_minilm_int8_per_channel_keeps_fidelity(tmp_path: Path) -> None:
    import torch

    from tournament import workloads

    minilm = workloads.get("minilm-embed")
    feed = minilm.sample_inputs("seq32", 32)
    with torch.inference_mode():
        args = [torch.from_numpy(feed[name]) for name in minilm.input_names("seq32")]
        reference = minilm.build("seq32")(*args).numpy()
    runtime = runtimes.get("openvino")
    cosines = {}
    for quantization, per_channel in ((Q.FP32, False), (Q.INT8_STATIC, True)):
        prepared = runtime.prepare(
            minilm,
            "seq32",
            quantization,
            OpenVinoOptions(intra_op_threads=2),
            QuantizationOptions(per_channel=per_channel),
            str(tmp_path),
        )
        output = prepared.predictor.predict(feed)
        assert output.shape == reference.shape == (32, 384)
        dot = (output * reference).sum(1)
        norms = np.linalg.norm(output, axis=1) * np.linalg.norm(reference, axis=1)
        cosines[quantization] = float((dot / norms).mean())
        prepared.predictor.close()
    assert cosines[Q.FP32] > 0.99999
    assert cosines[Q.INT8_STATIC] > 0.99
