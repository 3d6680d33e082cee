"""Validation rules shared by the runtimes: cheap, no heavy imports, one sentence per problem."""

from __future__ import annotations

from tournament.runtimes.op_types import DYNAMIC_OP_TYPES, STATIC_OP_TYPES
from tournament.schema import Quantization, QuantizationOptions

INT8 = frozenset({Quantization.INT8_DYNAMIC, Quantization.INT8_STATIC})
_CALIBRATION_FIELDS = ("calibration_method", "calibration_samples")


def changed_fields(options: QuantizationOptions) -> list[str]:
    """Names of the quantization options that differ from their defaults, in schema order."""
    defaults = QuantizationOptions()
    return [
        name
        for name in QuantizationOptions.model_fields
        if getattr(options, name) != getattr(defaults, name)
    ]


def _listed(fields: list[str]) -> str:
    return ", ".join(fields)


def unused_quantization_options(
    quantization: Quantization, options: QuantizationOptions
) -> list[str]:
    """Options set where the quantization would ignore them (float formats, dynamic calibration)."""
    changed = changed_fields(options)
    if quantization not in INT8 and changed:
        return [
            f"quantization_options: {_listed(changed)} only apply to int8 quantizations; "
            f"remove them for {quantization.value!r}."
        ]
    calibration = [name for name in changed if name in _CALIBRATION_FIELDS]
    if quantization is Quantization.INT8_DYNAMIC and calibration:
        return [
            f"quantization_options: {_listed(calibration)} only apply to 'int8-static' "
            "(calibration); remove them for 'int8-dynamic'."
        ]
    return []


def op_types_problems(quantization: Quantization, options: QuantizationOptions) -> list[str]:
    """Unknown or empty ``op_types`` for ONNX Runtime's quantizers."""
    if options.op_types is None or quantization not in INT8:
        return []
    if not options.op_types:
        return [
            "quantization_options.op_types: expected at least one operator name; "
            "omit the field to quantize every supported operator."
        ]
    known = DYNAMIC_OP_TYPES if quantization is Quantization.INT8_DYNAMIC else STATIC_OP_TYPES
    unknown = [op for op in options.op_types if op not in known]
    if not unknown:
        return []
    names = ", ".join(repr(op) for op in unknown)
    return [
        f"quantization_options.op_types: {names} cannot be quantized by {quantization.value!r}; "
        f"expected ONNX operator names from: {', '.join(sorted(known))}."
    ]
