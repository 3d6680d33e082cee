"""Activation ranges for int8-static, from the workload's calibration set.

Ranges are computed here (not inside ``quantize_static``) for two reasons, both measured on
all-MiniLM-L6-v2:

* Tensors holding non-finite values (the ``-inf`` additive attention mask, the ``Add`` that
  applies it) cannot be quantized: with MinMax the model's output collapses (cosine 0.35 to
  fp32), and the histogram methods crash. A MinMax pass finds them; the nodes touching them
  stay in float and are listed in the details.
* ``quantize_static`` gives the entropy calibrator 128 histogram bins for 128 quantized bins,
  which leaves its KL search a single candidate (see :data:`CALIBRATOR_OPTIONS`).
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod
from onnxruntime.quantization.calibrate import (
    TensorsData,
    create_calibrator,
    save_tensors_data,
)
from onnxruntime.quantization.registry import QDQRegistry, QLinearOpsRegistry

from tournament.schema import QuantizationOptions
from tournament.schema.submission import CalibrationMethod as Method
from tournament.workloads.base import Feed

CALIBRATION_BATCH = 8
METHODS = {
    Method.MINMAX: CalibrationMethod.MinMax,
    Method.ENTROPY: CalibrationMethod.Entropy,
    Method.PERCENTILE: CalibrationMethod.Percentile,
}
CALIBRATOR_OPTIONS: dict[Method, dict[str, Any]] = {
    Method.MINMAX: {},
    Method.ENTROPY: {"num_bins": 512, "num_quantized_bins": 128},
    Method.PERCENTILE: {"num_bins": 2048, "percentile": 99.999, "symmetric": True},
}
"""Histogram settings per method. Entropy: 512 bins searched down to 128 (ORT 1.32's
``quantize_static`` uses 128 into 128, which gave byte-identical models to MinMax; TensorRT's
2048 costs about 1 s per tensor in ORT's pure-Python search, 512 about 0.2 s). Percentile:
ORT's defaults."""


class FeedReader(CalibrationDataReader):
    """Calibration batches from a list of feeds, in order (the ORT calibrator's input)."""

    def __init__(self, feeds: list[Feed]) -> None:
        self._feeds = iter(feeds)

    def get_next(self) -> Feed | None:
        return next(self._feeds, None)


def calibration_feeds(inputs: Feed, names: list[str], samples: int) -> list[Feed]:
    """The first ``samples`` rows of ``inputs`` (model inputs only), in small batches."""
    total = min(samples, len(next(iter(inputs.values()))))
    return [
        {name: np.ascontiguousarray(inputs[name][i : i + CALIBRATION_BATCH]) for name in names}
        for i in range(0, total, CALIBRATION_BATCH)
    ]


@dataclass(frozen=True)
class Calibration:
    """Ranges saved as an ORT calibration cache, and the nodes that must stay in float."""

    ranges_path: Path
    float_nodes: list[str]


def op_types(options: QuantizationOptions) -> list[str]:
    """The operator types to quantize: the submission's, or all that quantize_static knows."""
    if options.op_types:
        return list(options.op_types)
    return sorted(set(QLinearOpsRegistry) | set(QDQRegistry))


def _collect(
    model: Path, feeds: list[Feed], ops: list[str], method: Method, skip: set[str], work: Path
) -> TensorsData:
    calibrator = create_calibrator(
        model,
        ops,
        augmented_model_path=str(work / f"augmented-{method.value}.onnx"),
        calibrate_method=METHODS[method],
        extra_options=CALIBRATOR_OPTIONS[method],
    )
    if skip and getattr(calibrator, "tensors_to_calibrate", None) is not None:
        calibrator.tensors_to_calibrate -= skip  # histogram methods fail on non-finite data
    with contextlib.redirect_stdout(io.StringIO()):  # the calibrators print progress
        calibrator.collect_data(FeedReader(feeds))
        ranges: TensorsData = calibrator.compute_data()
    return ranges


def _non_finite(ranges: TensorsData) -> set[str]:
    def finite(name: str) -> bool:
        low, high = ranges[name].range_value
        return bool(np.isfinite(low).all() and np.isfinite(high).all())

    return {name for name in ranges.data if not finite(name)}


def _touching(model: Path, tensors: set[str], ops: list[str]) -> list[str]:
    graph = onnx.load(str(model), load_external_data=False).graph
    return sorted(
        node.name
        for node in graph.node
        if node.op_type in ops and tensors & {*node.input, *node.output}
    )


def calibrate(
    model: Path, feeds: list[Feed], options: QuantizationOptions, work: Path
) -> Calibration:
    """Ranges for ``options.calibration_method`` with non-finite tensors left out."""
    ops = op_types(options)
    minmax = _collect(model, feeds, ops, Method.MINMAX, set(), work)
    skip = _non_finite(minmax)
    method = options.calibration_method
    ranges = minmax if method is Method.MINMAX else _collect(model, feeds, ops, method, skip, work)
    for name in skip & set(ranges.data):
        del ranges.data[name]
    path = work / "ranges.json"
    save_tensors_data(ranges, path)
    return Calibration(path, _touching(model, skip, ops))
