"""Theoretical peak arithmetic throughput of a CPU, derived from its vector extensions.

Formula (per precision, GFLOP/s; one fused multiply-add counts as 2 operations)::

    peak = lanes x ops_per_lane x fma_units x cores x clock_GHz

* ``lanes``: fp32 lanes of the widest vector unit: 16 with ``avx512f``, 8 with ``avx``/``avx2``,
  4 otherwise (SSE, or 128-bit NEON on Arm). AMD CPUs (Zen 4/5) run 512-bit instructions as two
  256-bit halves on most parts, so for AMD the width is capped at 8 lanes.
* ``ops_per_lane``: 2 with ``fma`` (or ``avx512f``, which includes FMA), else 1.
* ``fma_units``: assumed 2 per core. True for the AVX2 server cores of the last decade (Intel
  Haswell onwards, AMD Zen 2 onwards) and for Xeon Gold/Platinum AVX-512 parts; AMD Zen 1 and
  some low-end Xeons have less, so for them this is an upper bound.
* ``cores``: physical cores (hyper-threads share the vector units). ``clock``: the maximum clock
  reported; wide-vector code often runs below it, another reason the peak is an upper bound.

Lower precisions count only when the CPU has native instructions for them; otherwise the work
is converted to fp32 and the peak equals fp32:

* ``int8``: with VNNI (``avx512_vnni``/``avx_vnni``, ``vpdpbusd``: 4 int8 multiply-adds per
  32-bit lane) 4 x fp32. Without VNNI the ``vpmaddubsw``/``vpmaddwd``/``vpaddd`` sequence is
  assumed to reach 2 x fp32 (an assumption: it does 4 multiply-adds per 32-bit lane in three
  instructions). With AMX (``amx_int8``): 2048 int8 ops per cycle per core (Intel's figure).
* ``bf16``: ``avx512_bf16`` (``vdpbf16ps``: 2 multiply-adds per fp32 lane) 2 x fp32; AMX
  (``amx_bf16``) 1024 ops per cycle per core.
* ``fp16``: ``avx512_fp16`` (32 fp16 lanes per 512-bit vector) 2 x fp32; AMX (``amx_fp16``)
  1024 ops per cycle per core. F16C only converts, so without these fp16 = fp32.

GPU peaks come from the vendor's data sheet (dense tensor-core figures, no sparsity) through
:data:`GPU_PEAKS`, keyed by a substring of the device name.
"""

from __future__ import annotations

from collections.abc import Iterable

PRECISIONS = ("fp32", "fp16", "bf16", "int8")
"""The precisions a peak is given for."""

VECTOR_FLAGS = (
    "sse4_2",
    "avx",
    "avx2",
    "fma",
    "f16c",
    "avx512f",
    "avx512bw",
    "avx512vl",
    "avx512_vnni",
    "avx512_bf16",
    "avx512_fp16",
    "avx_vnni",
    "amx_tile",
    "amx_bf16",
    "amx_int8",
    "amx_fp16",
    "asimd",
    "asimdhp",
    "asimddp",
    "bf16",
    "i8mm",
    "sve",
    "sve2",
)
"""The CPU flags that matter for inference speed (x86 and Arm names); a MachineSpec keeps these."""

FMA_UNITS_PER_CORE = 2
"""Assumed vector FMA units per core (see the module docstring)."""

AMX_INT8_OPS_PER_CYCLE = 2048
AMX_16BIT_OPS_PER_CYCLE = 1024

