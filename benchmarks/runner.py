"""Per-run overhead of dispatching a benchmark (local subprocess, Ray) vs measuring in-process.

The same tiny configuration (digits-cnn small, ONNX Runtime fp32, short rules) is measured
``--runs`` times three ways: in this process (``measure``), through the local backend (one
spawned process per run) and through Ray (an embedded local cluster; one fresh worker process per
task). Model preparation is a cache hit after the first run and is reported separately, as is the
Ray cluster's start-up. Overhead per run = wall time per run - in-process wall time per run.
Target (issue #3): Ray dispatch overhead <= 0.3 s per run, excluding model preparation.

Usage: ``python benchmarks/runner.py [--runs 5]``. Uses a temporary TOURNEY_HOME.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from typing import Any

RULES = {
    "warmup_queries": 5,
    "warmup_s": 0.0,
    "min_duration_s": 0.3,
    "min_queries": 100,
    "max_duration_s": 5.0,
    "bootstrap_resamples": 200,
}


def doc(i: int) -> dict[str, Any]:
    # Distinct configurations (batch sizes differ) so each is its own submission and run.
    return {
        "team": "bench",
        "name": f"run{i}",
        "workload": "digits-cnn",
        "variant": "small",
        "runtime": "onnxruntime",
        "quantization": "fp32",
        "batch_size": 1 + i,
    }


def in_process(runs: int) -> tuple[float, float, float]:
    from tournament.runner.measure import measure

    measure(doc(0), "single-stream", RULES)  # warm the caches (training, export)
    walls, inside, prepares = [], [], []
    for i in range(runs):
        t0 = time.perf_counter()
        m = measure(doc(i), "single-stream", RULES)
        walls.append(time.perf_counter() - t0)
        inside.append(sum(m["extra"]["phases_s"].values()))
        prepares.append(m["extra"]["phases_s"]["prepare_s"])
    return statistics.mean(walls), statistics.mean(inside), statistics.mean(prepares)


def through_backend(
    kind: str, runs: int, *, reuse: bool = False
) -> tuple[float, float, float, list[float]]:
    """(wall per run, startup s, worker time per run, prepare s per run) through a backend."""
    from tournament.runner.session import execute, make_backend
    from tournament.schema.validate import parse_submission
    from tournament.store import Store

    with tempfile.TemporaryDirectory() as home:
        os.environ["TOURNEY_HOME"] = home
        store = Store()
        for i in range(runs):
            store.add_submission(parse_submission(doc(i)))
        t0 = time.perf_counter()
        backend = make_backend(kind, None, {"local"}, reuse_workers=reuse)
        startup = time.perf_counter() - t0
        try:
            t0 = time.perf_counter()
            summary = execute(store, scenario="single-stream", rules=RULES, backend_obj=backend)
            wall = (time.perf_counter() - t0) / runs
        finally:
            backend.close()
        assert len(summary.done) == runs, summary.failed
        phases = [store.result(r.result_id).result.extra["phases_s"] for r in store.results()]
    inside = statistics.mean(sum(p.values()) for p in phases)
    return wall, startup, inside, [p["prepare_s"] for p in phases]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from tournament.fingerprint import cpu_info

    print(f"machine: {cpu_info()['cpu_model']}, {os.cpu_count()} CPUs; {args.runs} runs each")
    base, base_inside, base_prep = in_process(args.runs)
    rows = [["in-process", f"{base:.3f}", "-", f"{base_inside:.3f}", f"{base_prep:.3f}", "-", "-"]]
    for label, kind, reuse in (
        ("local", "local", False),
        ("ray", "ray", False),
        ("ray --reuse-workers", "ray", True),
    ):
        wall, startup, inside, prepares = through_backend(kind, args.runs, reuse=reuse)
        prep = statistics.mean(prepares)
        excl = (wall - prep) - (base - base_prep)
        rows.append(
            [
                label,
                f"{wall:.3f}",
                f"{startup:.2f}",
                f"{inside:.3f}",
                f"{prep:.3f}",
                f"{wall - base:+.3f}",
                f"{excl:+.3f}",
            ]
        )
    print(
        "\n| path | wall s per run | backend start-up s | worker measure s per run | "
        "of which prepare s | overhead s per run | overhead excluding preparation |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(
        "\nThe overhead includes the fresh worker process (interpreter start, imports of torch "
        "and onnxruntime), Ray scheduling and result transfer; target for Ray <= 0.3 s."
    )


if __name__ == "__main__":
    main()
