"""Hypervolume: the volume of objective space a set of points dominates, up to a reference.

Exact for any number of objectives (HSO slicing: sort on the last objective, add each slab's
thickness times the hypervolume of the points above it in one dimension fewer; 2-D is a
sweep). Fine for the tens of points one ranking group holds with 2-4 objectives.

The reference point is fixed per round so that hypervolumes compare across rounds: a round
spec may set it per workload (``workloads.W.hypervolume_reference``); each objective it does
not set takes its :data:`REFERENCE` default below. A point that is not strictly better than
the reference in every objective adds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from tournament.ranking.pareto import as_loss, pareto_front_mask

REFERENCE: dict[str, float] = {
    "latency_p50_ms": 1000.0,
    "latency_p90_ms": 1000.0,
    "latency_p99_ms": 1000.0,
    "latency_mean_ms": 1000.0,
    "throughput_sps": 0.0,
    "quality": 0.0,
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
throughput, quality 0, 100 J per query, 1000 USD per million samples."""


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
    if not np.all(np.isfinite(ref)):
        raise ValueError("the reference point must be finite")
    loss = as_loss(points, directions)
    loss = loss[np.all(loss < ref, axis=1)]
    if loss.shape[0] == 0:
        return 0.0
    loss = np.unique(loss[pareto_front_mask(loss, ["min"] * loss.shape[1])], axis=0)
    return float(_hso(loss, ref))


def _hso(loss: np.ndarray, ref: np.ndarray) -> float:
    """Hypervolume of points that all dominate ``ref`` (minimisation)."""
    d = loss.shape[1]
    if d == 1:
        return float(ref[0] - loss[:, 0].min())
    if d == 2:
        return _sweep_2d(loss, ref)
    order = np.argsort(loss[:, -1], kind="stable")
    loss = loss[order]
    bounds = np.append(loss[1:, -1], ref[-1])
    total = 0.0
    for i in range(loss.shape[0]):
        thickness = bounds[i] - loss[i, -1]
        if thickness > 0:
            total += thickness * _hso(loss[: i + 1, :-1], ref[:-1])
    return total


def _sweep_2d(loss: np.ndarray, ref: np.ndarray) -> float:
    order = np.lexsort((loss[:, 1], loss[:, 0]))
    xs, ys = loss[order, 0], loss[order, 1]
    best_y = np.minimum.accumulate(ys)
    widths = np.append(xs[1:], ref[0]) - xs
    return float(np.sum(widths * (ref[1] - best_y)))
