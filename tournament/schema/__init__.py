"""Submission format: frozen pydantic models, canonical form and ``config_hash``."""

from __future__ import annotations

from tournament.schema.submission import (
    ExecutionProvider,
    Quantization,
    QuantizationOptions,
    RuntimeOptionsBase,
    Submission,
)

__all__ = [
    "ExecutionProvider",
    "Quantization",
    "QuantizationOptions",
    "RuntimeOptionsBase",
    "Submission",
]
