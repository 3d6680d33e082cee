"""Do the intervals hold up under repetition? One configuration measured as many results.

Measures one configuration (``--entry``, default digits-cnn small, ONNX Runtime fp32) as
``--results`` independent results (10), each of ``--runs`` runs (3, a fresh worker process
each), interleaved with another configuration (torch fp32): the
results differ only in the rules' seed, so the store keeps them apart, and every run is queued
and claimed interleaved (repeat 0 of every result and entry, then repeat 1...). Real
measurements on this machine, local backend, single-stream.

Prints, for the p50 latency and the throughput, and for two interval methods (the result's
interval over runs; the interval of a single run, i.e. each result's first run alone):

* coverage: how often a result's 95 % interval contains the median of the other results'
  values (target >= 90 %);
* apart: how many pairs of results of the same configuration have disjoint intervals, i.e.
  would be ranked apart (target 0).

Usage: ``python benchmarks/ci_coverage.py [--results 10] [--runs 3] [--quick]``
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "submissions" / "examples"
TARGET_COVERAGE = 0.90
FIGURES = ("latency_p50_ms", "throughput_sps")


def _rules(quick: bool, runs: int) -> dict[str, Any]:
    from tournament.harness import Rules

    base = Rules.quick() if quick else Rules(min_duration_s=2.0, min_queries=1024)
    return base.model_copy(update={"runs": runs}).model_dump(mode="json")


def measure(n_results: int, runs: int, quick: bool, db: Path) -> list[Any]:
    """Queue and measure everything; the stored per-run records."""
    from rich.console import Console

    from tournament.runner.driver import Driver
    from tournament.runner.session import machine_specs, make_backend, work_items
    from tournament.schema.validate import load_submission
    from tournament.store import Store

    store = Store(f"sqlite:///{db}")
    for name in ("digits-ort-fp32", "digits-torch-fp32"):
        store.add_submission(load_submission(EXAMPLES / f"{name}.yaml"))
    for seed in range(n_results):
        store.queue_runs("single-stream", {**_rules(quick, runs), "seed": seed}, repeats=runs)
    tasks = store.pending_runs()
    items = work_items(store, machine_specs(store, {"local"}), tasks)
    backend = make_backend("local", None, {"local"})
    console = Console(stderr=True)
    start = time.perf_counter()
    try:
        summary = Driver(store, backend, max_attempts=2).run(items)
    finally:
        backend.close()
    console.print(
        f"{len(items)} runs in {time.perf_counter() - start:.0f} s, failed {len(summary.failed)}"
    )
    return store.results()


def _stats(values: list[float], intervals: list[tuple[float, float]]) -> tuple[float, int]:
    covered = 0
    for i, (low, high) in enumerate(intervals):
        others = values[:i] + values[i + 1 :]
        covered += low <= statistics.median(others) <= high
    apart = sum(
        1
        for (a_low, a_high), (b_low, b_high) in itertools.combinations(intervals, 2)
        if a_high < b_low or b_high < a_low
    )
    return covered / len(intervals), apart


def report(records: list[Any], config_hash: str) -> list[tuple[str, str, float, int, int]]:
    from tournament.store.aggregates import aggregated

    ours = [r for r in records if r.entry.config_hash == config_hash]
    results = aggregated(ours)
    singles = {r.result.rules["seed"]: r for r in sorted(ours, key=lambda r: -r.result_id)}
    rows = []
    for name in FIGURES:
        for method, chosen in (("over runs", results), ("one run", list(singles.values()))):
            figures = [r.figure(name) for r in chosen]
            known = [f for f in figures if f is not None and f.has_interval]
            values = [f.value for f in known]
            coverage, apart = _stats(values, [f.bounds() for f in known])
            rows.append((name, method, coverage, apart, len(known)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="Quick rules (64 queries, 0.2 s).")
    args = parser.parse_args()
    from tournament.fingerprint import cpu_info
    from tournament.schema.validate import load_submission

    target = load_submission(EXAMPLES / "digits-ort-fp32.yaml").config_hash
    with tempfile.TemporaryDirectory(prefix="tourney-ci-coverage-") as tmp:
        load0 = os.getloadavg()[0]
        records = measure(args.results, args.runs, args.quick, Path(tmp) / "tourney.db")
        load1 = os.getloadavg()[0]
    rows = report(records, target)
    print(
        f"CI coverage: digits-cnn small onnxruntime fp32, single-stream, {args.results} results "
        f"x {args.runs} runs, interleaved with another entry; {cpu_info()['cpu_model']}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, load {load0:.2f} -> "
        f"{load1:.2f}, {'quick' if args.quick else 'full'} rules"
    )
    print(f"{'figure':<16}{'interval':<11}{'coverage':>9}  {'target':<8}{'apart':>6}  {'n':>3}")
    ok = True
    for name, method, coverage, apart, n in rows:
        met = coverage >= TARGET_COVERAGE and apart == 0
        ok &= met or method == "one run"
        verdict = "met" if met else "NOT met"
        print(f"{name:<16}{method:<11}{coverage:>8.0%}  {verdict:<8}{apart:>6}  {n:>3}")
    print("targets: coverage >= 90 % and 0 pairs apart, for intervals over runs")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
