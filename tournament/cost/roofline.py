"""The roofline inputs of a run: the peak for its precision and threads, the bandwidth, the bound.

Peak for a CPU run (a machine spec as a dict, a submission's configuration):

* threads ``t`` = ``runtime_options.intra_op_threads`` (the schema's default, 1, when absent).
* With a measured table (``machine["measured"]``, :mod:`hardware.microbench`) that has the
  precision: ``peak = g1 + (gN - g1) x (t - 1) / (N - 1)`` with ``t`` capped to ``[1, N]``
  (``g1``/``gN``: the 1- and N-thread measurements; ``N = 1`` gives ``gN``). bf16 and fp16 work
  may run converted to fp32 (as the nominal formula assumes), so their peak is the larger of
  their own and the fp32 figure; a precision not measured takes the nominal one.
* Else the nominal table (``peak_gflops``: the formula of :mod:`hardware.peak`, or given),
  which counts every physical core: scaled by ``min(t, cpu_cores) / cpu_cores`` when the spec
  gives ``cpu_cores``.
* A GPU run takes the first GPU's data-sheet peak.

Bandwidth: the measured triad GB/s interpolated the same way (CPU runs only; else unknown).

Bound: arithmetic intensity ``I = flops_per_sample / bytes_per_sample`` (FLOP/byte) with
``bytes_per_sample = model bytes / batch_size`` (the weights are read once per query; input
and output bytes are not recorded in a result, so ``I`` is an upper bound), against the
ridge point ``peak / bandwidth`` (FLOP/byte): ``compute`` when ``I >= ridge``, else
``memory``. Anything unknown leaves the judgement unknown (``None``), never 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from tournament.results.result import Pricing, Result

CONVERTIBLE_TO_FP32 = frozenset({"bf16", "fp16"})
"""Precisions whose work may run converted to fp32: their measured peak is at least fp32's."""

INTERPOLATION = "linear in threads between the 1- and N-thread measurements, capped at N"


def threads_of(config: Mapping[str, Any]) -> int:
    """The threads a configuration computes with (``intra_op_threads``; 1 when absent)."""
    options = config.get("runtime_options") or {}
    try:
        return max(1, int(options.get("intra_op_threads") or 1))
    except (TypeError, ValueError):
        return 1


def interpolate(at_1: float, at_n: float, n: int, threads: int) -> float:
    """The figure at ``threads`` between its 1-thread and ``n``-thread measurements."""
    if n <= 1:
        return at_n
    t = min(max(threads, 1), n)
    return at_1 + (at_n - at_1) * (t - 1) / (n - 1)


def measured_peak(
    measured: Mapping[str, Any], precision: str, threads: int
) -> tuple[float, str] | None:
    """``(GFLOP/s, label)`` from a measured table; None when it lacks ``precision``."""
    gemm = measured.get("gemm") or {}
    n = int(measured.get("threads") or 1)
    candidates = [precision] if precision in gemm else []
    if precision in CONVERTIBLE_TO_FP32 and precision in gemm and "fp32" in gemm:
        candidates.append("fp32")
    best: tuple[float, str] | None = None
    for name in candidates:
        row = gemm[name]
        value = interpolate(float(row["gflops_1"]), float(row["gflops_n"]), n, threads)
        if best is None or value > best[0]:
            note = "" if name == precision else f", {precision} work run as fp32"
            label = f"measured {row['kernel']}{note}, at {min(threads, n)} of {n} threads"
            best = (value, label)
    return best


def measured_bandwidth(measured: Mapping[str, Any] | None, threads: int) -> float | None:
    """Triad GB/s at ``threads`` from a measured table; None when there is none."""
    triad = (measured or {}).get("triad")
    if not triad:
        return None
    n = int((measured or {}).get("threads") or 1)
    return interpolate(float(triad["gb_s_1"]), float(triad["gb_s_n"]), n, threads)


def nominal_peak(
    machine: Mapping[str, Any], precision: str, threads: int, *, gpu: bool
) -> tuple[float, str] | None:
    """``(GFLOP/s, label)`` from the nominal table (the first GPU's on a GPU); None if absent."""
    if gpu:
        table = (machine.get("gpus") or [{}])[0].get("peak_gflops") or {}
        value = table.get(precision, table.get("fp32"))
        return (float(value), "GPU data sheet (hardware.peak.GPU_PEAKS)") if value else None
    table = machine.get("peak_gflops") or {}
    value = table.get(precision, table.get("fp32"))
    if not value:
        return None
    label = (
        "nominal, given in the machine spec"
        if machine.get("peak_source") == "given"
        else "nominal formula (hardware.peak)"
    )
    cores = machine.get("cpu_cores")
    if isinstance(cores, int) and cores > 1:
        used = min(max(threads, 1), cores)
        return float(value) * used / cores, f"{label}, scaled to {used} of {cores} cores"
    return float(value), label


@dataclass(frozen=True, slots=True)
class Bound:
    """Whether a run is compute- or memory-bound (``bound`` None: unknown, ``method`` says why).

    Units: ``arithmetic_intensity`` and ``ridge`` in FLOP/byte, ``bytes_per_sample`` in bytes.
    """

    bound: Literal["compute", "memory"] | None
    arithmetic_intensity: float | None
    ridge: float | None
    bytes_per_sample: float | None
    method: str

    def to_dict(self) -> dict[str, Any]:
        """Plain data (what ``result.extra["roofline"]`` holds)."""
        return {
            "bound": self.bound,
            "arithmetic_intensity": self.arithmetic_intensity,
            "ridge": self.ridge,
            "bytes_per_sample": self.bytes_per_sample,
            "method": self.method,
        }


def model_bytes(result: Result) -> float | None:
    """The bytes of the model timed: the artifact's, else the model-size figure's."""
    if result.artifact.bytes > 0:
        return float(result.artifact.bytes)
    size = result.figure("model_size_mb")
    return size.value * 2**20 if size is not None and size.value > 0 else None


def bound_of(result: Result, pricing: Pricing) -> Bound:
    """The compute/memory judgement of ``result`` at ``pricing`` (see the module docstring)."""
    weights = model_bytes(result)
    per_sample = weights / max(1, result.batch_size) if weights else None
    flops = result.flops_per_sample if result.flops_per_sample > 0 else None
    intensity = flops / per_sample if flops and per_sample else None
    peak, bandwidth = pricing.peak_gflops, pricing.bandwidth_gb_s
    ridge = peak / bandwidth if peak and bandwidth else None
    missing = [
        name
        for name, value in (
            ("model bytes", weights),
            ("flops_per_sample", flops),
            ("peak", peak),
            ("measured bandwidth", bandwidth),
        )
        if not value
    ]
    if intensity is None or ridge is None:
        return Bound(None, intensity, ridge, per_sample, f"unknown: no {', '.join(missing)}")
    verdict: Literal["compute", "memory"] = "compute" if intensity >= ridge else "memory"
    method = (
        f"intensity flops_per_sample / (model bytes / batch {result.batch_size}) = "
        f"{intensity:.3g} FLOP/B vs ridge {peak:g} GFLOP/s ({pricing.peak_source}) / "
        f"{bandwidth:.3g} GB/s = {ridge:.3g} FLOP/B; weights only (input/output bytes not "
        "recorded), so the intensity is an upper bound"
    )
    return Bound(verdict, intensity, ridge, per_sample, method)
