"""Measured against nominal peaks per precision and threads, and the triad bandwidth.

Runs :func:`hardware.microbench.measure_host` (the microbenchmark ``tourney machines
register`` and ``measure`` run) ``--runs`` times in this process and prints, for fp32, bf16
and int8 at 1 thread and at N threads: the nominal formula's peak (:mod:`hardware.peak`,
scaled to the cores the threads use, as the cost model scales it), the best measured figure
over the runs, their ratio, the kernel, and the ridge point (peak / bandwidth, FLOP/byte);
then the triad GB/s, the CPU model, the load average before and after, and the time one
microbenchmark takes. All figures of one table come from the same process; other work on
the machine lowers them (read them with the load).

    .venv/bin/python benchmarks/peaks.py [--runs 3] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import time

from hardware.detect import available_threads, detect_local
from hardware.microbench import MeasuredPeaks, measure_host


def best(runs: list[MeasuredPeaks], precision: str, attribute: str) -> float | None:
    """The largest figure over ``runs`` (None when no run measured it)."""
    values = [getattr(r.gemm[precision], attribute) for r in runs if precision in r.gemm]
    return max(values) if values else None


def best_triad(runs: list[MeasuredPeaks], attribute: str) -> float | None:
    values = [getattr(r.triad, attribute) for r in runs if r.triad is not None]
    return max(values) if values else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="microbenchmark runs (best kept)")
    parser.add_argument("--threads", type=int, default=available_threads(), help="N")
    args = parser.parse_args()
    spec = detect_local()
    load_before = os.getloadavg()
    started = time.perf_counter()
    runs = [measure_host(args.threads) for _ in range(args.runs)]
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()
    n = args.threads
    print(
        f"CPU: {spec.cpu_model} ({spec.cpu_cores} cores, {spec.cpu_threads} threads, "
        f"flags {' '.join(spec.cpu_flags)}, max {spec.cpu_max_mhz:g} MHz); {runs[0].software}"
    )
    print(
        f"load average 1/5/15 min: before {load_before[0]:.2f}/{load_before[1]:.2f}/"
        f"{load_before[2]:.2f}, after {load_after[0]:.2f}/{load_after[1]:.2f}/"
        f"{load_after[2]:.2f}; {args.runs} runs in {elapsed:.1f} s "
        f"({', '.join(f'{r.duration_s:.1f}' for r in runs)} s each, torch import excluded)"
    )
    bandwidth = {1: best_triad(runs, "gb_s_1"), n: best_triad(runs, "gb_s_n")}
    print()
    print(
        "| precision | threads | nominal GFLOP/s | measured GFLOP/s | measured / nominal "
        "| ridge FLOP/B | kernel (n) |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    for precision in ("fp32", "bf16", "int8"):
        kernel = next((r.gemm[precision] for r in runs if precision in r.gemm), None)
        counts = ((1, "gflops_1"), (n, "gflops_n")) if n > 1 else ((1, "gflops_1"),)
        for threads, attribute in counts:
            cores = min(threads, spec.cpu_cores)
            nominal = spec.peak_gflops[precision] * cores / spec.cpu_cores
            measured = best(runs, precision, attribute)
            ratio = f"{measured / nominal:.2f}" if measured else "-"
            width = bandwidth.get(threads)
            ridge = f"{measured / width:.2f}" if measured and width else "-"
            name = f"{kernel.kernel} ({kernel.size})" if kernel else "not measured"
            shown = f"{measured:.1f}" if measured else "-"
            print(
                f"| {precision} | {threads} | {nominal:.1f} | {shown} | {ratio} | {ridge} "
                f"| {name} |"
            )
    triad = runs[0].triad
    if triad is not None:
        print()
        print(
            f"triad ({triad.kernel}, 3 x {triad.array_mib:g} MiB arrays, LLC "
            f"{triad.llc_mib} MiB, 24 B/element): {bandwidth[1]:.1f} GB/s at 1 thread, "
            f"{bandwidth[n]:.1f} GB/s at {n} threads (best of {args.runs} runs)"
        )
    for r in runs:
        if r.skipped:
            print(f"skipped: {r.skipped}")


if __name__ == "__main__":
    main()
