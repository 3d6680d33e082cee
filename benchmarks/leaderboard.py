"""Time every leaderboard page on a database of 10,000 results (target: <= 2 s per page).

Seeds a temporary SQLite database with SYNTHETIC benchmark rows (teams ``synthetic-NN``,
machines ``synthetic-*``, rounds ``synthetic-r*``, environments marked ``synthetic``: clearly not
measurements, and never kept unless ``--keep`` is given), then renders each page with
Streamlit's AppTest and prints a table: a cold render (caches cleared, data loaded from the
database), a warm rerun (cached data) and a rerun after changing one widget.

Usage: ``python benchmarks/leaderboard.py [--results 10000] [--trials 300] [--keep PATH]``
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

# This script is named like the package it measures: keep its folder off the import path, so
# that `import leaderboard` (in the app) finds the package, not this file.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

TARGET_S = 2.0
APP = Path(__file__).resolve().parents[1] / "leaderboard" / "app.py"
NOTE = "SYNTHETIC benchmark data (benchmarks/leaderboard.py), not a measurement"

# Synthetic model of a configuration's figures: base p50 (ms), fp32 reference quality.
WORKLOADS = {
    ("digits-cnn", "small"): (0.02, 0.984, "top1_accuracy"),
    ("digits-cnn", "wide"): (0.05, 0.987, "top1_accuracy"),
    ("minilm-embed", "seq32"): (6.0, 1.0, "cosine_fidelity"),
    ("minilm-embed", "seq128"): (20.0, 1.0, "cosine_fidelity"),
}
RUNTIMES = {"torch": 1.8, "torch-compile": 1.3, "onnxruntime": 1.0}
QUANTIZATIONS = {  # speed factor, typical relative quality loss
    "fp32": (1.0, 0.0),
    "fp16": (1.3, 0.0005),
    "bf16": (2.5, 0.001),
    "int8-dynamic": (0.7, 0.006),
    "int8-static": (0.6, 0.015),
}
MACHINES = {  # speed factor, USD per hour
    "synthetic-cpu-a": (1.0, 0.10),
    "synthetic-cpu-b": (0.7, 0.25),
    "synthetic-cpu-c": (1.4, 0.05),
    "synthetic-gpu-a": (0.3, 1.20),
}
SCENARIOS = ("single-stream", "offline", "server")
ROUNDS = ("synthetic-r1", "synthetic-r2", "synthetic-r3", "synthetic-r4", "synthetic-r5")
STUDY = "synthetic-search"
RULES = {"min_queries": 300, "min_duration_s": 1.0, "note": NOTE}


COMBOS = [
    (wv, rt, q, b, m)
    for wv in WORKLOADS
    for rt in RUNTIMES
    for q in QUANTIZATIONS
    for b in range(1, 65)
    for m in MACHINES
]
"""Every synthetic configuration; an entry's is unique within its round (no two share runs)."""


def _entry(e: int, combo: int, round_name: str, trial: int | None) -> dict[str, Any]:
    """Entry ``e``: configuration ``COMBOS[combo]`` in ``round_name`` (a search trial when
    ``trial`` is given)."""
    (workload, variant), runtime, quant, batch, machine = COMBOS[combo]
    return {
        "e": e, "workload": workload, "variant": variant, "runtime": runtime,
        "quantization": quant, "machine": machine, "batch": batch, "round_name": round_name,
        "origin": "human" if trial is None else "search", "trial": trial,
        "team": "synthetic-search" if trial is not None else f"synthetic-{e % 40:02d}",
    }  # fmt: skip


def _submission(r: dict[str, Any]) -> Any:
    from tournament.schema.submission import Submission

    return Submission(
        team=r["team"], name=f"entry-{r['e']}", description=NOTE, workload=r["workload"],
        variant=r["variant"], runtime=r["runtime"], quantization=r["quantization"],
        batch_size=r["batch"], machine=r["machine"],
    )  # fmt: skip


