"""Submission format: frozen pydantic models, canonical form and ``config_hash``."""

from __future__ import annotations

from tournament.schema.submission import (
    ExecutionProvider,
    GraphOptimization,
    Quantization,
    QuantizationOptions,
    RuntimeOptions,
    Submission,
)

__all__ = [
    "ExecutionProvider",
    "GraphOptimization",
    "Quantization",
    "QuantizationOptions",
    "RuntimeOptions",
    "Submission",
]