GPU_PEAKS: dict[str, dict[str, float]] = {
    # NVIDIA data sheets, dense (no structured sparsity), GFLOP/s; int8 in GOP/s.
    "H100 SXM": {"fp32": 67_000, "fp16": 989_000, "bf16": 989_000, "int8": 1_979_000},
    "H100 PCIe": {"fp32": 51_000, "fp16": 756_000, "bf16": 756_000, "int8": 1_513_000},
    "H100": {"fp32": 67_000, "fp16": 989_000, "bf16": 989_000, "int8": 1_979_000},
    "H200": {"fp32": 67_000, "fp16": 989_000, "bf16": 989_000, "int8": 1_979_000},
    "A100": {"fp32": 19_500, "fp16": 312_000, "bf16": 312_000, "int8": 624_000},
    # A10G (AWS): no public data sheet; assumed equal to the A10.
    "A10G": {"fp32": 31_200, "fp16": 125_000, "bf16": 125_000, "int8": 250_000},
    "A10": {"fp32": 31_200, "fp16": 125_000, "bf16": 125_000, "int8": 250_000},
    "L40S": {"fp32": 91_600, "fp16": 362_000, "bf16": 362_000, "int8": 733_000},
    "L4": {"fp32": 30_300, "fp16": 121_000, "bf16": 121_000, "int8": 242_000},
    "T4": {"fp32": 8_100, "fp16": 65_000, "bf16": 8_100, "int8": 130_000},
    "V100": {"fp32": 15_700, "fp16": 125_000, "bf16": 15_700, "int8": 62_800},
}
"""Peak throughput of common NVIDIA GPUs by name fragment; the longest matching key wins."""


def cpu_peak_gflops(
    flags: Iterable[str], *, cores: int, mhz: float, cpu_model: str = ""
) -> dict[str, float]:
    """Peak GFLOP/s (GOP/s for int8) of ``cores`` physical cores at ``mhz``.

    Args:
        flags: CPU feature flags as in ``/proc/cpuinfo`` (lower case).
        cores: physical cores used.
        mhz: clock in MHz (the maximum reported).
        cpu_model: model name; used to cap the vector width on AMD CPUs.

    Returns:
        ``{"fp32", "fp16", "bf16", "int8"} -> GFLOP/s``, rounded to 0.1.
    """
    have = {flag.lower() for flag in flags}
    per_cycle = per_core_per_cycle(have, amd="amd" in cpu_model.lower())
    ghz_cores = cores * mhz / 1000.0
    return {name: round(ops * ghz_cores, 1) for name, ops in per_cycle.items()}


def per_core_per_cycle(flags: set[str], *, amd: bool = False) -> dict[str, float]:
    """Operations per core per cycle, per precision (see the module docstring)."""
    lanes = fp32_lanes(flags, amd=amd)
    ops_per_lane = 2 if ("fma" in flags or "avx512f" in flags) else 1
    fp32 = float(lanes * ops_per_lane * FMA_UNITS_PER_CORE)
    int8 = fp32 * (4 if ("avx512_vnni" in flags or "avx_vnni" in flags) else 2)
    bf16 = fp32 * 2 if "avx512_bf16" in flags else fp32
    fp16 = fp32 * 2 if "avx512_fp16" in flags else fp32
    if "amx_int8" in flags:
        int8 = max(int8, AMX_INT8_OPS_PER_CYCLE)
    if "amx_bf16" in flags:
        bf16 = max(bf16, AMX_16BIT_OPS_PER_CYCLE)
    if "amx_fp16" in flags:
        fp16 = max(fp16, AMX_16BIT_OPS_PER_CYCLE)
    return {"fp32": fp32, "fp16": fp16, "bf16": bf16, "int8": int8}


def fp32_lanes(flags: set[str], *, amd: bool = False) -> int:
    """fp32 lanes of the widest vector unit (AMD capped at 256 bits)."""
    if "avx512f" in flags and not amd:
        return 16
    if "avx" in flags or "avx2" in flags or "avx512f" in flags:
        return 8
    return 4


def gpu_peak_gflops(name: str) -> dict[str, float]:
    """Data-sheet peak of a GPU by name (longest matching key of :data:`GPU_PEAKS`); ``{}`` if
    the model is not in the table."""
    matches = [key for key in GPU_PEAKS if key.lower() in name.lower()]
    if not matches:
        return {}
    return dict(GPU_PEAKS[max(matches, key=len)])
