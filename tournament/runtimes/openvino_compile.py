"""Compile an OpenVINO IR with :class:`OpenVinoOptions`, read back what applies, and predict."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import openvino as ov

from tournament.runtimes.options import OpenVinoOptions
from tournament.schema import Quantization
from tournament.workloads.base import Feed

READ_BACK = (
    "INFERENCE_PRECISION_HINT",
    "INFERENCE_NUM_THREADS",
    "NUM_STREAMS",
    "PERFORMANCE_HINT",
    "ENABLE_CPU_PINNING",
    "OPTIMAL_NUMBER_OF_INFER_REQUESTS",
    "EXECUTION_MODE_HINT",
    "EXECUTION_DEVICES",
)
"""Properties of the compiled model recorded in the details (what OpenVINO really uses)."""


def precision_hint(quantization: Quantization) -> str:
    """``INFERENCE_PRECISION_HINT`` for a quantization: bf16 for bf16, f32 otherwise.

    int8 runs its quantized operators in int8 whatever the hint; f32 keeps the rest in fp32
    (on a CPU with bf16, OpenVINO's default would silently run them in bf16).
    """
    return "bf16" if quantization is Quantization.BF16 else "f32"


def compile_config(options: OpenVinoOptions, quantization: Quantization) -> dict[str, Any]:
    """The CPU plugin properties set for ``options`` (``NUM_STREAMS`` only when given)."""
    config: dict[str, Any] = {
        "INFERENCE_PRECISION_HINT": precision_hint(quantization),
        "INFERENCE_NUM_THREADS": options.intra_op_threads,
        "PERFORMANCE_HINT": options.performance_hint.value.upper(),
        "ENABLE_CPU_PINNING": options.cpu_pinning,
    }
    if options.num_streams is not None:
        config["NUM_STREAMS"] = options.num_streams
    return config


def _plain(value: Any) -> Any:
    """A property value as JSON: numbers, booleans and strings as they are, the rest as text."""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, ov.Type):
        return value.get_type_name()
    return str(value).rpartition(".")[2] if "." in str(value) else str(value)


def runtime_precisions(compiled: ov.CompiledModel) -> dict[str, int]:
    """How many nodes of the executable graph run in each precision (``runtimePrecision``)."""
    counts: Counter[str] = Counter()
    for op in compiled.get_runtime_model().get_ordered_ops():
        info = op.get_rt_info()
        if "runtimePrecision" in info:
            counts[str(info["runtimePrecision"].astype(str))] += 1
    return dict(sorted(counts.items()))


def compiled_details(compiled: ov.CompiledModel) -> dict[str, Any]:
    """The properties the compiled model reports and its nodes' runtime precisions."""
    details = {name.lower(): _plain(compiled.get_property(name)) for name in READ_BACK}
    details["inference_precision"] = details.pop("inference_precision_hint")
    details["runtime_precisions"] = runtime_precisions(compiled)
    return details


def compile_ir(
    core: ov.Core, xml: Path, options: OpenVinoOptions, quantization: Quantization
) -> tuple[ov.CompiledModel, dict[str, Any]]:
    """The compiled model and the properties it was asked for."""
    config = compile_config(options, quantization)
    return core.compile_model(core.read_model(str(xml)), "CPU", config), config


class OpenVinoPredictor:
    """Runs a compiled model; a batch is split across the model's parallel infer requests.

    With one infer request (one stream, the latency hint) a batch runs synchronously on it.
    With ``OPTIMAL_NUMBER_OF_INFER_REQUESTS`` > 1 (several streams), a batch of at least that
    many rows is split into that many parts run in parallel, one per request, and joined:
    all of them finish before ``predict`` returns. Inputs are shared with OpenVINO (no copy);
    outputs are copied out of its buffers, as float32.
    """

    def __init__(self, compiled: ov.CompiledModel) -> None:
        self.compiled = compiled
        self.input_names = [port.get_any_name() for port in compiled.inputs]
        count = max(1, int(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")))
        self.requests = [compiled.create_infer_request() for _ in range(count)]

    def _inputs(self, feed: Feed, rows: slice) -> dict[str, ov.Tensor]:
        return {
            name: ov.Tensor(np.ascontiguousarray(feed[name][rows]), shared_memory=True)
            for name in self.input_names
        }

    @staticmethod
    def _output(request: ov.InferRequest) -> np.ndarray:
        return np.array(request.get_output_tensor(0).data, dtype=np.float32, copy=True)

    def predict(self, feed: Feed) -> np.ndarray:
        """The model's output for one batch, computed before returning."""
        batch = len(feed[self.input_names[0]])
        parts = min(len(self.requests), batch)
        if parts == 1:
            request = self.requests[0]
            request.infer(self._inputs(feed, slice(None)))
            return self._output(request)
        bounds = np.linspace(0, batch, parts + 1).astype(int)
        used = self.requests[:parts]
        inputs = [self._inputs(feed, slice(lo, hi)) for lo, hi in pairwise(bounds)]
        for request, part in zip(used, inputs, strict=True):  # inputs live until all finish
            request.start_async(part)
        for request in used:
            request.wait()
        return np.concatenate([self._output(request) for request in used])

    def close(self) -> None:
        """Release the requests and the compiled model (idempotent)."""
        self.requests = []
        vars(self).pop("compiled", None)
