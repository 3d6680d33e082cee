"""Does the estimate meter's sampling thread disturb a timed loop?

Times a numpy matmul loop with ``perf_counter_ns`` with and without ``EstimateMeter`` active.
The two conditions are interleaved over an even number of repeats, alternating which goes
first (so warm-up and drift cancel), after one untimed warm-up loop. Prints the p50 of each
loop, the ratio meter-on / meter-off per repeat, the pooled ratio (p50 of all meter-on calls
over p50 of all meter-off calls) and the geometric mean of the per-repeat ratios, and the
system load (other processes make single repeats noisy). Target: pooled ratio within 1 %.

    .venv/bin/python benchmarks/power_sampling.py [--size 128] [--seconds 0.5] [--repeats 10]
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import time
from collections.abc import Callable

import numpy as np

from hardware.detect import detect_local
from hardware.power import EstimateMeter, SampledReading

TARGET = 0.01


def timed_loop(step: Callable[[], object], iterations: int) -> np.ndarray:
    """Per-call latencies in ns."""
    out = np.empty(iterations, dtype=np.int64)
    for i in range(iterations):
        began = time.perf_counter_ns()
        step()
        out[i] = time.perf_counter_ns() - began
    return out


def calibrate(step: Callable[[], object], seconds: float) -> int:
    """Iterations that take about ``seconds`` (after a short warm-up)."""
    timed_loop(step, 500)
    per_call = float(np.median(timed_loop(step, 500))) / 1e9
    return max(500, int(seconds / per_call))


def run(
    step: Callable[[], object], iterations: int, meter: EstimateMeter | None
) -> tuple[np.ndarray, SampledReading | None]:
    """One timed loop, inside ``meter.measure()`` when a meter is given."""
    context = meter.measure() if meter else contextlib.nullcontext(None)
    with context as reading:
        latencies = timed_loop(step, iterations)
    return latencies, reading


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=128, help="matrix side (float32)")
    parser.add_argument("--seconds", type=float, default=0.5, help="length of one timed loop")
    parser.add_argument("--repeats", type=int, default=10, help="pairs of loops (even)")
    parser.add_argument("--interval", type=float, default=0.1, help="meter sampling period, s")
    parser.add_argument("--blas-threads", type=int, default=1, help="BLAS threads (0: default)")
    args = parser.parse_args()

    from threadpoolctl import threadpool_limits

    limits = threadpool_limits(args.blas_threads) if args.blas_threads else None
    rng = np.random.default_rng(0)
    a = rng.standard_normal((args.size, args.size), dtype=np.float32)
    b = rng.standard_normal((args.size, args.size), dtype=np.float32)

    def step() -> object:
        return a @ b

    meter = EstimateMeter(detect_local(), interval_s=args.interval)
    iterations = calibrate(step, args.seconds)
    load_before = os.getloadavg()[0]
    print(
        f"numpy {args.size}x{args.size} float32 matmul, BLAS threads "
        f"{args.blas_threads or 'default'}, {iterations} calls per loop, meter interval "
        f"{args.interval * 1e3:g} ms, {args.repeats} interleaved repeats\n"
    )
    print("| repeat | first | p50 off (us) | p50 on (us) | ratio on/off | samples | us/sample |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    pooled: dict[bool, list[np.ndarray]] = {False: [], True: []}
    ratios = []
    for repeat in range(args.repeats):
        meter_first = repeat % 2 == 1
        p50: dict[bool, float] = {}
        reading: SampledReading | None = None
        for active in (meter_first, not meter_first):
            latencies, got = run(step, iterations, meter if active else None)
            reading = got or reading
            pooled[active].append(latencies)
            p50[active] = float(np.median(latencies)) / 1e3
        ratios.append(p50[True] / p50[False])
        samples = reading.samples if reading else 0
        cost = reading.sample_cost_us if reading else 0.0
        print(
            f"| {repeat} | {'on' if meter_first else 'off'} | {p50[False]:.2f} | "
            f"{p50[True]:.2f} | {ratios[-1]:.4f} | {samples} | {cost:.1f} |"
        )
    on, off = (float(np.median(np.concatenate(pooled[key]))) for key in (True, False))
    geomean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    verdict = "PASS" if abs(on / off - 1) <= TARGET else "FAIL"
    print(
        f"\npooled p50: off {off / 1e3:.2f} us, on {on / 1e3:.2f} us, ratio {on / off:.4f}; "
        f"geometric mean of repeat ratios {geomean:.4f} (range {min(ratios):.4f}-"
        f"{max(ratios):.4f}); load average {load_before:.2f} -> {os.getloadavg()[0]:.2f}"
    )
    print(f"target |pooled ratio - 1| <= {TARGET:.0%}: {verdict}")
    if limits is not None:
        limits.restore_original_limits()


if __name__ == "__main__":
    main()
