"""Hypervolume, checked against Optuna's exact WFG implementation."""

from __future__ import annotations

import numpy as np
import pytest
from optuna._hypervolume import compute_hypervolume

from tournament.ranking.hypervolume import REFERENCE, hypervolume, reference_point


@pytest.mark.parametrize("d", [2, 3, 4])
@pytest.mark.parametrize("seed", range(6))
def test_matches_optuna_on_random_points(d: int, seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    points = rng.random((30, d))
    reference = np.full(d, 1.1)
    expected = compute_hypervolume(points, reference)
    assert hypervolume(points, ["min"] * d, reference) == pytest.approx(expected, rel=1e-12)


def test_maximised_objectives_are_mirrored() -> None:
    rng = np.random.default_rng(7)
    points = rng.random((25, 3))
    directions = ["min", "max", "max"]
    reference = np.array([1.5, -0.5, 0.0])
    loss = points * np.array([1.0, -1.0, -1.0])
    expected = compute_hypervolume(loss, reference * np.array([1.0, -1.0, -1.0]))
    assert hypervolume(points, directions, reference) == pytest.approx(expected, rel=1e-12)


def test_points_beyond_the_reference_add_nothing() -> None:
    points = np.array([[0.5, 0.5], [2.0, 0.1], [0.1, 2.0]])
    assert hypervolume(points, ["min", "min"], [1.0, 1.0]) == pytest.approx(0.25)
    assert hypervolume(np.zeros((0, 2)), ["min", "min"], [1.0, 1.0]) == 0.0


def test_reference_point_defaults_and_overrides() -> None:
    objectives = ["latency_p90_ms", "quality"]
    assert reference_point(objectives) == [REFERENCE["latency_p90_ms"], REFERENCE["quality"]]
    assert reference_point(objectives, {"quality": 0.9}) == [REFERENCE["latency_p90_ms"], 0.9]
    with pytest.raises(ValueError, match="finite"):
        hypervolume([[1.0]], ["min"], [float("inf")])
