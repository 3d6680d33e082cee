"""Non-dominated sorting of loss vectors (lower is better everywhere) by sorting and sweeping.

Every routine here works on *unique, lexicographically sorted* rows (:func:`unique_lexsorted`):
then a row can only be dominated by rows before it, and a row before ``p`` that is no worse
than ``p`` in columns 1.. dominates it (it is no worse in column 0 and not equal).

* 1 objective: the least value is the front; ranks are the dense ranks of the values.
* 2 objectives: front by a running minimum of column 1; ranks by patience sorting (the rank of
  a row is the length of the longest chain of dominators ending in it): O(n log n).
* 3 objectives: one pass keeping, per rank, the 2-D staircase (:class:`Staircase`) of columns
  1-2 of the rows of that rank seen so far; a row's rank is found by bisecting over the ranks
  ("some row of rank k dominates it" is monotone in k), each test one bisection in one
  staircase: O(n log^2 n). The front is the same pass with one staircase.
* 4 or more: ranks by divide and conquer (:mod:`tournament.ranking._ranks_nd`); the front by
  greedy peeling (Optuna's method, vectorised: O(n f) for a front of f rows), handing over to
  the divide and conquer when that would grow quadratic (a large front).

On 3 objectives the front starts with greedy steps too (the first remaining row is on the
front; drop every row it dominates): vectorised, they remove most rows of typical data, and
hand over to the sweep as soon as a step removes little (a large front).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right

import numpy as np

from tournament.ranking._ranks_nd import ranks_nd

_CHUNK = 256
"""Staircase chunk size (see :class:`Staircase`)."""
_GREEDY_MIN_SHARE = 1024
"""On 3 objectives, greedy peeling hands over to the sweep once a step removes fewer than 1/1024
of the remaining rows (a sweep step costs about as much as 1,000 rows of a greedy step)."""
_GREEDY_WORK = 64
"""On 4 or more, it hands over to divide and conquer after comparing 64 rows per input row (on
uniform random points it ends before; on a large front it would be quadratic)."""


def unique_lexsorted(loss: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of ``loss`` in lexicographic order, and each input row's index there.

    ``loss`` must have at least one row and one column.
    """
    order = np.lexsort(loss.T[::-1])
    ordered = loss[order]
    new = np.ones(len(ordered), dtype=bool)
    new[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    inverse = np.empty(len(ordered), dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return ordered[new], inverse


def front(unique: np.ndarray) -> np.ndarray:
    """Mask of the non-dominated rows of unique, lexsorted ``unique``."""
    n, d = unique.shape
    if d == 1:
        return np.arange(n) == 0
    if d == 2:
        return _front_2d(unique[:, 1])
    on_front = np.zeros(n, dtype=bool)
    if d == 3:
        found, rest = greedy_front(unique[:, 1:], min_share=_GREEDY_MIN_SHARE)
    else:
        found, rest = greedy_front(unique[:, 1:], max_work=_GREEDY_WORK * n)
    on_front[found] = True
    if rest.size:
        exact = _front_3d(unique[rest, 1:]) if d == 3 else ranks_nd(unique[rest]) == 0
        on_front[rest[exact]] = True
    return on_front


def ranks(unique: np.ndarray) -> np.ndarray:
    """Non-domination rank (0 for the front) of each row of unique, lexsorted ``unique``."""
    n, d = unique.shape
    if d == 1:
        return np.arange(n, dtype=np.int64)
    if d == 2:
        return _ranks_2d(unique[:, 1].tolist())
    if d == 3:
        return _ranks_3d(unique[:, 1].tolist(), unique[:, 2].tolist())
    return ranks_nd(unique)


def _front_2d(second: np.ndarray) -> np.ndarray:
    best = np.minimum.accumulate(second)
    on_front = np.ones(len(second), dtype=bool)
    on_front[1:] = second[1:] < best[:-1]
    return on_front


def greedy_front(
    rest: np.ndarray, *, min_share: int = 0, max_work: float = math.inf
) -> tuple[list[int], np.ndarray]:
    """Front rows found by greedy peeling (columns 1.. in ``rest``) and the rows left to check.

    It stops early once a step removes fewer than ``1 / min_share`` of the rows left (0: never),
    or once it has compared ``max_work`` rows. The rows left are those no found row dominates,
    still in order; their own front is the rest of the front.

    On rows sorted by column 0 only (not unique), every row it leaves out is still weakly
    dominated by one it keeps (what hypervolumes need), but it may keep dominated rows.
    """
    index = np.arange(len(rest))
    found: list[int] = []
    work = 0
    while index.size:
        found.append(int(index[0]))
        keep = (rest < rest[0]).any(axis=1)
        before = index.size
        rest, index = rest[keep], index[keep]
        work += before
        too_few = min_share > 0 and (before - index.size) * min_share < before
        if too_few or work > max_work:
            break
    return found, index


def _front_3d(rest: np.ndarray) -> np.ndarray:
    """Front mask by one sweep over a single staircase of columns 1-2 (``rest``)."""
    stairs = Staircase()
    kept: list[int] = []
    for i, (y, z) in enumerate(zip(rest[:, 0].tolist(), rest[:, 1].tolist(), strict=True)):
        if not stairs.covers(y, z):
            stairs.add(y, z)
            kept.append(i)
    on_front = np.zeros(len(rest), dtype=bool)
    on_front[kept] = True
    return on_front


def _ranks_2d(second: list[float]) -> np.ndarray:
    tails: list[float] = []  # tails[k]: least column-1 value of rank k so far (non-decreasing)
    out: list[int] = []
    for y in second:
        k = bisect_right(tails, y)
        if k == len(tails):
            tails.append(y)
        else:
            tails[k] = y
        out.append(k)
    return np.array(out, dtype=np.int64)


def _ranks_3d(second: list[float], third: list[float]) -> np.ndarray:
    levels: list[Staircase] = []
    out: list[int] = []
    for y, z in zip(second, third, strict=True):
        rank = _first_open(levels, y, z)
        if rank == len(levels):
            levels.append(Staircase())
        levels[rank].add(y, z)
        out.append(rank)
    return np.array(out, dtype=np.int64)


def _first_open(levels: list[Staircase], y: float, z: float) -> int:
    """The first rank whose staircase does not cover (y, z), by bisection (it is monotone)."""
    if not levels or not levels[0].covers(y, z):
        return 0
    if levels[-1].covers(y, z):
        return len(levels)
    low, high = 1, len(levels) - 1
    while low < high:
        mid = (low + high) // 2
        if levels[mid].covers(y, z):
            low = mid + 1
        else:
            high = mid
    return low


class Staircase:
    """Points (y, z) none of which is <= another, so that z decreases as y increases.

    Held in sorted chunks of at most ``2 * _CHUNK`` points, so that an insertion moves at most
    that many list entries: O(log n) bisections plus O(_CHUNK) per operation, amortised.
    """

    def __init__(self) -> None:
        self._ys: list[list[float]] = []
        self._zs: list[list[float]] = []
        self._last: list[float] = []  # the largest y of each chunk

    def covers(self, y: float, z: float) -> bool:
        """Whether some point is <= (y, z) in both coordinates."""
        c = bisect_right(self._last, y)
        if c < len(self._ys):
            j = bisect_right(self._ys[c], y)
            if j:
                return self._zs[c][j - 1] <= z
        return c > 0 and self._zs[c - 1][-1] <= z

    def add(self, y: float, z: float) -> None:
        """Add (y, z), which must not be covered, dropping the points >= it in both."""
        if not self._ys:
            self._ys, self._zs, self._last = [[y]], [[z]], [y]
            return
        c = min(bisect_left(self._last, y), len(self._ys) - 1)
        ys, zs = self._ys[c], self._zs[c]
        j = bisect_left(ys, y)
        end = _run_end(zs, j, z)
        to_chunk_end = end == len(zs)
        ys[j:end] = [y]
        zs[j:end] = [z]
        if to_chunk_end:
            self._drop_run_after(c, z)
        self._last[c] = ys[-1]
        if len(ys) > 2 * _CHUNK:
            self._ys.insert(c + 1, ys[_CHUNK:])
            self._zs.insert(c + 1, zs[_CHUNK:])
            self._last.insert(c + 1, ys[-1])
            del ys[_CHUNK:], zs[_CHUNK:]
            self._last[c] = ys[-1]

    def _drop_run_after(self, c: int, z: float) -> None:
        """Drop the points with z' >= z that start the chunks after chunk ``c``."""
        while c + 1 < len(self._zs):
            zs = self._zs[c + 1]
            end = _run_end(zs, 0, z)
            if end < len(zs):
                del zs[:end], self._ys[c + 1][:end]
                return
            del self._ys[c + 1], self._zs[c + 1], self._last[c + 1]


def _run_end(zs: list[float], start: int, z: float) -> int:
    """The end of the run of values >= z that starts at ``start`` in decreasing ``zs``."""
    end = start
    while end < len(zs) and zs[end] >= z:
        end += 1
    return end
