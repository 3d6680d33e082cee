"""The peak microbenchmark: measured GEMM rates per precision and memory bandwidth.

A machine's nominal peak (:mod:`hardware.peak`) is an upper bound from a formula; this
package measures what the runtimes' own kernels reach on it (:mod:`.gemm`: fp32, bf16, int8)
and a STREAM-like triad's bandwidth (:mod:`.triad`), each at 1 thread and at all usable
threads, in a few seconds (:mod:`.run`). The result, :class:`MeasuredPeaks`, is stored with
the machine (``MachineSpec.measured``). torch is imported only when something is measured.
"""

from __future__ import annotations

from hardware.microbench.model import (
    MEASURED_PRECISIONS,
    GemmPeak,
    MeasuredPeaks,
    MeasuredPrecision,
    TriadBandwidth,
)
from hardware.microbench.run import host_peaks, measure_host

__all__ = [
    "MEASURED_PRECISIONS",
    "GemmPeak",
    "MeasuredPeaks",
    "MeasuredPrecision",
    "TriadBandwidth",
    "host_peaks",
    "measure_host",
]
