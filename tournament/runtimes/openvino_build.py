"""Build (or find in the cache) a workload variant's OpenVINO IR, compile it, and prepare it.

Cache entries ``<cache_dir>/openvino/<key>/`` hold ``model.xml``, ``model.bin`` and
``recipe.json``. The fp32 key hashes a cache-format number, workload, variant, the fp32 module
(architecture and weights), the converter and the torch and openvino versions; bf16 compiles
the fp32 entry (the precision is a compile property, not a different IR); the int8 key adds the
quantization options, the overflow fix resolved for this CPU, the calibration set's sha256 and
the nncf version.

``artifact_sha256`` is the sha256 of ``"<IR sha256>\\n<sha256 of the precision JSON>"``: the IR's
files (name/sha256 lines, see :func:`~tournament.runtimes.hashing.files_sha256`) and the
``INFERENCE_PRECISION_HINT`` it is compiled with, so fp32 and bf16 differ as what runs does.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import openvino as ov
import torch

from tournament.runtimes import cpu_features, openvino_compile
from tournament.runtimes.base import Prepared
from tournament.runtimes.cache import artifact_files, get_or_build, read_recipe
from tournament.runtimes.hashing import files_sha256, sha256_bytes, sha256_json, weights_sha256
from tournament.runtimes.openvino import CACHE_FORMAT
from tournament.runtimes.options import OpenVinoOptions
from tournament.schema import Quantization, QuantizationOptions

if TYPE_CHECKING:
    from tournament.workloads.base import Feed, Workload

XML, BIN = "model.xml", "model.bin"
CONVERTER = "openvino.convert_model(torch.nn.Module, example_input, input=dynamic batch)"


def _input_spec(example: Feed, names: list[str]) -> list[tuple[str, ov.PartialShape, ov.Type]]:
    """Each input's name, shape with a dynamic batch axis, and element type."""
    types = {np.dtype(np.int64): ov.Type.i64, np.dtype(np.int32): ov.Type.i32}
    return [
        (
            name,
            ov.PartialShape([-1, *example[name].shape[1:]]),
            types.get(example[name].dtype, ov.Type.f32),
        )
        for name in names
    ]


def _convert(model: torch.nn.Module, workload: Workload, variant: str, tmp: Path) -> dict[str, Any]:
    names = workload.input_names(variant)
    example = workload.sample_inputs(variant, 2)
    with torch.no_grad():
        converted = ov.convert_model(
            model,
            example_input=tuple(torch.from_numpy(example[name]) for name in names),
            input=_input_spec(example, names),
        )
    save_ir(converted, tmp / XML)
    return {
        "converter": CONVERTER,
        "compress_to_fp16": False,
        "inputs": {str(n): str(s) for n, s, _ in _input_spec(example, names)},
        "ops": _op_histogram(converted),
    }


_GENERATED = re.compile(r"\b([A-Z][A-Za-z]*)_(\d+)\b")
_NAMED = re.compile(r'(\bnames?=")([^"]*)(")')


def save_ir(model: ov.Model, xml: Path) -> None:
    """``ov.save_model``, then the names OpenVINO generates from process-wide counters
    (``Constant_1234``, net ``Model7``) renumbered in order of appearance, so that the same
    model saves to the same bytes in any process (the artifact's sha256 is reproducible)."""
    ov.save_model(model, str(xml), compress_to_fp16=False)
    text = xml.read_text(encoding="utf-8")
    numbers: dict[str, str] = {}

    def generated(match: re.Match[str]) -> str:
        key = match.group(0)
        if key not in numbers:
            numbers[key] = f"{match.group(1)}_{len(numbers)}"
        return numbers[key]

    def named(match: re.Match[str]) -> str:
        return match.group(1) + _GENERATED.sub(generated, match.group(2)) + match.group(3)

    text = re.sub(r'<net name="Model\d+"', '<net name="Model"', text, count=1)
    xml.write_text(_NAMED.sub(named, text), encoding="utf-8")


def _op_histogram(model: ov.Model) -> dict[str, int]:
    counts: dict[str, int] = {}
    for op in model.get_ops():
        counts[op.get_type_name()] = counts.get(op.get_type_name(), 0) + 1
    return dict(sorted(counts.items()))


