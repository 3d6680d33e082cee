"""Pareto fronts and normalised hypervolumes."""

from __future__ import annotations

import numpy as np
import pytest

from tournament.ranking.pareto import loss_ranks
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


def test_ranks_are_the_ranking_ranks_from_zero() -> None:
    rng = np.random.default_rng(3)
    loss = rng.integers(0, 4, size=(200, 3)).astype(float)
    assert (pareto.pareto_ranks(loss) == loss_ranks(loss) - 1).all()
    assert (pareto.nondominated(loss) == (pareto.pareto_ranks(loss) == 0)).all()


def test_hypervolume_matches_optuna() -> None:
    from optuna._hypervolume import compute_hypervolume

    rng = np.random.default_rng(4)
    for d in (2, 3, 4):
        normalized = rng.random((40, d)) * 1.3  # some beyond the reference
        inside = normalized[np.all(normalized <= pareto.REFERENCE, axis=1)]
        expected = compute_hypervolume(inside, np.full(d, pareto.REFERENCE))
        assert pareto.hypervolume(normalized) == pytest.approx(expected, rel=1e-12)


def test_nan_is_refused() -> None:
    with pytest.raises(ValueError, match="NaN"):
        pareto.nondominated(np.array([[0.0, float("nan")]]))
