"""Pareto dominance: non-dominated sorting and the 2-D frontier as a step line.

A point *dominates* another when it is at least as good in every objective and strictly better
in one ("good" per column: ``"min"`` or ``"max"``). Rank 1 is the set of points no other point
dominates (the front); rank k + 1 is the front of what remains after removing ranks 1..k.
Equal points share a rank. The sort is the plain O(n^2 d) peeling, exact and fast for the
hundreds of results a group holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from numpy.typing import ArrayLike

_SIGN = {"min": 1.0, "max": -1.0}


def as_loss(points: ArrayLike, directions: Sequence[str]) -> np.ndarray:
    """``points`` as an (n, d) float array in which lower is better in every column.

    Raises:
        ValueError: a direction is not "min"/"max", the shape does not match ``directions``,
            or a value is NaN.
    """
    unknown = [d for d in directions if d not in _SIGN]
    if unknown:
        raise ValueError(f"directions must be 'min' or 'max', got {unknown}")
    data = np.asarray(points, dtype=np.float64)
    if data.size == 0:
        return np.zeros((0, len(directions)))
    if data.ndim == 1:
        data = data.reshape(-1, 1) if len(directions) == 1 else data.reshape(1, -1)
    if data.shape[1] != len(directions):
        raise ValueError(f"points have {data.shape[1]} columns but {len(directions)} directions")
    if np.isnan(data).any():
        raise ValueError("points contain NaN")
    return data * np.array([_SIGN[d] for d in directions])


def _front(loss: np.ndarray) -> np.ndarray:
    """Mask of the rows of ``loss`` that no other row dominates."""
    no_worse = (loss[:, None, :] <= loss[None, :, :]).all(axis=2)
    better = (loss[:, None, :] < loss[None, :, :]).any(axis=2)
    dominated = (no_worse & better).any(axis=0)
    return np.asarray(~dominated)


def pareto_ranks(points: ArrayLike, directions: Sequence[str]) -> np.ndarray:
    """Non-domination rank of each point, 1 for the front (int array, input order).

    The dominance matrix is built once (in row chunks, to bound memory) and fronts are peeled
    by counting each point's remaining dominators: O(n^2 k) instead of one O(n^2 k) pass per
    front.
    """
    loss = as_loss(points, directions)
    n = loss.shape[0]
    ranks = np.zeros(n, dtype=np.int64)
    if n == 0:
        return ranks
    dominates = _dominance(loss)
    count = dominates.sum(axis=0)
    rank = 1
    while True:
        current = np.flatnonzero((count == 0) & (ranks == 0))
        if current.size == 0:
            break
        ranks[current] = rank
        count -= dominates[current].sum(axis=0)
        rank += 1
    return ranks


def _dominance(loss: np.ndarray, chunk: int = 512) -> np.ndarray:
    """``d[i, j]``: point i dominates point j (no worse anywhere, better somewhere)."""
    n = loss.shape[0]
    out = np.empty((n, n), dtype=bool)
    for start in range(0, n, chunk):
        rows = loss[start : start + chunk, None, :]
        out[start : start + chunk] = (rows <= loss[None]).all(axis=2) & (rows < loss[None]).any(
            axis=2
        )
    return out


def pareto_front_mask(points: ArrayLike, directions: Sequence[str]) -> np.ndarray:
    """Boolean mask of the points on the front (rank 1)."""
    loss = as_loss(points, directions)
    return _front(loss) if loss.shape[0] else np.zeros(0, dtype=bool)


def frontier_steps(
    xs: Sequence[float], ys: Sequence[float], x_dir: str, y_dir: str
) -> tuple[list[float], list[float]]:
    """The 2-D front of ``(xs, ys)`` as a step line through its points, for drawing.

    Front points are sorted by x; between consecutive points a and b the line turns at the
    corner (worse x of the two, worse y of the two): the boundary of the region the front
    dominates. Points off the front are left out; duplicates are drawn once.
    """
    points = np.column_stack([np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)])
    if points.size == 0:
        return [], []
    front = np.unique(points[pareto_front_mask(points, [x_dir, y_dir])], axis=0)
    worse_x = max if x_dir == "min" else min
    worse_y = max if y_dir == "min" else min
    out_x, out_y = [float(front[0, 0])], [float(front[0, 1])]
    for (ax, ay), (bx, by) in pairwise(front.tolist()):
        out_x += [float(worse_x(ax, bx)), float(bx)]
        out_y += [float(worse_y(ay, by)), float(by)]
    return out_x, out_y
