"""Time Pareto fronts and non-domination ranks against Optuna's, on uniform random points.

For 1k / 10k / 100k points on 2, 3 and 4 objectives (uniform random floats, minimised), prints
a Markdown table: our front (``tournament.ranking.pareto.loss_front_mask``), Optuna's
``_is_pareto_front``, our ranks (``loss_ranks``), Optuna's ``_fast_non_domination_rank``, and
the ratios ours / Optuna, each the median of a few repeats in this one run. Optuna's ranks are
skipped where they would take more than ``--optuna-limit`` seconds (estimated from the size
before, as quadratic). Every measured result is checked equal to Optuna's. Then the targets
(100,000 points on 3 objectives: front <= 1 s, ranks <= 3 s; our front never slower than 2x
Optuna's) and the machine (CPU model, load average).

With ``--worst-cases``, also times (once, ours only) inputs that are worst cases for peeling or
for a plain sorted-list staircase: every point on the front, and one long chain.

Usage: ``python benchmarks/pareto.py [--sizes 1000 10000 100000] [--objectives 2 3 4]
[--worst-cases]``
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import optuna
from optuna.study._multi_objective import _fast_non_domination_rank, _is_pareto_front

from tournament.ranking.pareto import loss_front_mask, loss_ranks

FRONT_TARGET_S = 1.0
RANKS_TARGET_S = 3.0
MAX_FRONT_RATIO = 2.0
TARGET_SIZE, TARGET_OBJECTIVES = 100_000, 3


@dataclass
class Row:
    """Median seconds for one (objectives, size) cell; None where skipped."""

    objectives: int
    size: int
    front: float
    optuna_front: float
    ranks: float
    optuna_ranks: float | None
    skipped_note: str = ""


def timed(
    calls: list[Callable[[], np.ndarray]], repeats: int, budget_s: float
) -> list[tuple[float, np.ndarray]]:
    """Median wall time and result of each call, over up to ``repeats`` rounds (fewer past
    ``budget_s``); the calls alternate within a round, so that load changes hit all alike."""
    times: list[list[float]] = [[] for _ in calls]
    results = [np.empty(0) for _ in calls]
    while len(times[0]) < repeats and (not times[0] or sum(map(sum, times)) < budget_s):
        for i, call in enumerate(calls):
            start = time.perf_counter()
            results[i] = call()
            times[i].append(time.perf_counter() - start)
    return [(statistics.median(t), r) for t, r in zip(times, results, strict=True)]


def measure(
    loss: np.ndarray,
    repeats: int,
    budget_s: float,
    optuna_ranks_estimate: float | None,
    limit: float,
) -> Row:
    n, d = loss.shape
    (front, ours), (optuna_front, theirs) = timed(
        [partial(loss_front_mask, loss), partial(_is_pareto_front, loss, False)], repeats, budget_s
    )
    _check(np.array_equal(ours, theirs), "fronts")
    if optuna_ranks_estimate is not None and optuna_ranks_estimate > limit:
        [(ranks, _)] = timed([partial(loss_ranks, loss)], repeats, budget_s)
        note = f"skipped (est. {optuna_ranks_estimate:.0f} s)"
        return Row(d, n, front, optuna_front, ranks, None, note)
    (ranks, ours), (optuna_ranks, theirs) = timed(
        [partial(loss_ranks, loss), partial(_fast_non_domination_rank, loss)], repeats, budget_s
    )
    _check(np.array_equal(ours, theirs + 1), "ranks")
    return Row(d, n, front, optuna_front, ranks, optuna_ranks)


def _check(equal: bool, what: str) -> None:
    if not equal:
        raise SystemExit(f"our {what} differ from Optuna's")


def run(
    sizes: list[int], objectives: list[int], repeats: int, budget_s: float, limit: float
) -> list[Row]:
    rng = np.random.default_rng(0)
    rows: list[Row] = []
    for d in objectives:
        estimate: float | None = None
        for n in sorted(sizes):
            row = measure(rng.random((n, d)), repeats, budget_s, estimate, limit)
            rows.append(row)
            print(f"  measured {d} objectives x {n:,} points", flush=True)
            estimate = _next_estimate(row, sizes)
    return rows


def _next_estimate(row: Row, sizes: list[int]) -> float | None:
    """Optuna's ranks time on the next size up, assuming it grows quadratically."""
    larger = [s for s in sorted(sizes) if s > row.size]
    if not larger:
        return None
    if row.optuna_ranks is None:
        return float("inf")
    return row.optuna_ranks * (larger[0] / row.size) ** 2


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def table(rows: list[Row]) -> str:
    lines = [
        "| objectives | points | our front | Optuna front | ratio | our ranks | Optuna ranks"
        " | ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ranks_ratio = f"{r.ranks / r.optuna_ranks:.2f}" if r.optuna_ranks else "-"
        optuna_ranks = r.skipped_note or _seconds(r.optuna_ranks)
        lines.append(
            f"| {r.objectives} | {r.size:,} | {_seconds(r.front)} | {_seconds(r.optuna_front)}"
            f" | {r.front / r.optuna_front:.2f} | {_seconds(r.ranks)} | {optuna_ranks}"
            f" | {ranks_ratio} |"
        )
    return "\n".join(lines)


def verdicts(rows: list[Row]) -> list[str]:
    out = []
    for r in rows:
        if (r.objectives, r.size) == (TARGET_OBJECTIVES, TARGET_SIZE):
            out.append(_verdict(f"front of {r.size:,} x {r.objectives}", r.front, FRONT_TARGET_S))
            out.append(_verdict(f"ranks of {r.size:,} x {r.objectives}", r.ranks, RANKS_TARGET_S))
    worst = max(rows, key=lambda r: r.front / r.optuna_front)
    ratio = worst.front / worst.optuna_front
    met = "met" if ratio <= MAX_FRONT_RATIO else "NOT met"
    out.append(
        f"front never slower than {MAX_FRONT_RATIO:.0f}x Optuna's: worst ratio {ratio:.2f} "
        f"({worst.objectives} objectives, {worst.size:,} points): {met}"
    )
    return out


def _verdict(what: str, seconds: float, target: float) -> str:
    met = "met" if seconds <= target else "NOT met"
    return f"{what}: {_seconds(seconds)} (target <= {target:g} s): {met}"


def shapes(n: int, d: int) -> dict[str, np.ndarray]:
    """Inputs that are worst cases for peeling or for a plain sorted-list staircase."""
    rng = np.random.default_rng(1)
    t = rng.random(n)
    simplex = rng.random((n, d))
    return {
        "all on the front (t, -t, 0, ...)": np.column_stack([t, -t] + [np.zeros(n)] * (d - 2)),
        "all on the front (simplex)": simplex / simplex.sum(axis=1, keepdims=True),
        "one chain, n ranks (t, t, ...)": np.column_stack([t] * d),
    }


def worst_cases(n: int, objectives: list[int]) -> str:
    lines = ["| objectives | points | shape | our front | our ranks |", "|---|---|---|---|---|"]
    for d in objectives:
        for name, loss in shapes(n, d).items():
            [(front, _), (ranks, _)] = timed(
                [partial(loss_front_mask, loss), partial(loss_ranks, loss)], 1, 0.0
            )
            row = f"| {d} | {n:,} | {name} | {_seconds(front)} | {_seconds(ranks)} |"
            lines.append(row)
    return "\n".join(lines)


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    return (
        f"{model}, {os.cpu_count()} CPUs; Python {platform.python_version()}, "
        f"numpy {np.__version__}, optuna {optuna.__version__}"
    )


def load() -> str:
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--objectives", type=int, nargs="+", default=[2, 3, 4])
    parser.add_argument("--repeats", type=int, default=5, help="at most, per measurement")
    parser.add_argument("--budget", type=float, default=20.0, help="s of repeats per cell")
    parser.add_argument("--optuna-limit", type=float, default=60.0, help="skip Optuna's ranks")
    parser.add_argument(
        "--worst-cases", action="store_true", help="also time large fronts and long chains"
    )
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"load average at start: {load()}")
    rows = run(args.sizes, args.objectives, args.repeats, args.budget, args.optuna_limit)
    print(f"load average at end: {load()}")
    print()
    print(table(rows))
    print()
    for line in verdicts(rows):
        print(line)
    if args.worst_cases:
        print()
        print(worst_cases(max(args.sizes), args.objectives))
        print(f"load average after the worst cases: {load()}")


if __name__ == "__main__":
    main()
