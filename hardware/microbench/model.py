"""What the microbenchmark measured: frozen, typed values, serialisable with ``model_dump``.

Units: GFLOP/s (GOP/s for int8), GB/s (1e9 bytes per second), MiB for array sizes. Every
figure is a measurement on the host named by ``cpu_model`` at ``measured_at``; a precision
that could not be measured is absent from ``gemm`` (its reason in ``skipped``), never 0.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MeasuredPrecision = Literal["fp32", "bf16", "int8"]
MEASURED_PRECISIONS: tuple[MeasuredPrecision, ...] = ("fp32", "bf16", "int8")
"""The precisions the GEMM microbenchmark measures."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GemmPeak(_Frozen):
    """One precision's square GEMM (``size`` x ``size`` x ``size``, 2 x size^3 operations),
    best of ``reps`` timed calls, at 1 thread and at the measurement's ``threads``."""

    kernel: str = Field(min_length=1, max_length=200, description="The kernel timed.")
    size: int = Field(ge=1, le=65_536, description="Matrix dimension n.")
    reps: int = Field(ge=1, le=1000, description="Timed calls per thread count (best kept).")
    gflops_1: float = Field(gt=0, allow_inf_nan=False, description="GFLOP/s at 1 thread.")
    gflops_n: float = Field(gt=0, allow_inf_nan=False, description="GFLOP/s at N threads.")


class TriadBandwidth(_Frozen):
    """A STREAM-like triad ``a = b + s x c`` on arrays well beyond the last-level cache.

    Bandwidth counts ``bytes_per_element`` (3 arrays x 8 bytes for float64: two read, one
    written; no write-allocate traffic, as STREAM counts) per element per call.
    """

    kernel: str = Field(min_length=1, max_length=200)
    array_mib: float = Field(gt=0, description="Size of each of the three arrays, MiB.")
    llc_mib: float | None = Field(default=None, gt=0, description="Last-level cache, MiB.")
    bytes_per_element: int = Field(default=24, ge=1, le=64)
    reps: int = Field(ge=1, le=1000)
    gb_s_1: float = Field(gt=0, allow_inf_nan=False, description="GB/s at 1 thread.")
    gb_s_n: float = Field(gt=0, allow_inf_nan=False, description="GB/s at N threads.")


class MeasuredPeaks(_Frozen):
    """A machine's measured GEMM peaks per precision and triad bandwidth, at 1 and N threads.

    ``load_avg_1m`` is the host's 1-minute load average when the measurement started (other
    work running then lowers the figures; read them with it).
    """

    measured_at: str = Field(min_length=1, max_length=40, description="ISO 8601, UTC.")
    cpu_model: str = Field(min_length=1, max_length=128)
    threads: int = Field(ge=1, le=8192, description="N: the threads of the N-thread figures.")
    gemm: dict[MeasuredPrecision, GemmPeak] = Field(default_factory=dict)
    triad: TriadBandwidth | None = None
    skipped: dict[str, str] = Field(default_factory=dict, description="What failed, and why.")
    load_avg_1m: float | None = Field(default=None, ge=0)
    duration_s: float = Field(ge=0, description="Wall time of the whole microbenchmark.")
    software: str = Field(default="", max_length=200, description="e.g. torch version.")
