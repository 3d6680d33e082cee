"""The submission: one configuration of a workload, as a participant writes it.

A submission is data only: names that are checked against registries, numbers with bounds,
enums. It never carries code, import paths or numbers the platform should trust: the platform
measures. Structural rules live here (types, bounds, unknown keys); registry rules (does the
workload exist, can the runtime do this quantization) live in :mod:`tournament.schema.validate`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializeAsAny,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

from tournament.hashing import canonical_json, sha256_of

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
"""Names: 1-64 characters, letters, digits, ``_ . -``; no spaces, separators or controls."""


class Quantization(StrEnum):
    """Numeric format of the weights and activations."""

    FP32 = "fp32"
    FP16 = "fp16"
    BF16 = "bf16"
    INT8_DYNAMIC = "int8-dynamic"
    INT8_STATIC = "int8-static"


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


class RuntimeOptionsBase(_Frozen):
    """Options every runtime applies when it builds its session.

    Each runtime declares a subclass with its own options (``Runtime.options_model``); a
    submission's ``runtime_options`` is validated against the model of the runtime it names.
    """

    intra_op_threads: int = Field(default=1, ge=1, le=256, description="Threads inside one op.")
    inter_op_threads: int = Field(default=1, ge=1, le=64, description="Ops run in parallel.")
    execution_provider: ExecutionProvider = Field(
        default=ExecutionProvider.CPU, description="cpu, or cuda where a GPU is present."
    )


class _UnknownRuntimeOptions(RuntimeOptionsBase):
    """Options of a runtime that is not registered here: shared fields checked, others kept
    as written (so the canonical form does not change), the runtime itself reported by
    :func:`tournament.schema.validate.registry_problems`."""

    model_config = ConfigDict(extra="allow")


FOREIGN_OPTION = "foreign_runtime_option"
"""pydantic error type of an option that belongs to another runtime than the one named."""


def runtime_options_model(runtime: str | None) -> type[RuntimeOptionsBase] | None:
    """The options model of a registered runtime; None when ``runtime`` is not registered.

    Imports the runtime's class module (light by contract), nothing heavy.
    """
    from tournament import runtimes

    if runtime is None or runtime not in runtimes.names():
        return None
    model: type[RuntimeOptionsBase] = runtimes.get(runtime).options_model
    return model


def _owners(option: str) -> list[str]:
    """Registered runtimes that have an option called ``option``."""
    from tournament import runtimes

    return [
        name
        for name in runtimes.names()
        if option in (runtime_options_model(name) or RuntimeOptionsBase).model_fields
    ]


def _line_error(error: ErrorDetails, runtime: str, model: type[BaseModel]) -> InitErrorDetails:
    """``error`` as it is re-raised: a field of another runtime becomes :data:`FOREIGN_OPTION`."""
    loc = error["loc"]
    if error["type"] == "extra_forbidden" and len(loc) == 1 and _owners(str(loc[0])):
        message = PydanticCustomError(
            FOREIGN_OPTION,
            "runtime {runtime} has no option {option}; its options are: {options}",
            {
                "runtime": repr(runtime),
                "option": repr(str(loc[0])),
                "options": ", ".join(sorted(model.model_fields)),
            },
        )
        return {"type": message, "loc": loc, "input": error["input"]}
    detail: InitErrorDetails = {"type": error["type"], "loc": loc, "input": error["input"]}
    if "ctx" in error:
        detail["ctx"] = error["ctx"]
    return detail


def _validate_options(value: Any, runtime: str | None) -> RuntimeOptionsBase:
    """``value`` (a mapping or an options model) as the options model of ``runtime``."""
    model = runtime_options_model(runtime) or _UnknownRuntimeOptions
    if type(value) is model:
        return value
    if isinstance(value, BaseModel):
        value = value.model_dump(exclude_unset=True)
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        if runtime is None or model is _UnknownRuntimeOptions:
            raise
        errors = [_line_error(e, runtime, model) for e in exc.errors()]
        raise ValidationError.from_exception_data(exc.title, errors) from None


class QuantizationOptions(_Frozen):
    """Quantizer options that matter for int8 (ignored by float formats; rejected if set there)."""

    per_channel: bool = Field(default=False, description="One scale per output channel.")
    reduce_range: bool = Field(
        default=False,
        description="7-bit weights on every CPU; false: each runtime avoids int8 saturation on "
        "CPUs without VNNI its own way (docs/runtimes.md).",
    )
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
    runtime_options: SerializeAsAny[RuntimeOptionsBase] = Field(
        default_factory=RuntimeOptionsBase,
        validate_default=True,
        description="Options of the named runtime (its Runtime.options_model).",
    )
    quantization_options: QuantizationOptions = QuantizationOptions()
    batch_size: int = Field(default=1, ge=1, le=1024)
    machine: str = Field(default="local", pattern=NAME_PATTERN)

    @field_validator("runtime_options", mode="before")
    @classmethod
    def _runtime_options(cls, value: Any, info: ValidationInfo) -> RuntimeOptionsBase:
        return _validate_options(value, info.data.get("runtime"))

    def config(self) -> dict[str, Any]:
        """The measured configuration: everything but team, name and description."""
        data = self.model_dump(mode="json", exclude={"team", "name", "description"})
        return data

    def canonical_json(self) -> str:
        """Canonical form: defaults filled in, keys sorted, no whitespace."""
        return canonical_json(self.config())

    @property
    def config_hash(self) -> str:
        """sha256 of the canonical form: the identity of a configuration."""
        return sha256_of(self.config())
