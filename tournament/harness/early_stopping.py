"""MLPerf's early-stopping rule for latency percentiles: how many queries a percentile needs.

A percentile of a run's latencies estimates the percentile of the latency *distribution*; with
few queries a high percentile is little more than the largest latency seen. LoadGen's rule
(``loadgen/early_stopping.cc``) asks for a conservative order statistic: with ``n`` queries,
the estimate of the ``p``-th quantile is the order statistic with ``t`` queries above it,
where ``t`` is the largest count for which

    P(Binomial(n, 1 - p) <= t) <= 1 - confidence,

i.e. the true quantile lies below that order statistic with probability ``confidence``
(0.99). The percentile is *sufficient* when such a ``t >= 1`` exists: the estimate is then
not the sample maximum. That needs 11 queries for p50, 64 for p90 and 662 for p99
(:func:`min_queries`). With fewer, Tourney still reports the percentile but marks it
insufficient (:attr:`~tournament.results.Estimate.insufficient`), and a result whose
primary metric is insufficient does not count.
"""

from __future__ import annotations

import math
from functools import lru_cache

CONFIDENCE = 0.99
"""LoadGen's confidence for early stopping."""
MIN_OVERLATENCY = 1
"""Queries that must lie above the conservative estimate (1: it is not the maximum)."""


def _binomial_cdf(t: int, n: int, q: float) -> float:
    """P(Binomial(n, q) <= t), summed in log space (n up to millions, t small or large)."""
    if t >= n:
        return 1.0
    log_q, log_r = math.log(q), math.log1p(-q)
    terms = [
        math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * log_q
        + (n - k) * log_r
        for k in range(t + 1)
    ]  # fmt: skip
    top = max(terms)
    return min(1.0, math.exp(top) * sum(math.exp(x - top) for x in terms))


def allowed_above(n: int, p: float, confidence: float = CONFIDENCE) -> int:
    """The largest ``t`` with P(Binomial(n, 1 - p) <= t) <= 1 - confidence, or -1 if none."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"percentile fraction must be in (0, 1), not {p}")
    if n < 1:
        return -1
    q, alpha = 1.0 - p, 1.0 - confidence
    if _binomial_cdf(0, n, q) > alpha:
        return -1
    low, high = 0, n - 1  # cdf(low) <= alpha; find the largest such t by bisection
    while low < high:
        mid = (low + high + 1) // 2
        if _binomial_cdf(mid, n, q) <= alpha:
            low = mid
        else:
            high = mid - 1
    return low


@lru_cache(maxsize=64)
def min_queries(p: float, confidence: float = CONFIDENCE) -> int:
    """The fewest queries for which the ``p``-quantile is sufficient (64 for 0.9)."""
    n = MIN_OVERLATENCY + 1
    while allowed_above(n, p, confidence) < MIN_OVERLATENCY:
        n = n * 2 if n < 16 else int(n * 1.25) + 1
    low, high = n // 2, n  # the smallest sufficient n lies in (n/2, n]: bisect
    while low < high:
        mid = (low + high) // 2
        if allowed_above(mid, p, confidence) >= MIN_OVERLATENCY:
            high = mid
        else:
            low = mid + 1
    return low


def insufficiency(queries: int, percentile: float) -> str:
    """Why the ``percentile`` (0..100) of ``queries`` latencies is insufficient, or ``""``."""
    need = min_queries(percentile / 100.0)
    if queries >= need:
        return ""
    return (
        f"{queries} queries; MLPerf's early-stopping rule needs at least {need} for a "
        f"p{percentile:g} at {CONFIDENCE:.0%} confidence"
    )
