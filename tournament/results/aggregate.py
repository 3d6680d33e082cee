"""Repeats are the unit of evidence: one result from N independent runs of one configuration.

A run's own intervals (bootstrap over its queries) see only query-to-query spread; two runs of
one configuration in fresh processes differ by far more (placement, frequency, caches, other
load). So a result is the aggregate of the runs of one configuration under one scenario and
rules (``rules.runs`` of them, fresh worker process each, interleaved with the other entries):

* each figure is the **mean of the runs' values**, with a **95 % Student-t interval over the
  runs** (interval kind ``between-runs``): it covers run-to-run variance, and with three runs
  it is honestly wide (t = 4.30). Positive figures (latencies, throughput, energy, cost: all
  but a few) vary multiplicatively and cannot be negative, so their interval is taken on the
  log scale, ``mean x/ exp(t(0.975, N - 1) x s_log / sqrt(N))`` (``s_log``: the standard
  deviation of the runs' logarithms); a figure with a value <= 0 in some run gets the plain
  ``mean +- t x s / sqrt(N)``;
* each run's own value and within-run interval are kept (:func:`per_run`, in
  ``extra["per_run"]``) as the secondary figure;
* runs may differ in their seed (a round's seeds x repeats), nothing else of their rules;
* counts (queries, samples, duration) add up; the minimum rules must hold in every run; the
  quality is the worst run's (the evaluation is deterministic, so they agree); a percentile is
  insufficient when any run's is; the contention is the most contended run's (with every
  run's share, so validity says how many were contended) and the speed index the one of the
  largest drift (likewise); the discarded contended attempts of every run are kept.

One run is returned as it is (its interval stays ``within-run``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from tournament.results.estimate import Estimate, IntervalKind, Provenance
from tournament.results.result import Result

MIN_RUNS = 3
"""Runs a result needs before its intervals cover run-to-run variance (the default rules)."""

# Two-sided 95 % Student-t quantiles t(0.975, df) for df = 1..30 (beyond: the normal's 1.96
# is within 4 % from df 30 on; interpolation is not needed for a bound this loose).
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def t975(df: int) -> float:
    """The 97.5 % quantile of Student's t with ``df`` degrees of freedom (df >= 1)."""
    if df < 1:
        raise ValueError("a t interval needs at least two values")
    return _T975[df - 1] if df <= len(_T975) else 1.959964


def between_runs(values: Sequence[float], unit: str, like: Estimate) -> Estimate:
    """The mean of ``values`` with its 95 % t interval over runs, labelled like ``like``."""
    n = len(values)
    mean = math.fsum(values) / n
    if all(v > 0 for v in values):
        # Positive figures (times, rates, energies) vary multiplicatively: the t interval is
        # taken on their logarithms and applied to the mean as a factor, so it stays positive.
        logs = [math.log(v) for v in values]
        centre = math.fsum(logs) / n
        sd = math.sqrt(math.fsum((x - centre) ** 2 for x in logs) / (n - 1))
        factor = math.exp(min(t975(n - 1) * sd / math.sqrt(n), 700.0))
        low, high = mean / factor, mean * factor
        method = f"mean of {n} runs; 95 % t interval over runs on the log scale (df {n - 1})"
    else:
        sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
        half = t975(n - 1) * sd / math.sqrt(n)
        low, high = mean - half, mean + half
        method = f"mean of {n} runs; 95 % t interval over runs (df {n - 1})"
    if like.method:
        method += f"; each run: {like.method}"
    return Estimate(
        mean,
        low,
        high,
        unit=unit,
        provenance=like.provenance,
        method=method,
        interval=IntervalKind.BETWEEN_RUNS,
    )


def per_run(results: Sequence[Result]) -> list[dict[str, Any]]:
    """Each run's figures (value, within-run interval), in run order: the secondary figures."""
    return [
        {name: [est.value, est.ci_low, est.ci_high] for name, est in r.figures.items()}
        for r in results
    ]


def aggregate(results: Sequence[Result]) -> Result:
    """The result of ``results``: independent runs of one configuration, scenario and rules.

    Raises:
        ValueError: no results, or runs of different scenarios, rules or batch sizes.
    """
    if not results:
        raise ValueError("no runs to aggregate")
    first = results[0]
    if len(results) == 1:
        return first
    for other in results[1:]:
        if _identity(other) != _identity(first):
            raise ValueError("runs of different scenarios, rules or batch sizes")
    figures = {}
    for name, est in first.figures.items():
        found = [r.figures.get(name) for r in results]
        values = [f.value for f in found if f is not None]
        if len(values) != len(results) or not all(math.isfinite(v) for v in values):
            continue  # a figure some run lacks is unknown for the result
        if any(f.has_interval for f in found if f is not None) or len(set(values)) > 1:
            # The runs' spread is the evidence, whether or not each run had an interval
            # (energy and power come without one).
            merged = between_runs(values, est.unit, est)
        else:  # the same in every run (quality ratio, model size): exact, no interval invented
            merged = est.with_(value=values[0])
        if any(f.provenance is Provenance.ESTIMATED for f in found if f is not None):
            merged = merged.with_(provenance=Provenance.ESTIMATED)
        reasons = [f.insufficient for f in found if f is not None and f.insufficient]
        figures[name] = merged.with_(insufficient=reasons[0] if reasons else "")
    worst = min(results, key=lambda r: r.quality.ratio if r.quality.ratio is not None else -1.0)
    shas = sorted({r.artifact.sha256 for r in results})
    extra = {
        "runs": len(results),
        "per_run": per_run(results),
        "per_run_queries": [r.queries for r in results],
    }
    if len(shas) > 1:
        extra["artifacts_differ"] = shas
    samples = [r.extra.get("contention") or {} for r in results]
    measured = [c for c in samples if c.get("measured")]
    if measured:  # the result is as contended as its most contended run
        extra["contention"] = max(measured, key=lambda c: c.get("foreign_cpu_share", 0.0))
        extra["per_run_contention"] = [c.get("foreign_cpu_share") for c in samples]
    extra.update(_speed_indices(results))
    attempts = [a for r in results for a in r.extra.get("contention_attempts") or []]
    if attempts:
        extra["contention_attempts"] = attempts
    return replace(
        first,
        queries=sum(r.queries for r in results),
        samples=sum(r.samples for r in results),
        duration_s=math.fsum(r.duration_s for r in results),
        min_rules_met=all(r.min_rules_met for r in results),
        quality=worst.quality,
        figures=figures,
        latencies_ms=tuple(x for r in results for x in r.latencies_ms),
        extra={**dict(first.extra), **extra},
    )


def _speed_indices(results: Sequence[Result]) -> dict[str, Any]:
    """The speed index of the run of the largest drift, and every run's drift."""
    indices = [r.extra.get("speed_index") or {} for r in results]
    known = [i for i in indices if i.get("drift") is not None]
    if not known:
        return {}
    return {
        "speed_index": max(known, key=lambda i: abs(float(i["drift"]))),
        "per_run_speed_drift": [i.get("drift") for i in indices],
    }


def _identity(result: Result) -> tuple[str, dict[str, Any], int]:
    """What the runs of one result share: scenario, rules (the seed aside), batch size."""
    rules = {k: v for k, v in result.rules.items() if k != "seed"}
    return result.scenario, rules, result.batch_size


def runs_of(result: Result) -> int:
    """How many runs ``result`` aggregates (1 for a single run)."""
    return int(result.extra.get("runs", 1))
