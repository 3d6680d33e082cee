"""ONNX operator names a submission may list in ``quantization_options.op_types``.

These are the operators ONNX Runtime's quantizer (1.32) knows how to quantize: the integer-op
registry for ``int8-dynamic`` and the QDQ plus QLinear registries for ``int8-static``. Any
other name would be ignored silently by the quantizer, so it is rejected at validation time.
A test keeps these lists equal to ONNX Runtime's own registries.
"""

from __future__ import annotations

DYNAMIC_OP_TYPES: frozenset[str] = frozenset(
    {"Attention", "Conv", "EmbedLayerNormalization", "Gather", "LSTM", "MatMul", "Transpose"}
)
"""Operators ``onnxruntime.quantization.quantize_dynamic`` can quantize."""

STATIC_OP_TYPES: frozenset[str] = frozenset(
    {
        "Add", "ArgMax", "AveragePool", "BatchNormalization", "Clip", "Concat", "Conv",
        "ConvTranspose", "CumSum", "EmbedLayerNormalization", "Flatten", "Gather",
        "GatherElements", "Gemm", "GlobalAveragePool", "InstanceNormalization",
        "LayerNormalization", "LeakyRelu", "MatMul", "MaxPool", "Mul", "Pad", "Relu",
        "Reshape", "Resize", "Sigmoid", "Slice", "Softmax", "Split", "Squeeze", "TopK",
        "Transpose", "Unsqueeze", "Where",
    }
)  # fmt: skip
"""Operators ``onnxruntime.quantization.quantize_static`` can quantize (QDQ or QLinear)."""
