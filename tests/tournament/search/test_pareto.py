"""Pareto fronts and normalised hypervolumes."""

from __future__ import annotations

import numpy as np
import pytest

from tournament.search import pareto


def test_losses_negate_maximised_objectives() -> None:
    loss = pareto.losses([[10.0, 2.0]], [True, False])
    assert loss.tolist() == [[-10.0, 2.0]]


def test_nondominated_and_ranks() -> None:
    loss = np.array([[1.0, 4.0], [2.0, 2.0], [4.0, 1.0], [3.0, 3.0], [4.0, 4.0], [2.0, 2.0]])
    assert pareto.nondominated(loss).tolist() == [True, True, True, False, False, True]
    assert pareto.pareto_ranks(loss).tolist() == [0, 0, 0, 1, 2, 0]


def test_hypervolume_of_known_fronts() -> None:
    assert pareto.hypervolume(np.array([[0.0, 0.0]])) == pytest.approx(1.21)
    two = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert pareto.hypervolume(two) == pytest.approx(0.11 + 0.11 - 0.01)
    assert pareto.hypervolume(np.array([[2.0, 2.0]])) == 0.0  # beyond the reference
    assert pareto.hypervolume(np.empty((0, 2))) == 0.0


def test_normalizer_maps_bounds_to_unit_box() -> None:
    loss = np.array([[1.0, 10.0], [3.0, 10.0]])
    scaled = pareto.Normalizer(loss)(loss)
    assert scaled.tolist() == [[0.0, 0.0], [1.0, 0.0]]