def _result(r: dict[str, Any], scenario: str, rng: np.random.Generator) -> Any:
    """A synthetic :class:`~tournament.results.Result` of entry ``r`` under ``scenario``,
    built like a measured one (estimates labelled synthetic, priced by the one cost path)."""
    from tournament.cost import priced
    from tournament.results import Artifact, Estimate, Pricing, Provenance, Quality, Result

    base, reference, metric = WORKLOADS[(r["workload"], r["variant"])]
    speed, loss = QUANTIZATIONS[r["quantization"]]
    machine_speed, price = MACHINES[r["machine"]]
    batch = r["batch"]
    p50 = base * RUNTIMES[r["runtime"]] * speed * machine_speed * batch**0.8
    p50 *= float(rng.lognormal(0.0, 0.15))
    quality = reference * (1.0 - abs(float(rng.normal(loss, loss / 2 + 1e-4))))
    latencies = p50 * rng.lognormal(0.0, 0.12, 300)
    p90, p99 = (float(np.percentile(latencies, q)) for q in (90, 99))
    mean = float(latencies.mean())
    tput = 1000.0 * batch / p50 * (1.6 if scenario == "offline" else 1.0)
    energy = 4.0 * p50 / 1000.0

    def est(value: float, spread: float, unit: str) -> Estimate:
        return Estimate(value, value * (1 - spread), value * (1 + spread), unit=unit, method=NOTE)

    def estimated(value: float, unit: str) -> Estimate:
        method = f"estimate-tdp; {NOTE}"
        return Estimate(value, unit=unit, provenance=Provenance.ESTIMATED, method=method)

    figures = {
        "latency_p50_ms": est(p50, 0.02, "ms"),
        "latency_p90_ms": est(p90, 0.03, "ms"),
        "latency_p99_ms": est(p99, 0.05, "ms"),
        "latency_mean_ms": est(mean, 0.01, "ms"),
        "throughput_sps": est(tput, 0.02, "samples/s"),
        "energy_j": estimated(energy * 300, "J"),
        "energy_j_per_query": estimated(energy, "J"),
        "energy_j_per_sample": estimated(energy / batch, "J"),
        "avg_power_w": estimated(4.0, "W"),
        "gflops_per_s": est(1.7e5 * tput / 1e9, 0.02, "GFLOP/s"),
        "model_size_mb": Estimate(0.04, unit="MiB", method=NOTE),
        "peak_rss_mb": Estimate(400.0, unit="MiB", method=NOTE),
    }
    result = Result(
        scenario=scenario,
        rules=RULES,
        batch_size=batch,
        queries=300,
        samples=300 * batch,
        duration_s=float(latencies.sum()) / 1000,
        min_rules_met=True,
        quality=Quality(quality, metric, True, reference, 0.99, metric),
        figures=figures,
        flops_per_sample=1.7e5,
        artifact=Artifact("0" * 64, 41943, {"note": NOTE}),
        environment={"synthetic": True, "note": NOTE},
        power_source="estimate-tdp",
        latencies_ms=tuple(latencies.tolist()),
        power_trace=((0.0, 4.0), (0.5, 4.1), (1.0, 3.9)),
        extra={"synthetic": True},
    )
    return priced(result, Pricing(price, 0.15, 300.0, source=NOTE))


