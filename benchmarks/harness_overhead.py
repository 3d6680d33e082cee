"""Print the harness's own per-query overhead: single-stream with the null predictor vs a bare
timing loop, measured in one run (target: <= 2 us per query). Also prints the cost of the
statistics on 100k latencies (target: < 0.5 s).

Usage: ``python benchmarks/harness_overhead.py [--queries 20000] [--repeats 5]``
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

from tournament.harness.base import QueryLog, Rules
from tournament.harness.overhead import harness_overhead_ns
from tournament.harness.stats import summarize

TARGET_NS = 2_000.0
STATS_TARGET_S = 0.5


def _overhead_table(queries: int, repeats: int) -> bool:
    r = harness_overhead_ns(queries=queries, repeats=repeats)
    print(
        f"harness overhead: {queries} queries x {repeats} repeats (medians), "
        f"predictor {r['predictor']}, Python {platform.python_version()}"
    )
    print(f"{'loop':<38}{'wall ns/query':>14}{'p50 latency ns':>16}{'ratio':>8}")
    print(
        f"{'bare: 2 x perf_counter_ns + store':<38}{r['bare_loop_ns']:>14.0f}"
        f"{r['bare_latency_p50_ns']:>16.0f}{1.0:>8.2f}"
    )
    print(
        f"{'single-stream + NullPredictor':<38}{r['harness_loop_ns']:>14.0f}"
        f"{r['null_latency_p50_ns']:>16.0f}{r['ratio']:>8.2f}"
    )
    ok = r["overhead_ns"] <= TARGET_NS
    print(
        f"overhead per query: {r['overhead_ns']:.0f} ns (target <= {TARGET_NS:.0f} ns: "
        f"{'met' if ok else 'NOT met'}); bias added to each recorded latency: "
        f"{r['latency_bias_ns']:.0f} ns"
    )
    return ok


def _stats_table(resamples: int) -> bool:
    rng = np.random.default_rng(0)
    lat = (rng.lognormal(0.0, 0.5, 100_000) * 1e6).astype(np.int64)
    log = QueryLog(
        "single-stream",
        lat,
        np.ones(lat.size, dtype=np.int64),
        int(lat.sum()),
        {"min_rules_met": True},
    )
    rules = Rules(bootstrap_resamples=resamples)
    start = time.perf_counter()
    summarize(log, rules)
    seconds = time.perf_counter() - start
    ok = seconds < STATS_TARGET_S
    print(
        f"\nsummarize(100k latencies, {resamples} resamples): {seconds:.3f} s "
        f"(target < {STATS_TARGET_S} s: {'met' if ok else 'NOT met'})"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--resamples", type=int, default=1000)
    args = parser.parse_args()
    _overhead_table(args.queries, args.repeats)
    _stats_table(args.resamples)


if __name__ == "__main__":
    main()
