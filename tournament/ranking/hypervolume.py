"""Hypervolume: the volume of objective space a set of points dominates, up to a reference.

Exact for any number of objectives: 2-D by a sweep (O(n log n)), 3-D by HV3D, a sweep on the
third objective keeping the dominated area of a 2-D staircase (O(n log n) bisections), more by
WFG (exact; exponential in the worst case, fine for the fronts of tens to hundreds of points
that rounds and searches hold). This is the project's one implementation; losses go in
through :func:`loss_hypervolume` (``tournament.search`` uses it).

The reference point is fixed per round so that hypervolumes compare across rounds: a round
spec may set it per workload (``workloads.W.hypervolume_reference``); each objective it does
not set takes its :data:`REFERENCE` default below. A point that is not strictly better than
the reference in every objective adds nothing.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from tournament.ranking._nondominated import front, greedy_front, unique_lexsorted
from tournament.ranking.pareto import as_loss

REFERENCE: dict[str, float] = {
    "latency_p50_ms": 1000.0,
    "latency_p90_ms": 1000.0,
    "latency_p99_ms": 1000.0,
    "latency_mean_ms": 1000.0,
    "throughput_sps": 0.0,
    "quality_ratio": 0.0,
    "energy_j_per_query": 100.0,
    "energy_j_per_sample": 100.0,
    "avg_power_w": 1000.0,
    "cost_usd_per_million": 1000.0,
    "energy_cost_usd_per_million": 1000.0,
    "gflops_per_s": 0.0,
    "roofline_fraction": 0.0,
    "model_size_mb": 10_000.0,
    "peak_rss_mb": 100_000.0,
}
"""Default reference (the worst value that still counts) per objective: 1 s of latency, no
throughput, quality ratio 0, 100 J per query or sample, 1000 USD per million samples."""


def reference_point(
    objectives: Sequence[str], overrides: Mapping[str, float] | None = None
) -> list[float]:
    """The reference of ``objectives``: ``overrides`` where given, else :data:`REFERENCE`.

    Raises:
        KeyError: an objective has neither an override nor a default.
    """
    overrides = overrides or {}
    return [float(overrides[o]) if o in overrides else REFERENCE[o] for o in objectives]


def hypervolume(points: ArrayLike, directions: Sequence[str], reference: ArrayLike) -> float:
    """The hypervolume of ``points`` (rows) with respect to ``reference``.

    Args:
        points: (n, d) objective values.
        directions: ``"min"`` or ``"max"`` per column.
        reference: d values, the worst corner of the measured region.

    Raises:
        ValueError: shapes do not match, a value is NaN, or the reference is not finite.
    """
    ref = as_loss(np.asarray(reference, dtype=float).reshape(1, -1), directions)[0]
    return loss_hypervolume(as_loss(points, directions), ref)


def loss_hypervolume(loss: ArrayLike, reference: ArrayLike) -> float:
    """The hypervolume of losses (lower is better) up to ``reference``, the worst corner.

    Rows not strictly better than the reference in every column add nothing; a row at -inf in
    some column (and inside the reference) makes it infinite.

    Raises:
        ValueError: ``loss`` is not 2-D, a value is NaN, or the reference is not finite or does
            not have one value per column.
    """
    ref = np.asarray(reference, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(ref)):
        raise ValueError("the reference point must be finite")
    data = np.asarray(loss, dtype=np.float64)
    if data.size == 0:
        return 0.0
    if data.ndim != 2 or data.shape[1] != ref.size:
        raise ValueError(f"losses of shape {data.shape} do not match a reference of {ref.size}")
    if np.isnan(data).any():
        raise ValueError("points contain NaN")
    data = data[np.all(data < ref, axis=1)]
    if data.shape[0] == 0:
        return 0.0
    if np.isinf(data).any():
        return float("inf")
    unique, _ = unique_lexsorted(data)
    return _volume(unique[front(unique)], ref)


def _volume(sorted_front: np.ndarray, ref: np.ndarray) -> float:
    """Hypervolume of a lexsorted front whose points all lie strictly inside ``ref``."""
    d = sorted_front.shape[1]
    if d == 1:
        return float(ref[0] - sorted_front[0, 0])
    if d == 2:
        return _sweep_2d(sorted_front, ref)
    if d == 3:
        return _sweep_3d(sorted_front, ref)
    return _wfg(sorted_front, ref)


def _sweep_2d(sorted_front: np.ndarray, ref: np.ndarray) -> float:
    """Sum of the slabs between consecutive x (on a front y decreases as x increases)."""
    xs, ys = sorted_front[:, 0], sorted_front[:, 1]
    widths = np.append(xs[1:], ref[0]) - xs
    return float(widths @ (ref[1] - ys))


def _sweep_3d(points: np.ndarray, ref: np.ndarray) -> float:
    """HV3D: sweep on z, keeping the area dominated in (x, y) by the points seen so far."""
    points = points[np.argsort(points[:, 2], kind="stable")]
    tops = np.append(points[1:, 2], ref[2]).tolist()
    xs: list[float] = []
    ys: list[float] = []
    area = volume = 0.0
    for (x, y, z), top in zip(points.tolist(), tops, strict=True):
        area += _add_to_staircase(xs, ys, x, y, (float(ref[0]), float(ref[1])))
        volume += area * (top - z)
    return volume


def _add_to_staircase(
    xs: list[float], ys: list[float], x: float, y: float, ref: tuple[float, float]
) -> float:
    """Add (x, y) to the staircase (``xs`` increasing, ``ys`` decreasing) and return the area
    it adds to the region dominated up to ``ref``; 0 if a staircase point is <= it."""
    j = bisect_left(xs, x)
    if (j < len(xs) and xs[j] == x and ys[j] <= y) or (j > 0 and ys[j - 1] <= y):
        return 0.0
    height = ys[j - 1] if j > 0 else ref[1]  # the boundary above (x, y), stepping down
    left, end, added = x, j, 0.0
    while end < len(xs) and ys[end] >= y:  # points (x, y) dominates: dropped
        added += (xs[end] - left) * (height - y)
        left, height = xs[end], ys[end]
        end += 1
    added += ((xs[end] if end < len(xs) else ref[0]) - left) * (height - y)
    xs[j:end] = [x]
    ys[j:end] = [y]
    return added


def _wfg(points: np.ndarray, ref: np.ndarray) -> float:
    """WFG (While, Bradstreet, Barone 2012) on points sorted by column 0: the sum of each
    point's exclusive hypervolume with respect to the points after it, each the point's box
    less the hypervolume of those points limited to the box (weakly dominated ones dropped)."""
    if len(points) == 1:
        return float(np.prod(ref - points[0]))
    if len(points) == 2:
        corner = np.maximum(points[0], points[1])
        return float(np.prod(ref - points, axis=1).sum() - np.prod(ref - corner))
    boxes = np.prod(ref - points, axis=1).tolist()
    total = boxes[-1]
    for i in range(len(points) - 1):
        limited = np.maximum(points[i + 1 :], points[i])
        kept, _ = greedy_front(limited[:, 1:])
        total += boxes[i] - _wfg(limited[kept], ref)
    return float(total)
