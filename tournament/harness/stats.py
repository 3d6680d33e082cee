"""Statistics of a :class:`QueryLog`: percentiles and throughput, each with a bootstrap 95% CI.

Method (documented in one place):

* **Percentiles** use numpy's default ``'linear'`` method (Hyndman-Fan type 7): with ``n``
  sorted values and ``h = (n - 1) q / 100``, the result interpolates between ranks
  ``floor(h)`` and ``floor(h) + 1``.
* **Bootstrap** intervals are percentile-bootstrap 95% intervals from ``resamples``
  replicates drawn from ``numpy.random.default_rng(seed)``; the same seed gives the same
  interval. Intervals are widened, if needed, to contain the point estimate.
* **Percentile replicates** are drawn from the *exact* bootstrap distribution of the order
  statistics, in O(resamples) rather than O(resamples x n): if a resample draws indices
  ``floor(n U_j)`` into the sorted data with ``U_j`` uniform, its k-th smallest index is
  ``floor(n U_(k))`` with ``U_(k) ~ Beta(k, n + 1 - k)``, and the next order statistic is
  ``U_(k+1) = U_(k) + (1 - U_(k)) W`` with ``W ~ Beta(1, n - k)``. This is the same
  distribution as resampling the whole array, at a fraction of the cost (100k latencies
  take milliseconds).
* **Mean replicates** resample an index matrix in chunks (bounded memory). When
  ``n x resamples`` exceeds :data:`RESAMPLE_BUDGET`, each replicate draws ``m < n`` values and
  its deviation from the point estimate is scaled by ``sqrt(m / n)`` (rescaled m-out-of-n
  bootstrap: the same variance as the full bootstrap of the mean).
* **Early stopping**: a percentile with fewer queries than MLPerf's rule asks for (64 for
  p90, 662 for p99: :mod:`tournament.harness.early_stopping`) is marked insufficient.
* **Throughput** is ``samples / duration``. Closed-loop scenarios (single-stream, offline):
  the CI bootstraps the ratio ``sum(samples) / sum(latencies)`` over queries and applies its
  relative spread to the measured throughput (it reflects the variability of service
  times) (:func:`closed_loop_throughput`). Open-loop arrivals (server): completions of a
  Poisson process, CI ``samples/duration x (1 +- 1.96 / sqrt(queries))``
  (:func:`poisson_throughput`). Each scenario picks its method in ``Scenario.figures``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tournament.harness.base import QueryLog
from tournament.harness.early_stopping import insufficiency
from tournament.results.estimate import Estimate, IntervalKind

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from tournament.harness.base import Rules, Scenario

CONFIDENCE = 0.95
RESAMPLE_BUDGET = 10_000_000
"""Most values drawn in total by one mean bootstrap (keeps 100k latencies well under 0.5 s)."""
CHUNK_VALUES = 2_000_000
"""Most values in one chunk of the index matrix (bounds memory to ~32 MB)."""
LATENCY_PERCENTILES = (50.0, 90.0, 99.0)
_Z = 1.959963984540054


def percentile(latencies: ArrayLike, q: float) -> float:
    """The ``q``-th percentile (0..100) with numpy's ``'linear'`` method; ValueError if empty."""
    values = np.asarray(latencies, dtype=np.float64)
    if values.size == 0:
        raise ValueError("percentile of an empty array")
    return float(np.percentile(values, q))


def percentile_replicates(
    latencies: ArrayLike, q: float, *, resamples: int, seed: int, presorted: bool = False
) -> np.ndarray:
    """Bootstrap replicates of the ``q``-th percentile (exact order-statistic sampling)."""
    values = np.asarray(latencies, dtype=np.float64)
    xs = values if presorted else np.sort(values)
    n = xs.shape[0]
    if n == 0:
        raise ValueError("bootstrap of an empty array")
    rng = np.random.default_rng(seed)
    h = (n - 1) * q / 100.0
    k0 = min(math.floor(h), n - 1)
    frac = h - k0
    u = rng.beta(k0 + 1, n - k0, size=resamples)
    low = xs[np.minimum((u * n).astype(np.int64), n - 1)]
    if frac <= 0.0 or k0 + 1 >= n:
        return low
    w = 1.0 - rng.random(resamples) ** (1.0 / (n - k0 - 1))
    u_next = u + (1.0 - u) * w
    high = xs[np.minimum((u_next * n).astype(np.int64), n - 1)]
    return low + frac * (high - low)


