"""Numeric formats for PyTorch models: fp16 weights, int8 dynamic quantization of ``nn.Linear``."""

from __future__ import annotations

import warnings
from collections import Counter
from typing import Any

import torch

from tournament.schema import Quantization, QuantizationOptions


def _dynamic_qconfig(options: QuantizationOptions) -> Any:
    from torch.ao.quantization import (
        MinMaxObserver,
        PerChannelMinMaxObserver,
        QConfig,
        default_dynamic_quant_observer,
    )

    low, high = (-64, 63) if options.reduce_range else (-128, 127)  # 7-bit or 8-bit weights
    observer: Any
    if options.per_channel:
        observer, scheme = PerChannelMinMaxObserver, torch.per_channel_symmetric
    else:
        observer, scheme = MinMaxObserver, torch.per_tensor_symmetric
    weight = observer.with_args(dtype=torch.qint8, qscheme=scheme, quant_min=low, quant_max=high)
    return QConfig(activation=default_dynamic_quant_observer, weight=weight)


def module_types(model: torch.nn.Module) -> dict[str, dict[str, int]]:
    """Leaf modules that hold weights, counted by type, split into quantized and float."""
    quantized: Counter[str] = Counter()
    floating: Counter[str] = Counter()
    for module in model.modules():
        kind = type(module)
        if kind.__name__.endswith("PackedParams"):
            continue  # the storage helper inside a quantized layer, not a layer
        if kind.__module__.startswith("torch.ao.nn.quantized"):
            quantized[kind.__name__] += 1
        elif any(True for _ in module.parameters(recurse=False)):
            floating[kind.__name__] += 1
    return {"quantized": dict(sorted(quantized.items())), "float": dict(sorted(floating.items()))}


def quantize_dynamic_int8(
    model: torch.nn.Module, options: QuantizationOptions
) -> tuple[torch.nn.Module, dict[str, Any]]:
    """``nn.Linear`` layers to int8 weights with dynamic int8 activations; others stay fp32."""
    from torch.ao.quantization import quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch.ao.quantization is deprecated
        quantized = quantize_dynamic(
            model, {torch.nn.Linear: _dynamic_qconfig(options)}, dtype=torch.qint8
        )
    details = {
        "method": "torch.ao.quantization.quantize_dynamic",
        "engine": torch.backends.quantized.engine,
        "weight_dtype": "qint8",
        "weight_qscheme": "per_channel_symmetric"
        if options.per_channel
        else "per_tensor_symmetric",
        "weight_reduce_range": options.reduce_range,
        "activation": "dynamic quint8 (the fbgemm kernel always reduces activations to 7 bits)",
        "modules": module_types(quantized),
        "note": "torch.ao.quantization is deprecated in this torch version; it still works.",
    }
    return quantized, details


def convert(
    model: torch.nn.Module, quantization: Quantization, options: QuantizationOptions
) -> tuple[torch.nn.Module, dict[str, Any]]:
    """The model in ``quantization``'s format and a description of what was done.

    bf16 runs under autocast (weights stay fp32, see the predictor); fp16 converts the weights.
    """
    if quantization is Quantization.INT8_DYNAMIC:
        return quantize_dynamic_int8(model, options)
    if quantization is Quantization.FP16:
        return model.half(), {"method": "module.half()", "weights": "float16"}
    if quantization is Quantization.BF16:
        return model, {"method": "torch.autocast(dtype=bfloat16)", "weights": "float32"}
    return model, {"method": "none", "weights": "float32"}
