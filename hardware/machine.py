"""A machine: its CPU, GPUs, memory, price and power envelope, as a frozen value object.

Machines are stored as YAML (``hardware/machines/<id>.yaml``); :func:`load_machine` turns any
mistake into a :class:`~tournament.errors.UserError` that names the file and the field.

Fields left out of a YAML file get documented defaults:

* ``cpu_idle_w`` / ``cpu_max_w``: :data:`DEFAULT_CPU_IDLE_W_PER_THREAD` and
  :data:`DEFAULT_CPU_MAX_W_PER_THREAD` x ``cpu_threads``. Sources: the Cloud Carbon Footprint
  methodology's per-vCPU coefficients (from SPECpower results: about 0.7-0.8 W idle and
  3.5-4.3 W at full load per vCPU for AWS, GCP and Azure fleets) and codecarbon's fallback of
  4 W per thread; a typical EPYC (280 W / 128 threads = 2.2 W) or Xeon (350 W / 112 threads =
  3.1 W) socket TDP per thread sits just below. Estimates, not measurements.
* ``gpus[].idle_w``: :data:`DEFAULT_GPU_IDLE_FRACTION` of the GPU's power limit (data-centre GPUs
  idle at roughly 10-20 % of it).
* ``peak_gflops``: derived from the CPU's vector extensions (:mod:`hardware.peak`), with
  ``peak_source: derived`` (the nominal formula); a file that gives ``peak_gflops`` gets
  ``peak_source: given``.
* ``measured``: none (old specs, ``--no-measure``). When present it holds the microbenchmark's
  GEMM peaks per precision and triad bandwidth (:mod:`hardware.microbench`); the cost model
  prefers it and falls back to ``peak_gflops`` (labelled) for what it lacks.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hardware._yaml import read_mapping, validate, write_yaml
from hardware.microbench.model import MeasuredPeaks
from hardware.peak import cpu_peak_gflops, gpu_peak_gflops
from tournament.errors import UserError

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
"""Machine ids: 1-64 characters, letters, digits, ``_ . -`` (as submission names)."""

DEFAULT_CPU_IDLE_W_PER_THREAD = 0.75
DEFAULT_CPU_MAX_W_PER_THREAD = 4.0
DEFAULT_GPU_IDLE_FRACTION = 0.15
DEFAULT_TARIFF_USD_PER_KWH = 0.15

Precision = Literal["fp32", "fp16", "bf16", "int8"]
PeakTable = dict[Precision, float]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GpuSpec(_Frozen):
    """One GPU of a machine."""

    name: str = Field(min_length=1, max_length=128, description="Model, e.g. NVIDIA L4.")
    memory_gb: float = Field(gt=0, le=4096, description="Device memory, GiB.")
    driver: str = Field(default="", max_length=64, description="Driver version.")
    tdp_w: float = Field(gt=0, le=5000, description="Power limit (maximum power), W.")
    idle_w: float = Field(default=0.0, ge=0, le=5000, description="Idle W (default 15 % of tdp).")
    peak_gflops: PeakTable = Field(default_factory=dict, description="Data-sheet peak.")

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        tdp = data.get("tdp_w")
        if data.get("idle_w") is None and isinstance(tdp, int | float) and tdp > 0:
            data["idle_w"] = round(DEFAULT_GPU_IDLE_FRACTION * tdp, 1)
        if data.get("peak_gflops") is None and isinstance(data.get("name"), str):
            data["peak_gflops"] = gpu_peak_gflops(data["name"])
        return data


class MachineSpec(_Frozen):
    """A machine results are measured on (the core's :class:`tournament.machines.Machine`).
    Frozen: a changed machine is a new spec.

    Units: memory in GiB, clock in MHz, power in W, prices in USD, peaks in GFLOP/s (GOP/s
    for int8). ``cpu_cores`` are physical cores, ``cpu_threads`` logical CPUs available.
    """

    id: str = Field(pattern=NAME_PATTERN, description="Machine id, as submissions name it.")
    instance_type: str | None = Field(default=None, max_length=64, description="Cloud type.")
    cpu_model: str = Field(min_length=1, max_length=128)
    cpu_cores: int = Field(ge=1, le=4096, description="Physical cores.")
    cpu_threads: int = Field(ge=1, le=8192, description="Logical CPUs.")
    cpu_flags: tuple[str, ...] = Field(default=(), max_length=64, description="Vector ISA.")
    cpu_max_mhz: float = Field(gt=0, le=10_000, description="Maximum clock, MHz.")
    memory_gb: float = Field(gt=0, le=1_000_000, description="Main memory, GiB.")
    gpus: tuple[GpuSpec, ...] = Field(default=(), max_length=64)
    price_usd_per_hour: float | None = Field(
        default=None,
        ge=0,
        le=10_000,
        allow_inf_nan=False,
        description="On-demand price; left out: unknown, and so are the costs of its results.",
    )
    price_source: str = Field(
        default="",
        max_length=300,
        description="Where the price comes from (a catalogue entry, a price page, the operator).",
    )
    price_date: str | None = Field(
        default=None,
        pattern=r"^\d{4}-\d{2}(-\d{2})?$",
        description="When the price was read (YYYY-MM or YYYY-MM-DD); None: not given.",
    )

    @field_validator("price_date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        """A YAML date (``2026-11-30`` unquoted) as its ISO text."""
        return value.isoformat() if isinstance(value, datetime.date) else value

    tariff_usd_per_kwh: float = Field(default=DEFAULT_TARIFF_USD_PER_KWH, ge=0, le=10)
    # The three below default from cpu_threads / the vector flags (see the module docstring);
    # the plain defaults only stand when those fields are invalid, which is reported anyway.
    cpu_idle_w: float = Field(default=0.0, ge=0, le=10_000, description="CPU idle power, W.")
    cpu_max_w: float = Field(default=0.0, ge=0, le=10_000, description="CPU max power (TDP), W.")
    peak_gflops: PeakTable = Field(default_factory=dict, description="CPU peak, GFLOP/s.")
    peak_source: Literal["derived", "given"] = Field(
        default="derived", description="Of peak_gflops: derived = the nominal formula."
    )
    measured: MeasuredPeaks | None = Field(
        default=None, description="Measured GEMM peaks and bandwidth (None: not measured)."
    )
    notes: str = Field(default="", max_length=4000)

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        threads = data.get("cpu_threads")
        if isinstance(threads, int) and threads >= 1:
            data.setdefault("cpu_idle_w", round(DEFAULT_CPU_IDLE_W_PER_THREAD * threads, 2))
            data.setdefault("cpu_max_w", round(DEFAULT_CPU_MAX_W_PER_THREAD * threads, 2))
        if data.get("peak_gflops") is None:
            data["peak_gflops"] = _derived_peak(data)
            data["peak_source"] = "derived"
        elif isinstance(data["peak_gflops"], dict):
            data.setdefault("peak_source", "given")
            data["peak_gflops"] = _fill_precisions(data["peak_gflops"])
        return data

    @model_validator(mode="after")
    def _consistent(self) -> MachineSpec:
        if self.cpu_threads < self.cpu_cores:
            raise ValueError(
                f"cpu_threads ({self.cpu_threads}) must be >= cpu_cores ({self.cpu_cores})"
            )
        if self.cpu_max_w <= 0 or self.cpu_max_w < self.cpu_idle_w:
            raise ValueError(
                f"cpu_max_w ({self.cpu_max_w}) must be >= cpu_idle_w ({self.cpu_idle_w})"
            )
        if "fp32" not in self.peak_gflops:
            raise ValueError("peak_gflops must give at least fp32")
        if self.measured is not None and self.measured.threads > self.cpu_threads:
            raise ValueError(
                f"measured.threads ({self.measured.threads}) must be <= cpu_threads "
                f"({self.cpu_threads})"
            )
        return self

    def with_measured(self, measured: MeasuredPeaks) -> MachineSpec:
        """A copy holding ``measured`` (validated like a loaded spec)."""
        return MachineSpec.model_validate(self.to_dict() | {"measured": measured.model_dump()})

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (lists, not tuples), fields in declaration order."""
        return self.model_dump(mode="json")


def _derived_peak(data: dict[str, Any]) -> dict[str, float]:
    """Peak from the raw fields, or ``{}`` when they are invalid (their own errors report)."""
    try:
        return cpu_peak_gflops(
            [str(flag) for flag in data.get("cpu_flags") or ()],
            cores=int(data["cpu_cores"]),
            mhz=float(data["cpu_max_mhz"]),
            cpu_model=str(data.get("cpu_model", "")),
        )
    except (KeyError, TypeError, ValueError):
        return {"fp32": 0.0}


def _fill_precisions(given: dict[str, Any]) -> dict[str, Any]:
    """Precisions a given peak leaves out run as converted fp32: they get the fp32 figure."""
    if "fp32" not in given:
        return given
    return {name: given.get(name, given["fp32"]) for name in ("fp32", "fp16", "bf16", "int8")}


def load_machine(path: Path | str) -> MachineSpec:
    """Read a machine from YAML.

    Raises:
        UserError: unreadable file, invalid YAML, or a field that fails validation (one
            sentence per field, naming the file and the field).
    """
    path = Path(path)
    return validate(MachineSpec, read_mapping(path), str(path))


def save_machine(spec: MachineSpec, path: Path | str) -> Path:
    """Write ``spec`` as YAML; :func:`load_machine` reads back an equal spec."""
    path = Path(path)
    write_yaml(spec.to_dict(), path, header=f"Machine {spec.id} (Tourney MachineSpec).")
    return path


def load_machines(directory: Path | str) -> dict[str, MachineSpec]:
    """Every ``*.yaml`` machine in ``directory``, by id.

    Raises:
        UserError: a file is invalid, or two files give the same id.
    """
    specs: dict[str, MachineSpec] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        spec = load_machine(path)
        if spec.id in specs:
            raise UserError(
                f"{path}: field 'id': machine id {spec.id!r} is already defined "
                "by another file in the same directory."
            )
        specs[spec.id] = spec
    return specs