def mean_replicates(
    columns: Sequence[np.ndarray], *, resamples: int, seed: int
) -> tuple[list[np.ndarray], int]:
    """Means of the same resampled rows of each column, and the per-replicate draw count ``m``.

    All columns have length ``n``; ``m = n`` unless ``n x resamples`` exceeds
    :data:`RESAMPLE_BUDGET`. Deviations are *not* rescaled here (see :func:`rescale`).
    """
    n = int(columns[0].shape[0])
    m = max(1, min(n, RESAMPLE_BUDGET // resamples))
    rows = max(1, CHUNK_VALUES // m)
    rng = np.random.default_rng(seed)
    out = [np.empty(resamples, dtype=np.float64) for _ in columns]
    for start in range(0, resamples, rows):
        count = min(rows, resamples - start)
        idx = rng.integers(0, n, size=(count, m))
        for column, target in zip(columns, out, strict=True):
            target[start : start + count] = column[idx].mean(axis=1)
    return out, m


def rescale(replicates: np.ndarray, point: float, m: int, n: int) -> np.ndarray:
    """Scale m-out-of-n replicates' deviations from ``point`` by ``sqrt(m / n)``."""
    if m >= n:
        return replicates
    return point + math.sqrt(m / n) * (replicates - point)


def interval(point: float, replicates: np.ndarray, unit: str = "") -> Estimate:
    """The percentile-bootstrap interval of ``replicates``, widened to contain ``point``."""
    tail = (1.0 - CONFIDENCE) / 2.0 * 100.0
    low, high = np.percentile(replicates, [tail, 100.0 - tail])
    return Estimate(
        point,
        min(float(low), point),
        max(float(high), point),
        unit=unit,
        method=f"percentile bootstrap over queries, {replicates.shape[0]} resamples",
        interval=IntervalKind.WITHIN_RUN,
    )


def bootstrap_percentile(latencies: ArrayLike, q: float, *, resamples: int, seed: int) -> Estimate:
    """The ``q``-th percentile with its bootstrap 95% CI."""
    xs = np.sort(np.asarray(latencies, dtype=np.float64))
    reps = percentile_replicates(xs, q, resamples=resamples, seed=seed, presorted=True)
    return interval(float(np.percentile(xs, q)), reps, "ms")


def bootstrap_mean(latencies: ArrayLike, *, resamples: int, seed: int) -> Estimate:
    """The mean with its bootstrap 95% CI."""
    values = np.asarray(latencies, dtype=np.float64)
    if values.size == 0:
        raise ValueError("bootstrap of an empty array")
    (reps,), m = mean_replicates([values], resamples=resamples, seed=seed)
    point = float(values.mean())
    return interval(point, rescale(reps, point, m, values.shape[0]), "ms")


def latency_estimates(latencies_ns: ArrayLike, *, resamples: int, seed: int) -> dict[str, Estimate]:
    """``p50``, ``p90``, ``p99`` and ``mean`` of the latencies, in milliseconds, with CIs."""
    ms = np.sort(np.asarray(latencies_ns, dtype=np.float64)) / 1e6
    if ms.size == 0:
        raise ValueError("no latencies to summarize")
    out: dict[str, Estimate] = {}
    for q in LATENCY_PERCENTILES:
        reps = percentile_replicates(ms, q, resamples=resamples, seed=seed, presorted=True)
        found = interval(float(np.percentile(ms, q)), reps, "ms")
        out[f"p{q:g}"] = found.with_(insufficient=insufficiency(ms.size, q))
    out["mean"] = bootstrap_mean(ms, resamples=resamples, seed=seed)
    return out


def latency_figures(latencies_ns: ArrayLike, *, resamples: int, seed: int) -> dict[str, Estimate]:
    """:func:`latency_estimates` named as in the metric table (``latency_p90_ms`` ...)."""
    estimates = latency_estimates(latencies_ns, resamples=resamples, seed=seed)
    return {f"latency_{name}_ms": est for name, est in estimates.items()}


def closed_loop_throughput(log: QueryLog, *, resamples: int, seed: int) -> Estimate:
    """Samples per second of a closed-loop run, with a 95% CI (see the module docstring)."""
    point = _throughput_point(log)
    spq = log.samples_per_query.astype(np.float64)
    lat = log.latencies_ns.astype(np.float64)
    ratio = float(spq.sum() / lat.sum())
    if np.all(spq == spq[0]):
        (lat_means,), m = mean_replicates([lat], resamples=resamples, seed=seed)
        reps = spq[0] / lat_means
    else:
        (spq_means, lat_means), m = mean_replicates([spq, lat], resamples=resamples, seed=seed)
        reps = spq_means / lat_means
    reps = rescale(reps, ratio, m, log.queries)
    found = interval(point, reps * (point / ratio), "samples/s")
    return found.with_(method="bootstrap of samples / service time over queries")


def poisson_throughput(log: QueryLog) -> Estimate:
    """Samples per second of an open-loop (Poisson arrival) run: ``1 +- 1.96 / sqrt(n)``."""
    point = _throughput_point(log)
    half = _Z / math.sqrt(log.queries)
    return Estimate(
        point,
        max(0.0, point * (1.0 - half)),
        point * (1.0 + half),
        unit="samples/s",
        method="Poisson count interval, 1.96 / sqrt(queries)",
        interval=IntervalKind.WITHIN_RUN,
    )


def _throughput_point(log: QueryLog) -> float:
    if log.queries == 0 or log.duration_ns <= 0:
        raise ValueError("no queries to summarize")
    return log.samples / (log.duration_ns / 1e9)


@dataclass(frozen=True)
class Summary:
    """The figures of one timed run and its counts."""

    figures: dict[str, Estimate]
    queries: int
    samples: int
    duration_s: float
    min_rules_met: bool


def summarize(log: QueryLog, rules: Rules, scenario: Scenario | None = None) -> Summary:
    """The figures of ``log`` as its scenario computes them (``scenario`` defaults to the
    registered scenario named in the log), with the run's counts; ``min_rules_met`` is False
    when the log does not say."""
    if scenario is None:
        from tournament import harness

        scenario = harness.get(log.scenario)
    if log.queries == 0 or log.duration_ns <= 0:
        raise ValueError("no queries to summarize")
    return Summary(
        figures=scenario.figures(log, rules),
        queries=log.queries,
        samples=log.samples,
        duration_s=log.duration_ns / 1e9,
        min_rules_met=bool(log.extra.get("min_rules_met", False)),
    )
