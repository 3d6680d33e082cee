"""Latency distribution of one result: histogram and empirical CDF of the stored latencies.

Real latencies have long tails (a p50 of 13 us with a few queries held up for milliseconds):
when the slowest query is more than :data:`LOG_SPREAD` times the fastest, bins are spaced
logarithmically and charts use a log latency axis, so that the bulk and the tail both show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

LOG_SPREAD = 10.0
"""Above this max/min ratio, latency axes are logarithmic."""


@dataclass(frozen=True)
class Histogram:
    """Counts of latencies per bin; ``edges`` has one more element than ``counts``."""

    edges: list[float]
    counts: list[int]
    log_scale: bool = False

    @property
    def total(self) -> int:
        """How many latencies were binned."""
        return sum(self.counts)


@dataclass(frozen=True)
class Cdf:
    """Empirical CDF: ``fractions[i]`` of the queries took at most ``latencies_ms[i]``."""

    latencies_ms: list[float]
    fractions: list[float]
    log_scale: bool = False


def _log_scale(values: np.ndarray) -> bool:
    low, high = float(values.min()), float(values.max())
    return low > 0 and high / low > LOG_SPREAD


def latency_histogram(latencies_ms: Sequence[float], bins: int = 60) -> Histogram:
    """``bins`` bins (fewer for few values) over every latency; log-spaced for long tails."""
    values = np.asarray(latencies_ms, dtype=float)
    if values.size == 0:
        return Histogram([], [])
    n_bins = max(1, min(bins, values.size))
    log = _log_scale(values)
    edges = np.geomspace(values.min(), values.max(), n_bins + 1) if log else n_bins
    counts, edges = np.histogram(values, bins=edges)
    return Histogram([float(e) for e in edges], [int(c) for c in counts], log)


def latency_cdf(latencies_ms: Sequence[float], max_points: int = 2000) -> Cdf:
    """The empirical CDF, thinned to at most ``max_points`` steps (first and last kept)."""
    values = np.sort(np.asarray(latencies_ms, dtype=float))
    n = values.size
    if n == 0:
        return Cdf([], [])
    index = np.unique(np.linspace(0, n - 1, num=min(n, max_points)).round().astype(int))
    fractions = (index + 1) / n
    return Cdf([float(v) for v in values[index]], [float(f) for f in fractions], _log_scale(values))


def percentiles(latencies_ms: Sequence[float]) -> dict[str, float]:
    """p50, p90 and p99 of the stored latencies (empty dict when none were stored)."""
    values = np.asarray(latencies_ms, dtype=float)
    if values.size == 0:
        return {}
    return {f"p{q}": float(np.percentile(values, q)) for q in (50, 90, 99)}
