"""Convert an fp32 ONNX model: fp16 (onnxconverter-common), int8 dynamic and static (ORT).

int8 choices: activations ``QUInt8`` (static: calibrated, QDQ format; dynamic: computed at run
time by ``DynamicQuantizeLinear``). Weights: ``QInt8`` (the U8S8 pairing x86 kernels are built
for) unless the worker's CPU would saturate U8S8 products (x86 without VNNI, see
:mod:`tournament.runtimes.cpu_features`) and ``reduce_range`` is off; then ``QUInt8`` (U8U8
kernels, which do not saturate and keep 8-bit weights). :func:`weight_type` decides, from the
CPU detected at prepare time. Both run ``quant_pre_process`` first with symbolic shape
inference skipped (it fails on MiniLM).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import onnx
import onnxruntime
from onnxruntime.quantization import (
    QuantFormat,
    QuantType,
    quantize_dynamic,
    quantize_static,
)
from onnxruntime.quantization.shape_inference import quant_pre_process

from tournament.runtimes.cpu_features import Int8Cpu
from tournament.runtimes.onnx_calibrate import (
    CALIBRATION_BATCH,
    CALIBRATOR_OPTIONS,
    METHODS,
    calibrate,
)
from tournament.schema import QuantizationOptions
from tournament.workloads.base import Feed

WEIGHT_TYPES = {"QInt8": QuantType.QInt8, "QUInt8": QuantType.QUInt8}


def weight_type(options: QuantizationOptions, cpu: Int8Cpu) -> tuple[str, str]:
    """The weight type for ``cpu`` and why (a sentence for the details).

    Measured on an AMD EPYC without VNNI (all-MiniLM-L6-v2, int8-dynamic, mean cosine to fp32
    over 64 rows): QInt8 0.965 per-tensor / 0.993 per-channel, QInt8 with 7-bit weights
    0.879 / 0.992, QUInt8 0.982 / 0.993; so uint8 weights are the better remedy.
    """
    if options.reduce_range:
        return "QInt8", "reduce_range: 7-bit int8 weights cannot saturate U8S8 products."
    if cpu.saturates:
        return "QUInt8", (
            "x86 CPU without VNNI: U8S8 products saturate in int16 (vpmaddubsw); uint8 weights "
            "run U8U8 kernels, which do not."
        )
    return "QInt8", "U8S8 does not saturate on this CPU (VNNI, or not x86)."


def to_fp16(src: Path, dst: Path) -> dict[str, Any]:
    """fp16 weights and compute, fp32 inputs and outputs; ``Cast`` kept in fp32.

    The plain conversion makes a model ORT refuses to load (type mismatch on a Cast).
    """
    import onnxconverter_common
    from onnxconverter_common import float16

    block = [*float16.DEFAULT_OP_BLOCK_LIST, "Cast"]
    model = float16.convert_float_to_float16(
        onnx.load(str(src)), keep_io_types=True, op_block_list=block
    )
    onnx.save(model, str(dst))
    return {
        "method": "onnxconverter_common.float16.convert_float_to_float16",
        "onnxconverter_common": onnxconverter_common.__version__,
        "keep_io_types": True,
        "op_block_list": "DEFAULT_OP_BLOCK_LIST + ['Cast']",
    }


def _pre_process(src: Path, work: Path) -> Path:
    out = work / "pre.onnx"
    quant_pre_process(str(src), str(out), skip_symbolic_shape=True)
    return out


def _common(options: QuantizationOptions, cpu: Int8Cpu) -> dict[str, Any]:
    weights, reason = weight_type(options, cpu)
    return {
        "onnxruntime": onnxruntime.__version__,
        "pre_process": "quant_pre_process(skip_symbolic_shape=True)",
        "per_channel": options.per_channel,
        "reduce_range": options.reduce_range,
        "op_types": list(options.op_types) if options.op_types else "all supported",
        "weight_type": weights,
        "weight_type_reason": reason,
        "cpu": cpu.details(),
    }


def int8_dynamic(
    src: Path, dst: Path, options: QuantizationOptions, cpu: Int8Cpu
) -> dict[str, Any]:
    """int8 weights, activations quantized per batch at run time."""
    with tempfile.TemporaryDirectory(prefix="tourney-q-") as work:
        quantize_dynamic(
            _pre_process(src, Path(work)),
            dst,
            op_types_to_quantize=list(options.op_types) if options.op_types else None,
            per_channel=options.per_channel,
            reduce_range=options.reduce_range,
            weight_type=WEIGHT_TYPES[weight_type(options, cpu)[0]],
        )
    return {"method": "onnxruntime.quantization.quantize_dynamic", **_common(options, cpu)}


def int8_static(
    src: Path, dst: Path, options: QuantizationOptions, feeds: list[Feed], cpu: Int8Cpu
) -> dict[str, Any]:
    """int8 weights and activations with ranges calibrated on ``feeds``; QDQ format."""
    with tempfile.TemporaryDirectory(prefix="tourney-q-") as tmp:
        work = Path(tmp)
        model = _pre_process(src, work)
        calibration = calibrate(model, feeds, options, work)
        quantize_static(
            model,
            dst,
            None,
            quant_format=QuantFormat.QDQ,
            op_types_to_quantize=list(options.op_types) if options.op_types else None,
            per_channel=options.per_channel,
            reduce_range=options.reduce_range,
            activation_type=QuantType.QUInt8,
            weight_type=WEIGHT_TYPES[weight_type(options, cpu)[0]],
            nodes_to_exclude=calibration.float_nodes,
            calibrate_method=METHODS[options.calibration_method],
            calibration_cache_path=calibration.ranges_path,
        )
    return {
        "method": "onnxruntime.quantization.quantize_static",
        **_common(options, cpu),
        "quant_format": "QDQ",
        "activation_type": "QUInt8",
        "calibration_method": options.calibration_method.value,
        "calibrator_options": CALIBRATOR_OPTIONS[options.calibration_method],
        "calibration_samples": sum(len(next(iter(f.values()))) for f in feeds),
        "calibration_batch": CALIBRATION_BATCH,
        "float_nodes": calibration.float_nodes,
        "float_nodes_reason": "non-finite calibrated range (e.g. a -inf attention mask)",
    }