def entries(n_results: int, n_trials: int) -> list[dict[str, Any]]:
    """Enough entries for ``n_results`` results (one per scenario each): the first
    ``n_trials`` are search trials outside any round, the others spread over the rounds."""
    n = -(-n_results // len(SCENARIOS))
    order = np.random.default_rng(1).permutation(len(COMBOS))
    if -(-n // len(ROUNDS)) > len(COMBOS):
        raise SystemExit(f"--results: at most {len(COMBOS) * len(ROUNDS) * 3} results.")
    out = []
    for e in range(n):
        if e < n_trials:
            out.append(_entry(e, int(order[e]), "", e))
        else:
            k, j = (e - n_trials) % len(ROUNDS), (e - n_trials) // len(ROUNDS)
            out.append(_entry(e, int(order[j]), ROUNDS[k], None))
    return out


def seed(url: str, n_results: int, n_trials: int) -> None:
    """Fill a new database at ``url`` with ``n_results`` synthetic results and a study,
    through the store's own write path (entries one by one, runs queued per round and
    scenario, results with the bulk :meth:`~tournament.store.Store.record_results`)."""
    from tournament.store import Store

    rng = np.random.default_rng(0)
    rows = entries(n_results, n_trials)
    with Store(url) as store:
        for machine, (_, price) in MACHINES.items():
            store.upsert_machine(machine, {"id": machine, "note": NOTE}, price, 0.15)
        for name in ROUNDS:
            store.create_round(name, {"note": NOTE})
            store.set_round_status(name, "open")
        by_id = {}
        for r in rows:
            sub_id, _ = store.add_submission(
                _submission(r), round_name=r["round_name"], origin=r["origin"],
                study_name=STUDY if r["trial"] is not None else None, trial_number=r["trial"],
            )  # fmt: skip
            by_id[sub_id] = r
        runs = [
            run
            for scenario in SCENARIOS
            for round_name in ("", *ROUNDS)
            for run in store.queue_runs(scenario, RULES, round_name=round_name)
        ]
        tasks = {run.run_id: run for run in store.pending_runs()}
        results = []
        for run_id in sorted(runs)[:n_results]:
            task = tasks[run_id]
            results.append((run_id, _result(by_id[task.submission_id], task.scenario, rng)))
        ids = store.record_results(results)
        for k, name in enumerate(ROUNDS[:3]):
            frontiers = [f"{w}/{v}/{s}" for (w, v) in WORKLOADS for s in SCENARIOS]
            hv = {name: 0.5 + 0.1 * k for name in frontiers}
            store.set_round_status(name, "closed", ranking={"hypervolume": hv, "note": NOTE})
        for rid in ids[:20]:
            store.add_reproduction(rid, {"note": NOTE}, agrees=rid % 5 != 0)
    trials: dict[int, Any] = {}
    for run_id, result in results:
        trial = by_id[tasks[run_id].submission_id]["trial"]
        if trial is not None:
            trials.setdefault(trial, result)
    _study(url, trials)


def _study(url: str, results: dict[int, Any]) -> None:
    """The search study: one trial per search entry, its values those of one of its results."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        study_name=STUDY, storage=url, directions=["minimize", "maximize", "minimize"]
    )
    dist: dict[str, optuna.distributions.BaseDistribution] = {
        "batch_size": optuna.distributions.IntDistribution(1, 64, log=True)
    }
    trials = [
        optuna.trial.create_trial(
            params={"batch_size": r.batch_size},
            distributions=dist,
            values=[
                r.value(m) for m in ("latency_p99_ms", "throughput_sps", "cost_usd_per_million")
            ],
            system_attrs={"constraints": [0.0 if r.valid else 0.01]},
            user_attrs={"note": NOTE},
        )
        for _, r in sorted(results.items())
    ]
    study.add_trials(trials)


# Each page: (file in views/, a widget change to time: (kind, key, value)).
PAGES: list[tuple[str, tuple[str, str, Any] | None]] = [
    ("rounds", None),
    ("leaderboard", ("selectbox", "lb_workload", "minilm-embed")),
    ("leaderboard", ("selectbox", "lb_round", "(any)")),  # every result ranked at once
    ("pareto", ("selectbox", "px_y", "cost_usd_per_million")),
    ("entry", ("number_input", "entry_id", 1)),
    ("search", None),
    ("recommend", ("slider", "rec_ratio", 0.995)),
]


@contextmanager
def _timer(out: list[float]) -> Iterator[None]:
    start = time.perf_counter()
    yield
    out.append(time.perf_counter() - start)


def _check(at: Any, page: str) -> Any:
    if at.exception:
        raise RuntimeError(f"page {page} failed: {at.exception[0].message}")
    return at


def time_page(page: str, change: tuple[str, str, Any] | None) -> tuple[float, float, float | None]:
    """Cold, warm and after-a-change render times of one page, in seconds."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    st.cache_resource.clear()
    times: list[float] = []
    at = AppTest.from_file(str(APP), default_timeout=120)
    if page == "rounds":
        with _timer(times):
            _check(at.run(), page)
    else:
        at.run()
        st.cache_data.clear()
        st.cache_resource.clear()
        with _timer(times):
            _check(at.switch_page(f"views/{page}.py").run(), page)
    with _timer(times):
        _check(at.run(), page)
    if change is None:
        return times[0], times[1], None
    kind, key, value = change
    widget: Callable[..., Any] = getattr(at, kind)
    with _timer(times):
        _check(widget(key=key).set_value(value).run(), page)
    return times[0], times[1], times[2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=100_000)
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--keep", type=Path, help="Keep the seeded database at this path.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tourney-lb-bench-") as tmp:
        path = args.keep or Path(tmp) / "tourney.db"
        if path.exists():
            print(f"{path} exists; choose a new --keep path.", file=sys.stderr)
            return 2
        url = f"sqlite:///{path.resolve()}"
        start = time.perf_counter()
        seed(url, args.results, args.trials)
        size_mb = path.stat().st_size / 1e6
        print(
            f"seeded {args.results} synthetic results and {args.trials} trials "
            f"in {time.perf_counter() - start:.1f} s ({size_mb:.1f} MB)"
        )
        os.environ["TOURNEY_DB_URL"] = url
        time_page("rounds", None)  # imports, once per server process: not a page's cost
        print(
            f"AppTest render times, Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs (target <= {TARGET_S:.0f} s per page)"
        )
        print(f"{'page':<14}{'cold s':>9}{'warm s':>9}{'changed s':>11}  {'target':<8}changed")
        worst = 0.0
        for page, change in PAGES:
            cold, warm, changed = time_page(page, change)
            worst = max(worst, cold, warm, changed or 0.0)
            ok = max(cold, warm, changed or 0.0) <= TARGET_S
            what = f"{change[1]} -> {change[2]}" if change else "-"
            shown = f"{changed:>11.3f}" if changed is not None else f"{'-':>11}"
            print(
                f"{page:<14}{cold:>9.3f}{warm:>9.3f}{shown}  {'met' if ok else 'NOT met':<8}{what}"
            )
        print(f"slowest render: {worst:.3f} s ({'met' if worst <= TARGET_S else 'NOT met'})")
    return 0 if worst <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
