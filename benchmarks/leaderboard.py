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
import hashlib
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
BATCHES = (1, 2, 4, 8, 16, 32, 64)
ROUNDS = ("synthetic-r1", "synthetic-r2", "synthetic-r3", "synthetic-r4", "synthetic-r5")
STUDY = "synthetic-search"
RULES = {"min_queries": 300, "min_duration_s": 1.0, "note": NOTE}


def _row(i: int, rng: np.random.Generator) -> dict[str, Any]:
    """One synthetic configuration with its figures (see the module docstring)."""
    (workload, variant), (base, reference, metric) = list(WORKLOADS.items())[i % len(WORKLOADS)]
    runtime = str(rng.choice(list(RUNTIMES)))
    quant = str(rng.choice(list(QUANTIZATIONS)))
    machine = str(rng.choice(list(MACHINES)))
    batch = int(rng.choice(BATCHES))
    scenario = SCENARIOS[(i // len(WORKLOADS)) % len(SCENARIOS)]
    speed, loss = QUANTIZATIONS[quant]
    p50 = base * RUNTIMES[runtime] * speed * MACHINES[machine][0] * batch**0.8
    p50 *= float(rng.lognormal(0.0, 0.15))
    quality = reference * (1.0 - abs(float(rng.normal(loss, loss / 2 + 1e-4))))
    return {
        "i": i, "workload": workload, "variant": variant, "runtime": runtime,
        "quantization": quant, "machine": machine, "batch": batch, "scenario": scenario,
        "p50": p50, "quality": quality, "reference": reference, "metric": metric,
        "price": MACHINES[machine][1],
    }  # fmt: skip


def _submission(r: dict[str, Any], round_name: str, origin: str, trial: int | None) -> dict:
    config = {k: r[k] for k in ("workload", "variant", "runtime", "quantization", "machine")}
    config["batch_size"] = r["batch"]
    return {
        "id": r["i"] + 1,
        "config_hash": hashlib.sha256(f"synthetic-{r['i']}".encode()).hexdigest(),
        "round_name": round_name,
        "team": "synthetic-search" if origin == "search" else f"synthetic-{r['i'] % 40:02d}",
        "name": f"entry-{r['i']}",
        **{k: config[k] for k in ("workload", "variant", "runtime", "quantization", "machine")},
        "batch_size": r["batch"],
        "config": config,
        "document": {**config, "description": NOTE},
        "origin": origin,
        "study_name": STUDY if origin == "search" else None,
        "trial_number": trial,
    }


def _result(r: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """The ``results`` row of one synthetic result, built like a measured one: a
    :class:`~tournament.results.Result` of estimates (labelled synthetic), priced by the one
    cost path, turned into columns by the store's own mapping."""
    from tournament.cost import priced
    from tournament.results import Artifact, Estimate, Pricing, Provenance, Quality, Result
    from tournament.store.figures import result_columns

    p50, batch = r["p50"], r["batch"]
    latencies = p50 * rng.lognormal(0.0, 0.12, 300)
    p90, p99 = (float(np.percentile(latencies, q)) for q in (90, 99))
    mean = float(latencies.mean())
    tput = 1000.0 * batch / p50 * (1.6 if r["scenario"] == "offline" else 1.0)
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
        scenario=r["scenario"],
        rules=RULES,
        batch_size=batch,
        queries=300,
        samples=300 * batch,
        duration_s=float(latencies.sum()) / 1000,
        min_rules_met=True,
        quality=Quality(r["quality"], r["metric"], True, r["reference"], 0.99, r["metric"]),
        figures=figures,
        flops_per_sample=1.7e5,
        artifact=Artifact("0" * 64, 41943, {"note": NOTE}),
        environment={"synthetic": True, "note": NOTE},
        power_source="estimate-tdp",
        latencies_ms=tuple(latencies.tolist()),
        power_trace=((0.0, 4.0), (0.5, 4.1), (1.0, 3.9)),
        extra={"synthetic": True},
    )
    pricing = Pricing(r["price"], 0.15, 300.0, source=NOTE)
    columns = result_columns(priced(result, pricing))
    return {"id": r["i"] + 1, "run_id": r["i"] + 1, "submission_id": r["i"] + 1, **columns}


def seed(url: str, n_results: int, n_trials: int) -> None:
    """Fill a new database at ``url`` with ``n_results`` synthetic results and a study."""
    from sqlalchemy import insert

    from tournament.store import Store
    from tournament.store.engine import writer
    from tournament.store.models import ResultRow, RunRow, SubmissionRow

    rng = np.random.default_rng(0)
    rows = [_row(i, rng) for i in range(n_results)]
    search = [r for r in rows if r["i"] % 7 == 0][:n_trials]
    trial_of = {r["i"]: t for t, r in enumerate(search)}
    subs, runs, results = [], [], []
    for r in rows:
        trial = trial_of.get(r["i"])
        round_name = "" if trial is not None else ROUNDS[r["i"] % len(ROUNDS)]
        subs.append(_submission(r, round_name, "search" if trial is not None else "human", trial))
        runs.append(
            {
                "id": r["i"] + 1,
                "submission_id": r["i"] + 1,
                "round_name": round_name,
                "config_hash": subs[-1]["config_hash"],
                "scenario": r["scenario"],
                "rules": RULES,
                "rules_sha256": "0" * 64,
                "status": "done",
            }
        )
        results.append(_result(r, rng))
    with Store(url) as store:
        for machine, (_, price) in MACHINES.items():
            store.upsert_machine(machine, {"id": machine, "note": NOTE}, price, 0.15)
        for k, name in enumerate(ROUNDS):
            store.create_round(name, {"note": NOTE})
            if k < 3:
                frontiers = [f"{w}/{v}/{s}" for (w, v) in WORKLOADS for s in SCENARIOS]
                hv = {name: 0.5 + 0.1 * k for name in frontiers}
                store.set_round_status(name, "closed", ranking={"hypervolume": hv, "note": NOTE})
        with writer(store.engine).begin() as connection:
            connection.execute(insert(SubmissionRow), subs)
            connection.execute(insert(RunRow), runs)
            connection.execute(insert(ResultRow), results)
        for rid in range(1, 21):
            store.add_reproduction(rid, {"note": NOTE}, agrees=rid % 5 != 0)
    _study(url, [results[r["i"]] for r in search])


def _study(url: str, results: list[dict[str, Any]]) -> None:
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
            params={"batch_size": r["batch_size"]},
            distributions=dist,
            values=[r["latency_p99_ms"], r["throughput_sps"], r["cost_usd_per_million"]],
            system_attrs={"constraints": [0.0 if r["valid"] else 0.01]},
            user_attrs={"note": NOTE},
        )
        for r in results
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
    parser.add_argument("--results", type=int, default=10_000)
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
