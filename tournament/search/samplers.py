"""Optuna samplers by name, set up for small, conditional, multi-objective spaces.

``grid`` is exhaustive enumeration of the derived space in a seeded random order (Optuna's
``GridSampler`` needs a fixed, unconditional space, which ours is not): the search loop enqueues
each configuration once, and :class:`~optuna.samplers.RandomSampler` serves the enqueued trials.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from tournament.errors import UserError

if TYPE_CHECKING:
    from optuna.samplers import BaseSampler

SAMPLERS = ("tpe", "nsga2", "gp", "random", "grid")


def make_sampler(name: str, *, seed: int | None, trials: int) -> BaseSampler:
    """The sampler called ``name`` for a budget of ``trials``.

    * ``tpe``: multivariate, grouped TPE (conditional parameters) with the constant liar for
      trials in flight; ``min(10, max(2, trials // 5))`` random start-up trials.
    * ``nsga2``: NSGA-II with a population of ``max(4, min(50, trials // 5))``.
    * ``gp``: Optuna's Gaussian-process sampler.
    * ``random`` and ``grid``: random sampling (``grid`` enqueues every configuration).

    Raises:
        UserError: an unknown name.
    """
    import optuna
    from optuna.exceptions import ExperimentalWarning

    if name not in SAMPLERS:
        raise UserError(f"sampler: expected one of {', '.join(SAMPLERS)}, got {name!r}.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        if name == "tpe":
            return optuna.samplers.TPESampler(
                seed=seed,
                multivariate=True,
                group=True,
                constant_liar=True,
                n_startup_trials=min(10, max(2, trials // 5)),
            )
        if name == "nsga2":
            return optuna.samplers.NSGAIISampler(
                seed=seed, population_size=max(4, min(50, trials // 5))
            )
        if name == "gp":
            return optuna.samplers.GPSampler(seed=seed, warn_independent_sampling=False)
        return optuna.samplers.RandomSampler(seed=seed)
