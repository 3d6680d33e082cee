"""Non-domination ranks on 4 or more objectives by divide and conquer (Jensen / Fortin style).

Rows are unique and lexsorted, so only earlier rows can dominate a row, and an earlier row
dominates a later one when it is no worse in columns 1... The rank of a row is one more than
the largest rank among its dominators (0 when there are none).

:meth:`_Sorter.solve` halves the rows by position: it ranks the first half, lifts the rank
bounds of the second half by what the first half dominates (:meth:`_Sorter.cross`), then
ranks the second half. ``cross`` halves on the median of one column: the lower part of the
dominating side against the upper part of the dominated side needs that column no more, the
lower/lower and upper/upper pairs keep it, and upper/lower is void. Two columns are finished
by a vectorised sweep, one by a running maximum, and small pairs by brute force, so that
every step works on whole numpy arrays: O(n log^(d-1) n) overall.
"""

from __future__ import annotations

import numpy as np

_BASE = 64
"""Blocks of at most this many consecutive rows are ranked by brute force."""
_LEAF = 1 << 16
"""``cross`` compares all pairs once the two sides have at most this many pairs."""
_TABLE = 1 << 22
"""Largest (rank levels x rows) table the two-column sweep may build."""


def ranks_nd(unique: np.ndarray) -> np.ndarray:
    """Non-domination rank (0 for the front) of each row of unique, lexsorted ``unique``."""
    sorter = _Sorter(unique)
    sorter.solve(0, len(unique))
    return sorter.rank


class _Sorter:
    """Rank bounds of the rows, exact for every row :meth:`solve` has finished."""

    def __init__(self, unique: np.ndarray) -> None:
        self.points = unique
        self.rank = np.zeros(len(unique), dtype=np.int64)

    def solve(self, lo: int, hi: int) -> None:
        """Make the ranks of rows ``lo:hi`` exact, given every dominator before ``lo``."""
        if hi - lo <= _BASE:
            self._brute_force(lo, hi)
            return
        mid = (lo + hi) // 2
        self.solve(lo, mid)
        columns = tuple(range(1, self.points.shape[1]))
        self.cross(np.arange(lo, mid), np.arange(mid, hi), columns)
        self.solve(mid, hi)

    def _brute_force(self, lo: int, hi: int) -> None:
        block = self.points[lo:hi, 1:]
        earlier = np.tril(_no_worse(block, block), k=-1)  # [i, j]: row j dominates row i
        if not earlier.any():
            return
        bound = self.rank[lo:hi]
        rank = bound
        while True:  # longest chains, one link per round
            lifted = np.maximum(bound, np.where(earlier, rank[None, :] + 1, 0).max(axis=1))
            if np.array_equal(lifted, rank):
                break
            rank = lifted
        self.rank[lo:hi] = rank

    def cross(self, low: np.ndarray, high: np.ndarray, columns: tuple[int, ...]) -> None:
        """Lift the bounds of rows ``high`` by the exactly ranked rows ``low``.

        Every row of ``low`` comes before every row of ``high`` and is no worse in the
        columns not in ``columns``.
        """
        if len(low) * len(high) <= _LEAF:
            self._cross_pairs(low, high, columns)
            return
        lows, highs = self.points[low][:, columns], self.points[high][:, columns]
        if (lows.min(axis=0) > highs.max(axis=0)).any():
            return  # in that column no row of low is <= a row of high
        columns = tuple(np.array(columns)[lows.max(axis=0) > highs.min(axis=0)].tolist())
        if not columns:  # every row of low dominates every row of high
            self._lift(high, np.full(len(high), self.rank[low].max() + 1))
        elif len(columns) == 1:
            self._cross_1d(low, high, columns[0])
        elif len(columns) > 2 or not self._cross_2d(low, high, columns):
            self._split(low, high, columns)

    def _split(self, low: np.ndarray, high: np.ndarray, columns: tuple[int, ...]) -> None:
        at_low, at_high = self.points[low, columns[0]], self.points[high, columns[0]]
        both = np.concatenate([at_low, at_high])
        median = np.partition(both, len(both) // 2)[len(both) // 2]
        below_low, below_high = at_low < median, at_high < median
        if not (below_low.any() or below_high.any()):  # the median is the least value
            below_low, below_high = at_low <= median, at_high <= median
        low_1, low_2 = low[below_low], low[~below_low]
        high_1, high_2 = high[below_high], high[~below_high]
        if low_1.size and high_1.size:
            self.cross(low_1, high_1, columns)
        if low_1.size and high_2.size:
            self.cross(low_1, high_2, columns[1:])
        if low_2.size and high_2.size:
            self.cross(low_2, high_2, columns)

    def _cross_pairs(self, low: np.ndarray, high: np.ndarray, columns: tuple[int, ...]) -> None:
        low = low[np.argsort(-self.rank[low], kind="stable")]  # best bound first: argmax
        cols = np.array(columns)
        dominated = _no_worse(self.points[np.ix_(low, cols)], self.points[np.ix_(high, cols)])
        first = dominated.argmax(axis=1)
        hit = dominated[np.arange(len(high)), first]
        self._lift(high[hit], self.rank[low[first[hit]]] + 1)

    def _cross_1d(self, low: np.ndarray, high: np.ndarray, column: int) -> None:
        order = np.argsort(self.points[low, column], kind="stable")
        values = self.points[low[order], column]
        best = np.maximum.accumulate(self.rank[low[order]] + 1)
        count = np.searchsorted(values, self.points[high, column], side="right")
        self._lift(high, np.where(count > 0, best[np.maximum(count - 1, 0)], 0))

    def _cross_2d(self, low: np.ndarray, high: np.ndarray, columns: tuple[int, ...]) -> bool:
        """Sweep on the first column; per rank level ``v`` of ``low``, the running minimum of
        the second column over the rows of rank >= v tells whether one of them is no worse.
        False, doing nothing, when that table would be too large."""
        levels = np.unique(self.rank[low])
        if len(levels) * len(low) > _TABLE:
            return False
        first, second = columns
        low = low[np.argsort(self.points[low, first], kind="stable")]
        ranks = self.rank[low]
        masked = np.where(ranks[None, :] >= levels[:, None], self.points[low, second], np.inf)
        least = np.minimum.accumulate(masked, axis=1)  # [level, prefix end]
        count = np.searchsorted(self.points[low, first], self.points[high, first], side="right")
        high, count = high[count > 0], count[count > 0]
        covered = (least[:, count - 1] <= self.points[high, second][None, :]).sum(axis=0)
        hit = covered > 0
        self._lift(high[hit], levels[covered[hit] - 1] + 1)
        return True

    def _lift(self, rows: np.ndarray, bound: np.ndarray) -> None:
        self.rank[rows] = np.maximum(self.rank[rows], bound)


def _no_worse(dominating: np.ndarray, dominated: np.ndarray) -> np.ndarray:
    """``[i, j]``: row j of ``dominating`` is <= row i of ``dominated`` in every column."""
    out = dominating[None, :, 0] <= dominated[:, None, 0]
    for c in range(1, dominating.shape[1]):
        out &= dominating[None, :, c] <= dominated[:, None, c]
    return out
