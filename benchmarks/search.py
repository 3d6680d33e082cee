"""Hypervolume of the exhaustive grid vs Optuna vs random search, at equal budget.

On a digits-cnn space (256 configurations: both variants, runtimes torch and onnxruntime, every
quantization they accept, per-channel int8 or not, graph optimization basic/all, 1-2 threads,
batch 1/4/16/64), each search method gets a budget of 25 % of the grid's evaluations; its
hypervolume (objectives normalised between the ideal and nadir points of the grid's Pareto
front, reference 1.1 on each axis) is compared with the grid's, median over seeds.

The searches REPLAY measurements: the grid was measured once, for real, with quick rules
through the platform's own search (``--measure``: sampler ``grid``, local backend, one run per
configuration), and cached in ``benchmarks/data/search_digits_grid.json``. The replay runs the
real search loop (same space, samplers, constraint handling, duplicate rule) but looks the
results up in that table instead of measuring again.

Usage:
    python benchmarks/search.py [--seeds 10] [--fraction 0.25] [--samplers tpe,nsga2,random,gp]
    python benchmarks/search.py --measure    # re-measure the grid (about 30 min on 2 cores)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tournament.search import pareto
from tournament.search.derive import SpaceSpec
from tournament.search.evaluation import Outcome, accuracy_constraint
from tournament.search.loop import SearchLoop
from tournament.search.objectives import parse_objectives
from tournament.search.replay import ReplayEvaluator, Table, load_table, row_ratio
from tournament.search.samplers import make_sampler
from tournament.search.storage import study_directions

TABLE = Path(__file__).parent / "data" / "search_digits_grid.json"
OBJECTIVES = ("throughput_sps", "latency_p99_ms", "energy_j_per_query")
MIN_QUALITY_RATIO = 0.99
SPACE = SpaceSpec(
    runtimes=("torch", "onnxruntime"),
    batch_sizes=(1, 4, 16, 64),
    threads=(1, 2),
    graph_optimizations=("basic", "all"),
    calibration_methods=("minmax",),
)
TARGET_RATIO = 0.90
TARGET_FRACTION = 0.25


def measure_grid(path: Path) -> None:
    """Measure every configuration of the space once through the real search; write the table."""
    from tournament.search import RunOptions, SearchSettings, run_search

    home = Path(tempfile.mkdtemp(prefix="tourney-search-grid-"))
    os.environ["TOURNEY_HOME"] = str(home)
    settings = SearchSettings(
        workload="digits-cnn",
        objectives=OBJECTIVES,
        min_quality_ratio=MIN_QUALITY_RATIO,
        space=SPACE,
        full_rules=None,
    )
    options = RunOptions(trials=10_000, sampler="grid", seed=0, backend="local", promote=False)
    start = time.perf_counter()
    run_search(settings, options, study_name="grid", progress=_print_progress)
    print(f"measured in {time.perf_counter() - start:.0f} s")
    write_table(f"sqlite:///{home / 'tourney.db'}", path)


def write_table(url: str, path: Path, study_name: str = "grid") -> None:
    """Write the table of a finished grid study in the database at ``url``."""
    from tournament.search.storage import load_study

    study, settings, space = load_study(url, study_name)
    trials = [
        t
        for t in study.get_trials(deepcopy=False)
        if t.state.is_finished() and "duplicate_of" not in t.user_attrs
    ]
    starts = [t.datetime_start for t in trials if t.datetime_start]
    ends = [t.datetime_complete for t in trials if t.datetime_complete]
    rows = [_table_row(t.user_attrs) for t in trials]
    table: dict[str, Any] = {
        "about": "digits-cnn grid, measured once with quick rules through `tourney search "
        "--sampler grid --backend local`; replayed by benchmarks/search.py",
        "machine": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "measured_s": round((max(ends) - min(starts)).total_seconds(), 1),
        "rules": settings.screening_rules,
        "space": space.model_dump(mode="json"),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ",\n".join(json.dumps(row, sort_keys=True) for row in rows)
    head = json.dumps(table, sort_keys=True)[:-1]
    path.write_text(f'{head}, "rows": [\n{lines}\n]}}\n')  # one configuration per line
    print(f"wrote {len(trials)} measured configurations to {path}")


def _table_row(attrs: dict[str, Any]) -> dict[str, Any]:
    return {
        key: attrs.get(key)
        for key in (
            "config_hash",
            "config",
            "metrics",
            "quality",
            "reference_quality",
            "quality_ratio",
            "error",
        )
    }


def _print_progress(event: str, number: int, text: str) -> None:
    if event in {"told", "failed"}:
        print(f"trial {number} {event}: {text}", flush=True)


@dataclass(frozen=True)
class RunResult:
    """One method on one seed: evaluations spent, hypervolume after each (front bounds), and
    the final share of the grid's hypervolume under all-points bounds."""

    evaluations: int
    history: list[float]
    wide_share: float

    def share(self, grid_hv: float) -> float:
        return (self.history[-1] if self.history else 0.0) / grid_hv

    def evals_to(self, target: float) -> int | None:
        return next((i + 1 for i, hv in enumerate(self.history) if hv >= target), None)


