"""Pareto dominance: non-dominated sorting and the 2-D frontier as a step line.

A point *dominates* another when it is at least as good in every objective and strictly better
in one ("good" per column: ``"min"`` or ``"max"``). Rank 1 is the set of points no other point
dominates (the front); rank k + 1 is the front of what remains after removing ranks 1..k.
Equal points share a rank; NaN is refused.

This is the project's one implementation (``tournament.search`` uses it too). Functions named
``loss_*`` take losses (lower is better in every column); the others take ``directions``.
The sorts are sorting-based, exact on ties, and scale to 100,000s of points: O(n log n) fronts
and ranks on 2 objectives, O(n log n) fronts and O(n log^2 n) ranks on 3, divide-and-conquer
ranks beyond (:mod:`tournament.ranking._nondominated`, :mod:`tournament.ranking._ranks_nd`).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from numpy.typing import ArrayLike

from tournament.ranking import _nondominated

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


def loss_front_mask(loss: ArrayLike) -> np.ndarray:
    """Mask of the rows of ``loss`` (lower is better in every column) no other row dominates.

    Equal rows are all kept. Sorting-based (see the module docstring): O(n log n) on 2 and 3
    columns.

    Raises:
        ValueError: ``loss`` is not a 2-D array, or a value is NaN.
    """
    data = _checked(loss)
    if data.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    unique, inverse = _nondominated.unique_lexsorted(data)
    return np.asarray(_nondominated.front(unique)[inverse])


def loss_ranks(loss: ArrayLike) -> np.ndarray:
    """Non-domination rank of each row of ``loss`` (lower is better), 1 for the front.

    Equal rows share a rank. Raises like :func:`loss_front_mask`.
    """
    data = _checked(loss)
    if data.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    unique, inverse = _nondominated.unique_lexsorted(data)
    return np.asarray(_nondominated.ranks(unique)[inverse] + 1)


def pareto_ranks(points: ArrayLike, directions: Sequence[str]) -> np.ndarray:
    """Non-domination rank of each point, 1 for the front (int array, input order).

    Raises:
        ValueError: as :func:`as_loss`.
    """
    return loss_ranks(as_loss(points, directions))


def pareto_front_mask(points: ArrayLike, directions: Sequence[str]) -> np.ndarray:
    """Boolean mask of the points on the front (rank 1). Raises like :func:`as_loss`."""
    return loss_front_mask(as_loss(points, directions))


def _checked(loss: ArrayLike) -> np.ndarray:
    data = np.asarray(loss, dtype=np.float64)
    if data.ndim != 2:
        raise ValueError(f"losses must be a 2-D array (points x objectives), got {data.ndim}-D")
    if data.shape[0] and data.shape[1] == 0:
        raise ValueError("losses must have at least one objective column")
    if np.isnan(data).any():
        raise ValueError("points contain NaN")
    return data


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
