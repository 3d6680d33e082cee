"""Hypervolume, checked against counting grid cells and against Optuna's WFG implementation."""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from optuna._hypervolume import compute_hypervolume

from tournament.ranking.hypervolume import (
    REFERENCE,
    hypervolume,
    loss_hypervolume,
    reference_point,
)

SIDE = 4


def counted_cells(loss: np.ndarray, reference: int) -> int:
    """Hypervolume of integer points by definition: the unit cells [c, c + 1) some point is
    <= (the cells run from the least coordinate up to the reference)."""
    low = int(loss.min())
    if low >= reference:
        return 0
    cells = np.array(list(product(range(low, reference), repeat=loss.shape[1])))
    covered = np.all(loss[None, :, :] <= cells[:, None, :], axis=2)
    return int(np.any(covered, axis=1).sum())


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda d: st.lists(
            st.lists(st.integers(0, SIDE + 1), min_size=d, max_size=d), min_size=1, max_size=20
        )
    )
)
def test_integer_points_match_counted_cells(rows: list[list[int]]) -> None:
    loss = np.array(rows, dtype=float)
    reference = np.full(loss.shape[1], float(SIDE))
    assert loss_hypervolume(loss, reference) == counted_cells(loss, SIDE)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 5), st.integers(1, 40), st.integers(0, 2**32 - 1), st.booleans())
def test_matches_optuna(d: int, n: int, seed: int, grid: bool) -> None:
    rng = np.random.default_rng(seed)
    loss = rng.integers(0, 4, size=(n, d)).astype(float) if grid else rng.random((n, d))
    reference = np.full(d, 4.0 if grid else 1.1)
    expected = compute_hypervolume(loss, reference)
    assert loss_hypervolume(loss, reference) == pytest.approx(expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("d", [2, 3, 4])
@pytest.mark.parametrize("seed", range(6))
def test_matches_optuna_on_random_points(d: int, seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    points = rng.random((30, d))
    reference = np.full(d, 1.1)
    expected = compute_hypervolume(points, reference)
    assert hypervolume(points, ["min"] * d, reference) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("d", [2, 3])
def test_large_fronts_match_optuna(d: int) -> None:
    rng = np.random.default_rng(d)
    points = rng.random((2000, d))
    points /= np.linalg.norm(points, axis=1, keepdims=True)  # most of them on the front
    reference = np.full(d, 1.1)
    expected = compute_hypervolume(points, reference)
    assert loss_hypervolume(points, reference) == pytest.approx(expected, rel=1e-10)


def test_maximised_objectives_are_mirrored() -> None:
    rng = np.random.default_rng(7)
    points = rng.random((25, 3))
    directions = ["min", "max", "max"]
    reference = np.array([1.5, -0.5, 0.0])
    loss = points * np.array([1.0, -1.0, -1.0])
    expected = compute_hypervolume(loss, reference * np.array([1.0, -1.0, -1.0]))
    assert hypervolume(points, directions, reference) == pytest.approx(expected, rel=1e-12)


def test_points_beyond_the_reference_add_nothing() -> None:
    points = np.array([[0.5, 0.5], [2.0, 0.1], [0.1, 2.0], [1.0, 0.2]])
    assert hypervolume(points, ["min", "min"], [1.0, 1.0]) == pytest.approx(0.25)
    assert hypervolume(np.zeros((0, 2)), ["min", "min"], [1.0, 1.0]) == 0.0
    assert loss_hypervolume(np.zeros((0, 3)), [1.0, 1.0, 1.0]) == 0.0


def test_unbounded_points_and_bad_input() -> None:
    assert loss_hypervolume([[-np.inf, 0.0]], [1.0, 1.0]) == float("inf")
    assert loss_hypervolume([[-np.inf, 2.0]], [1.0, 1.0]) == 0.0  # beyond in y
    with pytest.raises(ValueError, match="NaN"):
        loss_hypervolume([[np.nan, 0.0]], [1.0, 1.0])
    with pytest.raises(ValueError, match="do not match"):
        loss_hypervolume([[0.0, 0.0, 0.0]], [1.0, 1.0])


def test_reference_point_defaults_and_overrides() -> None:
    objectives = ["latency_p90_ms", "quality_ratio"]
    assert reference_point(objectives) == [REFERENCE["latency_p90_ms"], REFERENCE["quality_ratio"]]
    assert reference_point(objectives, {"quality_ratio": 0.9}) == [REFERENCE["latency_p90_ms"], 0.9]
    with pytest.raises(ValueError, match="finite"):
        hypervolume([[1.0]], ["min"], [float("inf")])