class Scorer:
    """Normalised hypervolumes of found points against the grid (see ``pareto``).

    Primary: bounds from the ideal and nadir of the grid's feasible Pareto front, reference
    1.1. Secondary (``wide``): bounds from all feasible grid points, shown for transparency:
    there a few very slow configurations stretch the axes and every reasonable point sits next
    to the ideal, so even a handful of random trials score close to 100 %.
    """

    def __init__(self, table: Table, objectives: tuple[str, ...], ratio: float) -> None:
        self.maximize = [o.maximize for o in parse_objectives(objectives)]
        self.objectives = objectives
        self.ratio = ratio
        feasible = [self.point(row) for row in table.rows.values() if self.feasible(row)]
        loss = pareto.losses(feasible, self.maximize)
        self.front = pareto.Normalizer.of_front(loss)
        self.wide = pareto.Normalizer(loss)
        self.grid_hv = self.hypervolume(feasible)
        self.grid_wide_hv = self.hypervolume(feasible, self.wide)
        self.grid_feasible = len(feasible)
        self.front_size = int(pareto.nondominated(loss).sum())

    def feasible(self, row: dict[str, Any]) -> bool:
        value = accuracy_constraint(Outcome(quality_ratio=row_ratio(row)), self.ratio)
        return (
            not row.get("error")
            and value is not None
            and value <= 0
            and all((row.get("metrics") or {}).get(o) is not None for o in self.objectives)
        )

    def point(self, row: dict[str, Any]) -> list[float]:
        return [float(row["metrics"][o]) for o in self.objectives]

    def hypervolume(
        self, points: list[list[float]], scale: pareto.Normalizer | None = None
    ) -> float:
        if not points:
            return 0.0
        return pareto.hypervolume((scale or self.front)(pareto.losses(points, self.maximize)))


