"""Objectives: result columns the search can optimise, each with its direction.

An objective is a numeric column of a result row (see ``tourney results``); its direction is
the ranking's (:data:`tournament.ranking.objectives.DIRECTIONS`), not chosen by the user, so
that "better" means the same on the leaderboard and in the search.
"""

from __future__ import annotations

from dataclasses import dataclass

from tournament.errors import UserError
from tournament.ranking.objectives import DIRECTIONS as RANKABLE

MAXIMIZE = "maximize"
MINIMIZE = "minimize"

DIRECTIONS: dict[str, str] = {
    name: MAXIMIZE if way == "max" else MINIMIZE for name, way in RANKABLE.items()
}
"""Every objective the search knows (the rankable metrics of :mod:`tournament.ranking`), with
Optuna's name of its direction."""

DEFAULT_OBJECTIVES = ("throughput_sps", "cost_usd_per_million", "energy_j_per_query")


@dataclass(frozen=True)
class Objective:
    """One objective: a result column and whether larger or smaller is better."""

    name: str
    direction: str

    @property
    def maximize(self) -> bool:
        return self.direction == MAXIMIZE


def objective(name: str) -> Objective:
    """The objective called ``name``.

    Raises:
        UserError: ``name`` is not a known objective.
    """
    if name not in DIRECTIONS:
        raise UserError(
            f"objectives: unknown objective {name!r}; expected some of: "
            f"{', '.join(sorted(DIRECTIONS))}."
        )
    return Objective(name, DIRECTIONS[name])


def parse_objectives(text: str | tuple[str, ...] | list[str]) -> tuple[Objective, ...]:
    """Objectives from a comma-separated string or a sequence of names, in order.

    Raises:
        UserError: an unknown or repeated name, or none at all.
    """
    names = [n.strip() for n in text.split(",")] if isinstance(text, str) else list(text)
    names = [n for n in names if n]
    if not names:
        raise UserError("objectives: expected at least one objective name.")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise UserError(f"objectives: {', '.join(repeated)} given more than once.")
    return tuple(objective(n) for n in names)
