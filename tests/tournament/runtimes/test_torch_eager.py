"""Runtime ``torch`` on real tiny models: outputs, artifacts, threads, refusals."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch

from tournament import runtimes
from tournament.errors import UserError
from tournament.runtimes.base import Prepared
from tournament.runtimes.options import TorchOptions
from tournament.schema import ExecutionProvider, Quantization, QuantizationOptions
from tournament.workloads.base import Feed, Workload

Q = Quantization
TOLERANCE = {Q.FP32: 1e-5, Q.BF16: 0.03, Q.INT8_DYNAMIC: 0.05}
"""Largest error relative to the largest fp32 output magnitude, per format."""


def _prepare(
    workload: Workload,
    quantization: Quantization,
    cache: Path,
    options: TorchOptions | None = None,
    quantization_options: QuantizationOptions | None = None,
) -> Prepared:
    return runtimes.get("torch").prepare(
        workload,
        "small",
        quantization,
        options or TorchOptions(),
        quantization_options or QuantizationOptions(),
        str(cache),
    )


@pytest.mark.parametrize("workload_name", ["tiny_cnn", "tiny_embed"])
@pytest.mark.parametrize("quantization", [Q.FP32, Q.BF16, Q.INT8_DYNAMIC])
def test_outputs_match_fp32_within_format_tolerance(
    workload_name: str,
    quantization: Quantization,
    artifact_dir: Path,
    request: pytest.FixtureRequest,
    reference_output: Callable[[Workload, str, Feed], np.ndarray],
    relative_error: Callable[[np.ndarray, np.ndarray], float],
) -> None:
    workload: Workload = request.getfixturevalue(workload_name)
    feed = workload.sample_inputs("small", 5)
    prepared = _prepare(workload, quantization, artifact_dir)
    out = prepared.predictor.predict(feed)
    reference = reference_output(workload, "small", feed)
    assert out.shape == reference.shape
    assert out.dtype == np.float32
    assert relative_error(out, reference) <= TOLERANCE[quantization]
    again = _prepare(workload, quantization, artifact_dir)
    assert again.artifact_sha256 == prepared.artifact_sha256
    assert again.artifact_bytes == prepared.artifact_bytes > 0
    prepared.predictor.close()


def test_artifacts_differ_across_quantizations_and_options(
    tiny_cnn: Workload, artifact_dir: Path
) -> None:
    hashes = {q: _prepare(tiny_cnn, q, artifact_dir).artifact_sha256 for q in TOLERANCE}
    per_channel = _prepare(
        tiny_cnn,
        Q.INT8_DYNAMIC,
        artifact_dir,
        quantization_options=QuantizationOptions(per_channel=True),
    )
    assert len({*hashes.values(), per_channel.artifact_sha256}) == 4


def test_int8_dynamic_quantizes_linear_and_keeps_conv_float(
    tiny_cnn: Workload, artifact_dir: Path
) -> None:
    prepared = _prepare(tiny_cnn, Q.INT8_DYNAMIC, artifact_dir)
    modules = prepared.details["quantizer"]["modules"]
    assert modules == {"quantized": {"Linear": 2}, "float": {"Conv2d": 2}}
    fp32 = _prepare(tiny_cnn, Q.FP32, artifact_dir)
    assert prepared.artifact_bytes < fp32.artifact_bytes


def test_reduce_range_uses_seven_bit_weights(tiny_embed: Workload, artifact_dir: Path) -> None:
    prepared = _prepare(
        tiny_embed,
        Q.INT8_DYNAMIC,
        artifact_dir,
        quantization_options=QuantizationOptions(reduce_range=True),
    )
    model = prepared.predictor.model  # type: ignore[attr-defined]
    weights = model.mlp[0].weight().int_repr()
    assert int(weights.abs().max()) <= 64
    assert prepared.details["quantizer"]["weight_reduce_range"] is True


def test_threads_are_applied_and_reported(tiny_cnn: Workload, artifact_dir: Path) -> None:
    before = torch.get_num_threads()
    try:
        options = TorchOptions(intra_op_threads=2, inter_op_threads=3)
        prepared = _prepare(tiny_cnn, Q.FP32, artifact_dir, options=options)
        threads = prepared.details["threads"]
        assert torch.get_num_threads() == threads["intra_op_threads"] == 2
        assert threads["inter_op_threads"] == torch.get_num_interop_threads()
        assert threads["inter_op_threads_requested"] == 3
        if threads["inter_op_threads"] != 3:  # torch allows it once per process
            assert "once per process" in threads["inter_op_threads_note"]
        torch.set_num_threads(1)  # another predictor changed it: predict restores its own
        prepared.predictor.predict(tiny_cnn.sample_inputs("small", 2))
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the no-GPU refusal")
def test_cuda_without_a_gpu_is_a_user_error(tiny_cnn: Workload, artifact_dir: Path) -> None:
    options = TorchOptions(execution_provider=ExecutionProvider.CUDA)
    with pytest.raises(UserError, match=r"^runtime_options.execution_provider: cuda requested"):
        _prepare(tiny_cnn, Q.FP16, artifact_dir, options=options)


def test_prepare_refuses_what_check_refuses(tiny_cnn: Workload, artifact_dir: Path) -> None:
    with pytest.raises(UserError) as caught:
        _prepare(tiny_cnn, Q.FP16, artifact_dir)
    assert caught.value.problems[0].startswith("quantization: 'fp16'")


def test_details_are_json_serializable(tiny_cnn: Workload, artifact_dir: Path) -> None:
    for quantization in TOLERANCE:
        details = _prepare(tiny_cnn, quantization, artifact_dir).details
        assert json.loads(json.dumps(details)) == details


def test_fp16_path_casts_inputs_and_returns_float32(
    tiny_cnn: Workload,
    reference_output: Callable[[Workload, str, Feed], np.ndarray],
    relative_error: Callable[[np.ndarray, np.ndarray], float],
) -> None:
    """The fp16 conversion and predictor used on CUDA, run on CPU (no GPU here)."""
    from tournament.runtimes.torch_predictor import TorchPredictor
    from tournament.runtimes.torch_quantize import convert

    model, details = convert(tiny_cnn.build("small"), Q.FP16, QuantizationOptions())
    assert details["weights"] == "float16"
    assert next(model.parameters()).dtype == torch.float16
    predictor = TorchPredictor(model, tiny_cnn.input_names("small"), half_inputs=True)
    feed = tiny_cnn.sample_inputs("small", 4)
    out = predictor.predict(feed)
    assert out.dtype == np.float32
    assert relative_error(out, reference_output(tiny_cnn, "small", feed)) <= 0.01


class _DtypeProbe(torch.nn.Module):
    """A linear layer that records the dtype it computes in and the inputs' contiguity."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = torch.nn.Linear(4, 3)
        self.seen: list[tuple[torch.dtype, bool]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.linear(x)
        self.seen.append((out.dtype, x.is_contiguous()))
        return out


@pytest.mark.parametrize(
    ("autocast", "computed"), [(None, torch.float32), (torch.bfloat16, torch.bfloat16)]
)
def test_predictor_autocasts_only_when_asked_and_returns_float32(
    autocast: torch.dtype | None, computed: torch.dtype
) -> None:
    """The plain CPU path skips autocast and output conversions; bf16 still autocasts and
    its bf16 output still comes back as float32 numpy."""
    from tournament.runtimes.torch_predictor import TorchPredictor

    model = _DtypeProbe()
    predictor = TorchPredictor(model, ["x"], autocast=autocast)
    out = predictor.predict({"x": np.ones((2, 4), dtype=np.float32)})
    assert model.seen == [(computed, True)]
    assert isinstance(out, np.ndarray)
    assert out.dtype == np.float32
    assert out.shape == (2, 3)


def test_predictor_makes_strided_inputs_contiguous() -> None:
    from tournament.runtimes.torch_predictor import TorchPredictor

    model = _DtypeProbe()
    predictor = TorchPredictor(model, ["x"])
    strided = np.arange(16, dtype=np.float32).reshape(4, 4)[:, ::1][::2]  # every other row
    assert not strided.flags.c_contiguous
    out = predictor.predict({"x": strided})
    assert model.seen == [(torch.float32, True)]
    with torch.no_grad():
        expected = model.linear(torch.from_numpy(np.ascontiguousarray(strided))).numpy()
    np.testing.assert_array_equal(out, expected)
