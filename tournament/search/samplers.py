"""Samplers: how a search proposes configurations, each an Optuna sampler made by name.

Every sampler is a ``tourney.samplers`` entry point. Built-ins, set up for small, conditional,
multi-objective spaces:

* ``tpe``: multivariate, grouped TPE (conditional parameters) with the constant liar for trials in
  flight; ``min(10, max(2, trials // 5))`` random start-up trials.
* ``nsga2``: NSGA-II with a population of ``max(4, min(50, trials // 5))``.
* ``gp``: Optuna's Gaussian-process sampler.
* ``random``: random sampling.
* ``grid``: exhaustive enumeration of the derived space in a seeded random order (Optuna's
  ``GridSampler`` needs a fixed, unconditional space, which ours is not): it
  :attr:`~Sampler.enumerates`, so the search loop enqueues each configuration once and
  :class:`~optuna.samplers.RandomSampler` serves the enqueued trials.
"""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

from tournament.errors import UserError
from tournament.plugins import Registry

if TYPE_CHECKING:
    from optuna.samplers import BaseSampler


class Sampler(ABC):
    """Makes the Optuna sampler of one search session.

    Contract:
    * ``create`` returns a fresh :class:`optuna.samplers.BaseSampler` for a budget of ``trials``
      distinct configurations, seeded by ``seed`` (None: unseeded); it imports Optuna itself.
    * ``enumerates`` True: the search loop enqueues every configuration of the space once, in an
      order seeded by ``seed``, and the sampler only has to serve enqueued trials.
    """

    name: str
    description: str
    enumerates: ClassVar[bool] = False

    @abstractmethod
    def create(self, *, seed: int | None, trials: int) -> BaseSampler:
        """The Optuna sampler."""


class Tpe(Sampler):
    name = "tpe"
    description = "Multivariate grouped TPE with the constant liar."

    def create(self, *, seed: int | None, trials: int) -> BaseSampler:
        import optuna

        return optuna.samplers.TPESampler(
            seed=seed,
            multivariate=True,
            group=True,
            constant_liar=True,
            n_startup_trials=min(10, max(2, trials // 5)),
        )


class Nsga2(Sampler):
    name = "nsga2"
    description = "NSGA-II, population max(4, min(50, trials // 5))."

    def create(self, *, seed: int | None, trials: int) -> BaseSampler:
        import optuna

        return optuna.samplers.NSGAIISampler(
            seed=seed, population_size=max(4, min(50, trials // 5))
        )


class Gp(Sampler):
    name = "gp"
    description = "Optuna's Gaussian-process sampler."

    def create(self, *, seed: int | None, trials: int) -> BaseSampler:
        import optuna

        return optuna.samplers.GPSampler(seed=seed, warn_independent_sampling=False)


class RandomSearch(Sampler):
    name = "random"
    description = "Uniform random sampling."

    def create(self, *, seed: int | None, trials: int) -> BaseSampler:
        import optuna

        return optuna.samplers.RandomSampler(seed=seed)


class Grid(RandomSearch):
    name = "grid"
    description = "Every configuration once, in a seeded random order."
    enumerates = True


SAMPLERS: Registry[Sampler] = Registry("tourney.samplers", Sampler, kind="sampler")
"""Samplers by name (entry-point group ``tourney.samplers``)."""


def make_sampler(name: str, *, seed: int | None, trials: int) -> BaseSampler:
    """The sampler called ``name`` for a budget of ``trials``.

    Raises:
        UserError: an unknown name.
        PluginError: its plugin does not load.
    """
    from optuna.exceptions import ExperimentalWarning

    if name not in SAMPLERS:
        raise UserError(f"sampler: expected one of {', '.join(SAMPLERS.names())}, got {name!r}.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        return SAMPLERS.get(name).create(seed=seed, trials=trials)
