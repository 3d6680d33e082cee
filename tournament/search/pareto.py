"""Pareto fronts and hypervolumes of objective vectors, in a normalised loss space.

Every objective is turned into a loss (maximised ones negated), then scaled by
``(loss - ideal) / (nadir - ideal)``, where the ideal and nadir points are those of a Pareto
front (the study's feasible front, or a benchmark's whole grid's front): the front spans
[0, 1] on every axis and the reference point is 1.1 on every axis (10 % beyond the nadir), the
usual choice in multi-objective benchmarks. Hypervolumes are therefore unit-free, comparable
between methods that share the front, and at most ``1.1 ** n_objectives``; points beyond the
reference add nothing. (Bounds over *all* points instead would let a few very bad
configurations stretch every axis, squeezing all reasonable ones next to the ideal.)
Fronts, ranks and hypervolumes are those of :mod:`tournament.ranking` (exact, sorting-based).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tournament.ranking.hypervolume import loss_hypervolume
from tournament.ranking.pareto import loss_front_mask, loss_ranks

REFERENCE = 1.1


def losses(points: Sequence[Sequence[float]], maximize: Sequence[bool]) -> np.ndarray:
    """``points`` as losses (maximised objectives negated), shape (n, objectives)."""
    array = np.asarray(points, dtype=float).reshape(-1, len(maximize))
    return np.where(np.asarray(maximize, dtype=bool), -array, array)


def nondominated(loss: np.ndarray) -> np.ndarray:
    """Mask of the rows of ``loss`` that no other row dominates (equal rows are all kept).

    Raises:
        ValueError: a value is NaN.
    """
    return loss_front_mask(loss)


def pareto_ranks(loss: np.ndarray) -> np.ndarray:
    """Non-domination rank of each row: 0 for the front, 1 for the front without it, ...

    Raises:
        ValueError: a value is NaN.
    """
    return loss_ranks(loss) - 1


class Normalizer:
    """Scales losses so that the bounding points span [0, 1] per objective (see the module)."""

    def __init__(self, bounding_loss: np.ndarray) -> None:
        if bounding_loss.size == 0:
            raise ValueError("no bounding points")
        self.best = bounding_loss.min(axis=0)
        span = bounding_loss.max(axis=0) - self.best
        self.span = np.where(span > 0, span, 1.0)

    @classmethod
    def of_front(cls, loss: np.ndarray) -> Normalizer:
        """Bounds from the ideal and nadir points of the Pareto front of ``loss``."""
        return cls(loss[nondominated(loss)])

    def __call__(self, loss: np.ndarray) -> np.ndarray:
        return (loss - self.best) / self.span


def hypervolume(normalized: np.ndarray) -> float:
    """Hypervolume of normalised losses against the reference 1.1 (points beyond it ignored)."""
    if normalized.size == 0:
        return 0.0
    return loss_hypervolume(normalized, np.full(normalized.shape[1], REFERENCE))