def _quantize(
    core: ov.Core,
    source: Path,
    tmp: Path,
    workload: Workload,
    variant: str,
    options: QuantizationOptions,
    cpu: cpu_features.Int8Cpu,
) -> dict[str, Any]:
    from tournament.runtimes import openvino_quantize

    calibration = workload.calibration_set(variant)
    items = openvino_quantize.calibration_items(
        calibration.inputs, workload.input_names(variant), options.calibration_samples
    )
    model, quantizer = openvino_quantize.quantize(
        core.read_model(str(source / XML)), items, options, cpu
    )
    save_ir(model, tmp / XML)
    return {**read_recipe(source), "quantizer": quantizer, "ops": _op_histogram(model)}


def build_ir(
    core: ov.Core,
    workload: Workload,
    variant: str,
    quantization: Quantization,
    options: QuantizationOptions,
    root: Path,
) -> tuple[Path, dict[str, Any]]:
    """The cache entry holding the IR and how the cache answered (keys, hits)."""
    model = workload.build(variant).eval()
    weights = weights_sha256(model)
    base = {
        "format": CACHE_FORMAT,
        "workload": workload.name,
        "variant": variant,
        "weights": weights,
        "converter": CONVERTER,
        "torch": torch.__version__,
        "openvino": ov.__version__,
    }
    fp32_key = sha256_json({**base, "quantization": Quantization.FP32.value})

    def convert(tmp: Path) -> dict[str, Any]:
        recipe = _convert(model, workload, variant, tmp)
        return {**base, **recipe}

    fp32, fp32_hit = get_or_build(root, fp32_key, convert)
    if quantization is not Quantization.INT8_STATIC:
        return fp32, {"key": fp32_key, "hit": fp32_hit}
    import nncf

    from tournament.runtimes.openvino_quantize import overflow_fix

    cpu = cpu_features.detect()
    key = sha256_json(
        {
            **base,
            "quantization": quantization.value,
            "options": options.model_dump(mode="json", exclude={"op_types"}),
            "overflow_fix": overflow_fix(options, cpu)[0],
            "calibration_sha256": workload.calibration_set(variant).sha256,
            "nncf": nncf.__version__,
        }
    )
    entry, hit = get_or_build(
        root, key, lambda tmp: _quantize(core, fp32, tmp, workload, variant, options, cpu)
    )
    return entry, {"key": key, "hit": hit, "fp32_key": fp32_key, "fp32_hit": fp32_hit}


def prepare(
    workload: Workload,
    variant: str,
    quantization: Quantization,
    options: OpenVinoOptions,
    quantization_options: QuantizationOptions,
    cache_dir: str,
) -> Prepared:
    """Build or reuse the IR, compile it with ``options``; the predictor and its details."""
    core = ov.Core()
    entry, cache = build_ir(
        core, workload, variant, quantization, quantization_options, Path(cache_dir) / "openvino"
    )
    compiled, config = openvino_compile.compile_ir(core, entry / XML, options, quantization)
    ir_sha, size = files_sha256(artifact_files(entry))
    precision = {"INFERENCE_PRECISION_HINT": config["INFERENCE_PRECISION_HINT"]}
    sha = sha256_bytes(f"{ir_sha}\n{sha256_json(precision)}".encode())
    reported = openvino_compile.compiled_details(compiled)
    details: dict[str, Any] = {
        "runtime": "openvino",
        **read_recipe(entry),
        "quantization": quantization.value,
        "openvino": ov.__version__,
        "device": core.get_property("CPU", "FULL_DEVICE_NAME"),
        "optimization_capabilities": list(core.get_property("CPU", "OPTIMIZATION_CAPABILITIES")),
        "compile_config": config,
        "compiled": reported,
        "cache": cache,
        "ir_sha256": ir_sha,
        "artifact": "sha256 of '<ir_sha256>\\n<sha256 of the INFERENCE_PRECISION_HINT JSON>'",
    }
    if quantization is Quantization.BF16:
        details.update(_bf16_honoured(reported))
    return Prepared(openvino_compile.OpenVinoPredictor(compiled), sha, size, details)


def _bf16_honoured(reported: dict[str, Any]) -> dict[str, Any]:
    """Whether the compiled model really runs in bf16, and a note when it does not."""
    honoured = reported["inference_precision"] == "bf16"
    note = (
        ""
        if honoured
        else (
            "bf16 requested but the CPU plugin compiled for "
            f"{reported['inference_precision']} (this CPU has no bf16 instructions: no "
            "AVX512-BF16 or AMX); the model runs in fp32."
        )
    )
    return {"bf16_honoured": honoured, "bf16_note": note}
