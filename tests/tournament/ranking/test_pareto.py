"""Pareto ranks and fronts, checked against Optuna's own non-dominated sort."""

from __future__ import annotations

import numpy as np
import pytest
from optuna.study._multi_objective import _fast_non_domination_rank

from tournament.ranking.pareto import frontier_steps, pareto_front_mask, pareto_ranks


@pytest.mark.parametrize("d", [2, 3, 4])
@pytest.mark.parametrize("seed", range(5))
def test_ranks_match_optuna(d: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    points = rng.integers(0, 6, size=(40, d)).astype(float)  # small integers: many ties
    directions = ["min", "max", "min", "max"][:d]
    loss = points * np.array([1.0 if x == "min" else -1.0 for x in directions])
    expected = _fast_non_domination_rank(loss) + 1
    np.testing.assert_array_equal(pareto_ranks(points, directions), expected)
    np.testing.assert_array_equal(pareto_front_mask(points, directions), expected == 1)


def test_small_example_by_hand() -> None:
    # latency (min), quality (max)
    points = [[1.0, 0.90], [2.0, 0.95], [2.0, 0.90], [3.0, 0.95], [1.0, 0.90]]
    assert pareto_ranks(points, ["min", "max"]).tolist() == [1, 1, 2, 2, 1]


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="'min' or 'max'"):
        pareto_ranks([[1.0, 2.0]], ["min", "up"])
    with pytest.raises(ValueError, match="NaN"):
        pareto_ranks([[1.0, float("nan")]], ["min", "min"])
    with pytest.raises(ValueError, match="3 columns but 2"):
        pareto_ranks([[1.0, 2.0, 3.0]], ["min", "min"])
    assert pareto_ranks(np.zeros((0, 2)), ["min", "min"]).tolist() == []


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
