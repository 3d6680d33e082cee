"""Every runtime and format on the project's real workloads (digits-cnn; MiniLM is slow)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tournament import runtimes, workloads
from tournament.runtimes.base import Predictor
from tournament.runtimes.options import OnnxRuntimeOptions
from tournament.schema import Quantization, QuantizationOptions
from tournament.workloads.base import Workload

Q = Quantization
DIGITS_CASES = [
    ("torch", Q.FP32),
    ("torch", Q.BF16),
    ("torch", Q.INT8_DYNAMIC),
    ("onnxruntime", Q.FP32),
    ("onnxruntime", Q.FP16),
    ("onnxruntime", Q.INT8_DYNAMIC),
    ("onnxruntime", Q.INT8_STATIC),
    ("openvino", Q.FP32),
    ("openvino", Q.BF16),
    ("openvino", Q.INT8_STATIC),
]


def _evaluate(predictor: Predictor, workload: Workload, variant: str) -> np.ndarray:
    batches = workload.eval_set(variant).batches(64)
    return np.concatenate([predictor.predict(batch) for batch in batches])


@pytest.mark.parametrize(("runtime", "quantization"), DIGITS_CASES)
def test_digits_cnn_passes_the_accuracy_gate(
    runtime: str, quantization: Quantization, tmp_path: Path
) -> None:
    digits = workloads.get("digits-cnn")
    rt = runtimes.get(runtime)
    prepared = rt.prepare(
        digits, "small", quantization, rt.options_model(), QuantizationOptions(), str(tmp_path)
    )
    outputs = _evaluate(prepared.predictor, digits, "small")
    assert outputs.shape == (len(digits.eval_set("small")), 10)
    quality = digits.quality("small", outputs)
    assert quality >= digits.default_target_ratio * digits.reference_quality("small")
    prepared.predictor.close()


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    dot = (a * b).sum(1)
    return dot / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@pytest.mark.slow
def test_minilm_int8_dynamic_per_channel_beats_per_tensor(tmp_path: Path) -> None:
    import torch

    minilm = workloads.get("minilm-embed")
    feed = minilm.sample_inputs("seq32", 64)
    with torch.inference_mode():
        args = [torch.from_numpy(feed[name]) for name in minilm.input_names("seq32")]
        reference = minilm.build("seq32")(*args).numpy()
    mean_cosine = {}
    for per_channel in (False, True):
        prepared = runtimes.get("onnxruntime").prepare(
            minilm,
            "seq32",
            Q.INT8_DYNAMIC,
            OnnxRuntimeOptions(intra_op_threads=2),
            QuantizationOptions(per_channel=per_channel),
            str(tmp_path),
        )
        output = prepared.predictor.predict(feed)
        assert output.shape == reference.shape == (64, 384)
        mean_cosine[per_channel] = float(_cosines(output, reference).mean())
        prepared.predictor.close()
    assert mean_cosine[True] > mean_cosine[False]
    assert mean_cosine[True] > 0.98
