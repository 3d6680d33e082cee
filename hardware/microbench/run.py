"""Measure this host: every precision's GEMM and the triad, at 1 and N threads.

:func:`measure_host` always measures (a few seconds: about 0.3-0.5 s per precision, the triad
under a second, plus importing torch). :func:`host_peaks` reuses a measurement of this host
(same CPU model, threads and torch) kept in the cache (``TOURNEY_CACHE/microbench``) when it
is at most ``max_age_s`` old, else measures and keeps it; its ``measured_at`` says when.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from pydantic import ValidationError

from hardware.microbench.gemm import kernels, measure_gemm
from hardware.microbench.model import (
    MEASURED_PRECISIONS,
    GemmPeak,
    MeasuredPeaks,
    MeasuredPrecision,
    TriadBandwidth,
)
from hardware.microbench.triad import measure_triad


def measure_host(
    threads: int | None = None,
    *,
    precisions: Iterable[MeasuredPrecision] = MEASURED_PRECISIONS,
    triad: bool = True,
) -> MeasuredPeaks:
    """Measure this host now.

    Args:
        threads: N, the thread count of the N-thread figures (default: every CPU this process
            may run on).
        precisions: the GEMM precisions to measure.
        triad: whether to measure the triad bandwidth.

    A kernel that fails here is left out and its error recorded in ``skipped`` (its peak
    then falls back to the nominal formula); nothing is ever recorded as 0.
    """
    from hardware.detect import available_threads, read_cpuinfo

    threads = threads or available_threads()
    load = _load_avg()
    start = time.perf_counter()
    gemm: dict[MeasuredPrecision, GemmPeak] = {}
    skipped: dict[str, str] = {}
    table = kernels()
    for precision in precisions:
        try:
            gemm[precision] = measure_gemm(table[precision], threads)
        except Exception as exc:  # a kernel this torch build or CPU lacks
            skipped[precision] = _reason(exc)
    bandwidth: TriadBandwidth | None = None
    if triad:
        try:
            bandwidth = measure_triad(threads)
        except Exception as exc:
            skipped["triad"] = _reason(exc)
    return MeasuredPeaks(
        measured_at=datetime.now(UTC).isoformat(timespec="seconds"),
        cpu_model=read_cpuinfo()["model"],
        threads=threads,
        gemm=gemm,
        triad=bandwidth,
        skipped=skipped,
        load_avg_1m=load,
        duration_s=round(time.perf_counter() - start, 2),
        software=_software(),
    )


def host_peaks(max_age_s: float, threads: int | None = None) -> MeasuredPeaks:
    """A measurement of this host at most ``max_age_s`` old: from the cache, else measured
    now (and kept)."""
    from hardware.detect import available_threads, read_cpuinfo

    threads = threads or available_threads()
    path = _cache_path(read_cpuinfo()["model"], threads)
    kept = _read(path)
    if kept is not None and _age_s(kept) <= max_age_s:
        return kept
    fresh = measure_host(threads)
    _write(path, fresh)
    return fresh


def _cache_path(cpu_model: str, threads: int) -> Path:
    from tournament.config import cache_dir

    key = hashlib.sha256(f"{cpu_model}|{threads}|{_software()}".encode()).hexdigest()[:16]
    return cache_dir("microbench") / f"{key}.json"


def _read(path: Path) -> MeasuredPeaks | None:
    try:
        return MeasuredPeaks.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError):
        return None


def _write(path: Path, peaks: MeasuredPeaks) -> None:
    """Write atomically (another process may read or write the same file)."""
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(peaks.model_dump_json(), encoding="utf-8")
    os.replace(temporary, path)


def _age_s(peaks: MeasuredPeaks) -> float:
    try:
        when = datetime.fromisoformat(peaks.measured_at)
    except ValueError:
        return float("inf")
    return (datetime.now(UTC) - when).total_seconds()


def _load_avg() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def _software() -> str:
    try:
        return f"torch {metadata.version('torch')}"
    except metadata.PackageNotFoundError:
        return "torch not installed"


def _reason(exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}".splitlines()[0]
    return text[:300]
