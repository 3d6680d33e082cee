"""The submission: one configuration of a workload, as a participant writes it.

A submission is data only: names that are checked against registries, numbers with bounds,
enums. It never carries code, import paths or numbers the platform should trust: the platform
measures. Structural rules live here (types, bounds, unknown keys); registry rules (does the
workload exist, can the runtime do this quantization) live in :mod:`tournament.schema.validate`.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
"""Names: 1-64 characters, letters, digits, ``_ . -``; no spaces, separators or controls."""


class Quantization(StrEnum):
    """Numeric format of the weights and activations."""

    FP32 = "fp32"
    FP16 = "fp16"
    BF16 = "bf16"
    INT8_DYNAMIC = "int8-dynamic"
    INT8_STATIC = "int8-static"


class GraphOptimization(StrEnum):
    """ONNX Runtime graph optimization level."""

    DISABLE = "disable"
    BASIC = "basic"
    EXTENDED = "extended"
    ALL = "all"


class ExecutionProvider(StrEnum):
    """Where the model executes."""

    CPU = "cpu"
    CUDA = "cuda"


class CalibrationMethod(StrEnum):
    """How int8-static picks activation ranges from the calibration set."""

    MINMAX = "minmax"
    ENTROPY = "entropy"
    PERCENTILE = "percentile"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class RuntimeOptions(_Frozen):
    """Options a runtime applies when it builds its session."""

    intra_op_threads: int = Field(default=1, ge=1, le=256, description="Threads inside one op.")
    inter_op_threads: int = Field(default=1, ge=1, le=64, description="Ops run in parallel.")
    graph_optimization: GraphOptimization = Field(
        default=GraphOptimization.ALL, description="ONNX Runtime graph optimization level."
    )
    execution_provider: ExecutionProvider = Field(
        default=ExecutionProvider.CPU, description="cpu, or cuda where a GPU is present."
    )


class QuantizationOptions(_Frozen):
    """Quantizer options that matter for int8 (ignored by float formats; rejected if set there)."""

    per_channel: bool = Field(default=False, description="One scale per output channel.")
    reduce_range: bool = Field(default=False, description="7-bit weights (older CPUs).")
    op_types: tuple[str, ...] | None = Field(
        default=None,
        max_length=32,
        description="Operator types to quantize (ONNX names, e.g. MatMul); default: all.",
    )
    calibration_method: CalibrationMethod = Field(default=CalibrationMethod.MINMAX)
    calibration_samples: int = Field(default=128, ge=1, le=4096)


class Submission(_Frozen):
    """One configuration entered by a team. Frozen; identified by :attr:`config_hash`."""

    team: str = Field(pattern=NAME_PATTERN, description="Who submits.")
    name: str = Field(pattern=NAME_PATTERN, description="Entry name, unique within the team.")
    description: str = Field(default="", max_length=2000)
    workload: str = Field(max_length=64, description="A registered workload.")
    variant: str = Field(max_length=64, description="A variant of that workload.")
    quantization: Quantization = Quantization.FP32
    runtime: str = Field(max_length=64, description="A registered runtime.")
    runtime_options: RuntimeOptions = RuntimeOptions()
    quantization_options: QuantizationOptions = QuantizationOptions()
    batch_size: int = Field(default=1, ge=1, le=1024)
    machine: str = Field(default="local", pattern=NAME_PATTERN)

    def config(self) -> dict[str, Any]:
        """The measured configuration: everything but team, name and description."""
        data = self.model_dump(mode="json", exclude={"team", "name", "description"})
        return data

    def canonical_json(self) -> str:
        """Canonical form: defaults filled in, keys sorted, no whitespace."""
        return json.dumps(self.config(), sort_keys=True, separators=(",", ":"))

    @property
    def config_hash(self) -> str:
        """sha256 of the canonical form: the identity of a configuration."""
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()
