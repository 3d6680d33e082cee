"""Build (or find in the cache) the ONNX artifact of a workload variant in one quantization."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import onnx
import onnxruntime as ort
import torch

from tournament.runtimes import cpu_features, onnx_calibrate, onnx_export, onnx_quantize
from tournament.runtimes.cache import get_or_build, read_recipe
from tournament.runtimes.hashing import sha256_json, weights_sha256
from tournament.runtimes.onnx_export import MODEL_FILE
from tournament.runtimes.onnxruntime import CACHE_FORMAT
from tournament.schema import Quantization, QuantizationOptions

if TYPE_CHECKING:
    from tournament.workloads.base import EvalSet, Feed, Workload


def _artifact_options(
    quantization: Quantization, options: QuantizationOptions, cpu: cpu_features.Int8Cpu
) -> dict[str, Any]:
    """What changes the artifact (the cache key's share): quantization options and, for int8,
    the weight type resolved for this CPU."""
    if quantization is Quantization.INT8_STATIC:
        chosen = options.model_dump(mode="json")
    elif quantization is Quantization.INT8_DYNAMIC:
        chosen = options.model_dump(
            mode="json", include={"per_channel", "reduce_range", "op_types"}
        )
    else:
        return {}
    return {**chosen, "weight_type": onnx_quantize.weight_type(options, cpu)[0]}


def _export(
    model: torch.nn.Module, workload: Workload, variant: str, weights: str, tmp: Path
) -> dict[str, Any]:
    names = workload.input_names(variant)
    example = workload.sample_inputs(variant, 2)
    recipe = onnx_export.export_fp32(model, example, names, tmp / MODEL_FILE)
    recipe.update(
        workload=workload.name,
        variant=variant,
        weights_sha256=weights,
        onnx=onnx.__version__,
        onnx_ops=onnx_export.op_histogram(tmp / MODEL_FILE),
    )
    return recipe


def _convert(
    source: Path,
    tmp: Path,
    quantization: Quantization,
    options: QuantizationOptions,
    calibration: list[Feed],
    cpu: cpu_features.Int8Cpu,
) -> dict[str, Any]:
    target = tmp / MODEL_FILE
    if quantization is Quantization.FP16:
        quantizer = onnx_quantize.to_fp16(source / MODEL_FILE, target)
    elif quantization is Quantization.INT8_DYNAMIC:
        quantizer = onnx_quantize.int8_dynamic(source / MODEL_FILE, target, options, cpu)
    else:
        quantizer = onnx_quantize.int8_static(
            source / MODEL_FILE, target, options, calibration, cpu
        )
    recipe = read_recipe(source)
    recipe.update(quantizer=quantizer, onnx_ops=onnx_export.op_histogram(target))
    return recipe


def _identity(quantization: Quantization, calibration: EvalSet | None) -> dict[str, Any]:
    """What else identifies a converted artifact: converter version, calibration data."""
    if quantization is Quantization.FP16:
        import onnxconverter_common

        return {"onnxconverter_common": onnxconverter_common.__version__}
    if calibration is not None:
        return {"calibration_sha256": calibration.sha256}
    return {}


def build_artifact(
    workload: Workload,
    variant: str,
    quantization: Quantization,
    options: QuantizationOptions,
    root: Path,
) -> tuple[Path, dict[str, Any]]:
    """The cache entry holding ``model.onnx`` and how the cache answered (keys, hits)."""
    model = workload.build(variant).eval()
    weights = weights_sha256(model)
    base = {
        "format": CACHE_FORMAT,
        "workload": workload.name,
        "variant": variant,
        "weights": weights,
        "exporter": onnx_export.EXPORTER,
        "opset": onnx_export.OPSET,
        "torch": torch.__version__,
        "onnx": onnx.__version__,
        "onnxruntime": ort.__version__,
    }
    fp32_key = sha256_json({**base, "quantization": Quantization.FP32.value})
    fp32, fp32_hit = get_or_build(
        root, fp32_key, lambda tmp: _export(model, workload, variant, weights, tmp)
    )
    if quantization is Quantization.FP32:
        return fp32, {"key": fp32_key, "hit": fp32_hit}
    static = quantization is Quantization.INT8_STATIC
    calibration = workload.calibration_set(variant) if static else None
    cpu = cpu_features.detect()
    key = sha256_json(
        {
            **base,
            "quantization": quantization.value,
            "options": _artifact_options(quantization, options, cpu),
            **_identity(quantization, calibration),
        }
    )

    def convert(tmp: Path) -> dict[str, Any]:
        feeds = []
        if calibration is not None:
            names = workload.input_names(variant)
            feeds = onnx_calibrate.calibration_feeds(
                calibration.inputs, names, options.calibration_samples
            )
        return _convert(fp32, tmp, quantization, options, feeds, cpu)

    entry, hit = get_or_build(root, key, convert)
    return entry, {"key": key, "hit": hit, "fp32_key": fp32_key, "fp32_hit": fp32_hit}
