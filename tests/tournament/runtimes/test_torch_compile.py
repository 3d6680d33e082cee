"""Runtime ``torch-compile``: real inductor compilation (needs the C++ compiler present here)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tournament import runtimes
from tournament.runtimes.options import TorchOptions
from tournament.schema import Quantization, QuantizationOptions
from tournament.workloads.base import Feed, Workload

TOLERANCE = {Quantization.FP32: 1e-5, Quantization.BF16: 0.03}


@pytest.mark.slow
@pytest.mark.parametrize("quantization", [Quantization.FP32, Quantization.BF16])
def test_compiled_model_matches_eager_for_any_batch_size(
    quantization: Quantization,
    tiny_cnn: Workload,
    artifact_dir: Path,
    reference_output: Callable[[Workload, str, Feed], np.ndarray],
    relative_error: Callable[[np.ndarray, np.ndarray], float],
) -> None:
    prepared = runtimes.get("torch-compile").prepare(
        tiny_cnn, "small", quantization, TorchOptions(), QuantizationOptions(), str(artifact_dir)
    )
    compile_details = prepared.details["compile"]
    assert compile_details["backend"] == "inductor"
    assert compile_details["dynamic"] is False
    from torch._dynamo.utils import counters

    for batch in (1, 3, 16):
        feed = tiny_cnn.sample_inputs("small", batch)
        out = prepared.predictor.predict(feed)  # compiles a new batch size on first use
        graphs = counters["stats"]["unique_graphs"]
        assert out.dtype == np.float32
        reference = reference_output(tiny_cnn, "small", feed)
        assert out.shape == reference.shape
        assert relative_error(out, reference) <= TOLERANCE[quantization]
        np.testing.assert_array_equal(prepared.predictor.predict(feed), out)
        assert counters["stats"]["unique_graphs"] == graphs  # the second call compiles nothing
    eager = runtimes.get("torch").prepare(
        tiny_cnn, "small", quantization, TorchOptions(), QuantizationOptions(), str(artifact_dir)
    )
    assert eager.details["state_dict_sha256"] == prepared.details["state_dict_sha256"]
    assert eager.artifact_sha256 != prepared.artifact_sha256  # the recipe differs
