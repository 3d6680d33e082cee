"""Pareto ranks and fronts, checked against a brute-force sort and Optuna's own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from optuna.study._multi_objective import _fast_non_domination_rank, _is_pareto_front

from tournament.ranking import _nondominated, _ranks_nd
from tournament.ranking.pareto import (
    frontier_steps,
    loss_front_mask,
    loss_ranks,
    pareto_front_mask,
    pareto_ranks,
)

SIGN = {"min": 1.0, "max": -1.0}


def brute_force_ranks(loss: np.ndarray) -> np.ndarray:
    """The O(n^2) definition: peel the rows no remaining row dominates (1 for the front)."""
    no_worse = np.all(loss[:, None, :] <= loss[None, :, :], axis=2)
    better = np.any(loss[:, None, :] < loss[None, :, :], axis=2)
    dominates = no_worse & better  # [i, j]: i dominates j
    ranks = np.zeros(len(loss), dtype=np.int64)
    rank = 1
    while (ranks == 0).any():
        left = ranks == 0
        ranks[left & ~dominates[left].any(axis=0)] = rank
        rank += 1
    return ranks


@st.composite
def grids(draw: st.DrawFn, max_rows: int = 60) -> tuple[np.ndarray, list[str]]:
    """Points on a small integer grid (many ties and duplicates), 1-5 objectives."""
    d = draw(st.integers(1, 5))
    side = draw(st.integers(1, 4))
    rows = draw(st.lists(st.lists(st.integers(0, side), min_size=d, max_size=d), max_size=max_rows))
    directions = draw(st.lists(st.sampled_from(["min", "max"]), min_size=d, max_size=d))
    return np.array(rows, dtype=float).reshape(-1, d), directions


@contextmanager
def every_code_path() -> Iterator[None]:
    """Tiny thresholds so that small inputs take the sweeps, chunk splits and recursions."""
    with (
        mock.patch.object(_nondominated, "_GREEDY_MIN_SHARE", 1),
        mock.patch.object(_nondominated, "_GREEDY_WORK", 1),
        mock.patch.object(_nondominated, "_CHUNK", 2),
        mock.patch.object(_ranks_nd, "_BASE", 2),
        mock.patch.object(_ranks_nd, "_LEAF", 3),
        mock.patch.object(_ranks_nd, "_TABLE", 6),
    ):
        yield


def check(points: np.ndarray, directions: list[str]) -> None:
    loss = points * np.array([SIGN[d] for d in directions])
    expected = brute_force_ranks(loss)
    ranks = pareto_ranks(points, directions)
    np.testing.assert_array_equal(ranks, expected)
    np.testing.assert_array_equal(pareto_front_mask(points, directions), expected == 1)
    if len(loss):
        np.testing.assert_array_equal(ranks, _fast_non_domination_rank(loss) + 1)
        front = _is_pareto_front(loss, assume_unique_lexsorted=False)
        np.testing.assert_array_equal(loss_front_mask(loss), front)


@settings(max_examples=200, deadline=None)
@given(grids())
def test_matches_brute_force_and_optuna(case: tuple[np.ndarray, list[str]]) -> None:
    check(*case)


@settings(max_examples=200, deadline=None)
@given(grids(max_rows=40))
def test_every_code_path_matches(case: tuple[np.ndarray, list[str]]) -> None:
    with every_code_path():
        check(*case)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_floats_match_brute_force(d: int, seed: int) -> None:
    points = np.random.default_rng(seed).random((50, d))
    check(points, ["min"] * d)


@pytest.mark.parametrize("d", [2, 3, 4, 5])
@pytest.mark.parametrize("side", [3, 10, 1000])
def test_larger_inputs_match_optuna(d: int, side: int) -> None:
    """Past the brute-force block sizes: greedy hand-over, staircase chunks, recursion."""
    rng = np.random.default_rng(d * side)
    loss = rng.integers(0, side, size=(3000, d)).astype(float)
    np.testing.assert_array_equal(loss_ranks(loss), _fast_non_domination_rank(loss) + 1)
    front = _is_pareto_front(loss, assume_unique_lexsorted=False)
    np.testing.assert_array_equal(loss_front_mask(loss), front)


@pytest.mark.parametrize("d", [2, 3, 4, 5])
def test_large_fronts_and_long_chains(d: int) -> None:
    t = np.random.default_rng(1).random(3000)
    antichain = np.column_stack([t, -t] + [np.zeros_like(t)] * (d - 2))
    chain = np.column_stack([t] * d)
    assert loss_front_mask(antichain).all()
    assert (loss_ranks(antichain) == 1).all()
    np.testing.assert_array_equal(loss_ranks(chain), np.argsort(np.argsort(t)) + 1)
    assert loss_front_mask(chain).sum() == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=60))
def test_staircase_is_the_set_of_minimal_points(queries: list[tuple[int, int]]) -> None:
    with mock.patch.object(_nondominated, "_CHUNK", 2):
        stairs = _nondominated.Staircase()
        kept: list[tuple[float, float]] = []
        for y, z in queries:
            covered = any(a <= y and b <= z for a, b in kept)
            assert stairs.covers(y, z) == covered
            if not covered:
                stairs.add(y, z)
                kept.append((y, z))


def test_staircase_drops_a_run_across_chunks() -> None:
    with mock.patch.object(_nondominated, "_CHUNK", 1):
        stairs = _nondominated.Staircase()
        for y, z in [(1, 6), (2, 5), (3, 4), (4, 2), (5, 1)]:
            stairs.add(y, z)
        stairs.add(2, 3)  # drops (2, 5) and (3, 4), in two chunks
        kept = [(1, 6), (2, 3), (4, 2), (5, 1)]
        for y in range(8):
            for z in range(8):
                assert stairs.covers(y, z) == any(a <= y and b <= z for a, b in kept)


def test_small_example_by_hand() -> None:
    # latency (min), quality (max)
    points = [[1.0, 0.90], [2.0, 0.95], [2.0, 0.90], [3.0, 0.95], [1.0, 0.90]]
    assert pareto_ranks(points, ["min", "max"]).tolist() == [1, 1, 2, 2, 1]


def test_equal_in_some_better_in_one_dominates() -> None:
    loss = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 4.0], [1.0, 2.0, 3.0], [0.0, 5.0, 5.0]])
    assert loss_ranks(loss).tolist() == [1, 2, 1, 1]


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="'min' or 'max'"):
        pareto_ranks([[1.0, 2.0]], ["min", "up"])
    with pytest.raises(ValueError, match="NaN"):
        pareto_ranks([[1.0, float("nan")]], ["min", "min"])
    with pytest.raises(ValueError, match="NaN"):
        loss_front_mask([[1.0, float("nan")]])
    with pytest.raises(ValueError, match="2-D"):
        loss_ranks([1.0, 2.0])
    with pytest.raises(ValueError, match="3 columns but 2"):
        pareto_ranks([[1.0, 2.0, 3.0]], ["min", "min"])
    assert pareto_ranks(np.zeros((0, 2)), ["min", "min"]).tolist() == []
    assert pareto_front_mask(np.zeros((0, 3)), ["min"] * 3).tolist() == []


def test_infinities_sort_like_numbers() -> None:
    inf = float("inf")
    loss = np.array([[inf, 0.0], [0.0, inf], [1.0, 1.0], [inf, inf], [-inf, 5.0]])
    assert loss_ranks(loss).tolist() == [1, 2, 1, 3, 1]


def test_frontier_steps_min_min() -> None:
    xs, ys = frontier_steps([1, 2, 3, 2.5], [3, 2, 1, 2.5], "min", "min")
    # (2.5, 2.5) is dominated by (2, 2); the line turns at (worse x, worse y) between points.
    assert xs == [1.0, 2.0, 2.0, 3.0, 3.0]
    assert ys == [3.0, 3.0, 2.0, 2.0, 1.0]


def test_frontier_steps_min_max() -> None:
    xs, ys = frontier_steps([1, 2, 3], [0.90, 0.95, 0.94], "min", "max")
    assert xs == [1.0, 2.0, 2.0]
    assert ys == [0.90, 0.90, 0.95]
    assert frontier_steps([], [], "min", "max") == ([], [])