def run_method(table: Table, scorer: Scorer, sampler: str, seed: int, budget: int) -> RunResult:
    """One replayed search; the hypervolume after each evaluation."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        study_name=f"replay-{sampler}-{seed}",
        directions=study_directions(scorer.objectives),
        sampler=make_sampler(sampler, seed=seed, trials=budget),
    )
    evaluator = ReplayEvaluator(table.rows)
    loop = SearchLoop(
        study,
        table.space,
        evaluator,
        objectives=scorer.objectives,
        min_quality_ratio=scorer.ratio,
        grid=sampler == "grid",
        grid_seed=seed,
    )
    loop.run(budget, parallel=1)
    found: list[list[float]] = []
    history = []
    for trial in study.get_trials(deepcopy=False):
        if "duplicate_of" in trial.user_attrs or not trial.state.is_finished():
            continue
        row = table.rows[trial.user_attrs["config_hash"]]
        if scorer.feasible(row):
            found.append(scorer.point(row))
        history.append(scorer.hypervolume(found))
    wide = scorer.hypervolume(found, scorer.wide) / scorer.grid_wide_hv
    return RunResult(evaluator.evaluations, history, wide)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", action="store_true", help="re-measure the grid first")
    parser.add_argument("--table", type=Path, default=TABLE)
    parser.add_argument(
        "--from-db",
        metavar="URL",
        help="rebuild the table from the grid study of this database (after --measure stopped)",
    )
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--fraction", type=float, default=TARGET_FRACTION)
    parser.add_argument("--samplers", default="tpe,nsga2,random", help="also: gp (slow), grid")
    args = parser.parse_args()
    if args.measure:
        measure_grid(args.table)
    elif args.from_db:
        write_table(args.from_db, args.table)
    table = load_table(args.table)
    scorer = Scorer(table, OBJECTIVES, MIN_QUALITY_RATIO)
    budget = math.floor(len(table.rows) * args.fraction)
    _header(table, scorer, args.table, budget, args.seeds)
    results: dict[str, list[RunResult]] = {}
    for sampler in args.samplers.split(","):
        start = time.perf_counter()
        results[sampler] = [
            run_method(table, scorer, sampler, seed, budget) for seed in range(args.seeds)
        ]
        _print_row(sampler, results[sampler], scorer, time.perf_counter() - start)
    _verdict(results, scorer, budget / len(table.rows))


def _header(table: Table, scorer: Scorer, path: Path, budget: int, seeds: int) -> None:
    about = table.about
    print(
        f"search benchmark: digits-cnn, {len(table.rows)} configurations "
        f"({scorer.grid_feasible} feasible, {scorer.front_size} on the Pareto front), "
        f"objectives {', '.join(scorer.objectives)}, constraint quality_ratio >= "
        f"{scorer.ratio:g} (quality / fp32 reference), scenario offline"
    )
    print(
        f"REPLAYED trials: every search looks its results up in {path.name}, measured once "
        f"({about.get('measured_s')} s, quick rules) on {about.get('machine')} "
        f"({about.get('cpu_count')} CPUs); nothing is measured again here."
    )
    print(
        f"budget {budget} distinct evaluations ({budget / len(table.rows):.0%} of the grid), "
        f"median over {seeds} seeds (0..{seeds - 1}); hypervolume normalised between the ideal "
        f"and nadir of the grid's front, reference 1.1 ('wide %': bounds from all points)"
    )
    print(
        f"{'method':<8}{'evals':>7}{'HV median':>11}{'% of grid':>11}{'min %':>8}"
        f"{'max %':>8}{'wide %':>8}{'evals to 90%':>15}{'time s':>8}"
    )
    print(
        f"{'grid':<8}{len(table.rows):>7}{scorer.grid_hv:>11.4f}{100.0:>11.1f}{100.0:>8.1f}"
        f"{100.0:>8.1f}{100.0:>8.1f}{'-':>15}{'-':>8}"
    )


def _print_row(name: str, runs: list[RunResult], scorer: Scorer, seconds: float) -> None:
    shares = [100 * r.share(scorer.grid_hv) for r in runs]
    hvs = [r.history[-1] if r.history else 0.0 for r in runs]
    wide = statistics.median(100 * r.wide_share for r in runs)
    reach = [r.evals_to(TARGET_RATIO * scorer.grid_hv) for r in runs]
    reached = [n for n in reach if n is not None]
    to90 = f"{statistics.median(reached):g} ({len(reached)}/{len(runs)})" if reached else "never"
    print(
        f"{name:<8}{statistics.median(r.evaluations for r in runs):>7g}"
        f"{statistics.median(hvs):>11.4f}{statistics.median(shares):>11.1f}{min(shares):>8.1f}"
        f"{max(shares):>8.1f}{wide:>8.1f}{to90:>15}{seconds:>8.1f}"
    )


def _verdict(results: dict[str, list[RunResult]], scorer: Scorer, fraction: float) -> None:
    if "tpe" not in results:
        return
    tpe = statistics.median(r.share(scorer.grid_hv) for r in results["tpe"])
    met = tpe >= TARGET_RATIO and fraction <= TARGET_FRACTION
    print(
        f"target: Optuna (tpe, the default sampler) reaches >= {TARGET_RATIO:.0%} of the grid's "
        f"hypervolume with <= {TARGET_FRACTION:.0%} of its evaluations: "
        f"{'met' if met else 'NOT met'} ({tpe:.1%} with {fraction:.0%})"
    )
    if "random" in results:
        rnd = statistics.median(r.share(scorer.grid_hv) for r in results["random"])
        print(
            f"target: Optuna (tpe) beats random search at equal budget: "
            f"{'met' if tpe > rnd else 'NOT met'} ({tpe:.1%} vs {rnd:.1%})"
        )


def _cpu_model() -> str:
    from hardware.detect import read_cpuinfo

    return str(read_cpuinfo().get("model") or platform.machine())


if __name__ == "__main__":
    main()
