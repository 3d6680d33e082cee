"""What defines a study: workload, machines, objectives, constraint, scenario, rules and space.

:class:`SearchSettings` is stored with the study; a resumed or extended search must use the same
settings (the budget, sampler and seed may change between sessions, see :class:`RunOptions`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tournament.cost import COST_FIGURES
from tournament.errors import UserError
from tournament.harness.base import Rules
from tournament.hashing import sha256_of
from tournament.search.derive import SpaceSpec
from tournament.search.objectives import (
    DEFAULT_OBJECTIVES,
    Objective,
    parse_objectives,
    unpriced,
)

STUDY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,47}$")
"""Study names: 1-48 characters, so that trial names ``<study>-t<number>`` stay valid names."""

TEAM = "optuna"
"""The team of every submission the search enters."""


def quick_rules() -> dict[str, Any]:
    """Screening rules: :meth:`Rules.quick` (short, not comparable with full runs)."""
    return Rules.quick().model_dump(mode="json")


def full_rules() -> dict[str, Any]:
    """Full rules: the defaults of ``tourney run``, so finds compare with human entries."""
    return Rules().model_dump(mode="json")


class SearchSettings(BaseModel):
    """The identity of a study (stored with it; see the module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    workload: str
    machines: tuple[str, ...] = ("local",)
    objectives: tuple[str, ...] = DEFAULT_OBJECTIVES
    min_quality_ratio: float = Field(default=0.99, gt=0, le=10)
    scenario: str = "offline"
    screening_rules: dict[str, Any] = Field(default_factory=quick_rules)
    full_rules: dict[str, Any] | None = Field(default_factory=full_rules)
    space: SpaceSpec = SpaceSpec()
    round_name: str = ""

    @field_validator("objectives")
    @classmethod
    def _known_objectives(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(o.name for o in parse_objectives(value))

    @field_validator("screening_rules", "full_rules")
    @classmethod
    def _valid_rules(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if value is None else Rules.model_validate(value).model_dump(mode="json")

    @field_validator("scenario")
    @classmethod
    def _known_scenario(cls, value: str) -> str:
        from tournament import harness

        if value not in harness.names():
            raise UserError(
                f"scenario: unknown scenario {value!r}; expected one of: "
                f"{', '.join(harness.names())}."
            )
        return value

    @field_validator("machines")
    @classmethod
    def _some_machines(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or len(set(value)) != len(value):
            raise ValueError("expected one or more distinct machine ids")
        return value

    @model_validator(mode="after")
    def _rules_fit_the_scenario(self) -> SearchSettings:
        from tournament import harness

        check = harness.get(self.scenario).check
        problems = []
        for name in ("screening_rules", "full_rules"):
            rules = getattr(self, name)
            if rules is not None:
                problems += [_prefixed(name, p) for p in check(Rules.model_validate(rules))]
        if problems:
            raise UserError(problems)
        return self

    def check_prices(
        self, machines: Mapping[str, Mapping[str, Any]], providers: Mapping[str, Sequence[str]]
    ) -> None:
        """Refuse cost objectives on machines without the price they are derived from.

        ``machines`` are the machine specs by id, ``providers`` the execution providers the
        space uses on each (:attr:`SearchSpace.providers`).

        Raises:
            UserError: one sentence per cost objective and machine that cannot give it.
        """
        wanted = [o for o in self.objective_list() if o.name in COST_FIGURES]
        problems = []
        for machine_id, used in providers.items():
            lacking = set().union(*(unpriced(machines[machine_id], p) for p in used))
            problems += [
                f"objectives: {o.name} is unknown on machine {machine_id!r}, which lacks the "
                f"price, tariff or peak it is derived from ({_lowered(o.metric.description)}; "
                "none or 0 counts as missing); register the machine's prices with `tourney "
                f"machines register`, or leave {o.name} out of the objectives."
                for o in wanted
                if o.name in lacking
            ]
        if problems:
            raise UserError(problems)

    def objective_list(self) -> tuple[Objective, ...]:
        """The objectives, with their directions."""
        return parse_objectives(self.objectives)

    def fingerprint(self) -> str:
        """sha256 of the canonical JSON of these settings."""
        return sha256_of(self.model_dump(mode="json"))

    def default_study_name(self) -> str:
        """``<workload>-<8 hex digits of the settings>``: the same command resumes the study."""
        return f"{self.workload[:39]}-{self.fingerprint()[:8]}"


@dataclass(frozen=True)
class RunOptions:
    """How one session runs a study: budget, sampler, parallelism, backend, promotion.

    ``trials`` counts distinct configurations evaluated by the study (see docs/search.md);
    ``eta`` is the successive-halving factor: the best ``ceil(trials / eta)`` feasible trials
    get a full-rule run (``promote=False`` skips that stage).
    """

    trials: int = 20
    sampler: str = "tpe"
    seed: int | None = None
    eta: int = 3
    promote: bool = True
    parallel: int | None = None
    backend: str = "ray"
    ray_address: str | None = None
    machine_wait_s: float = 60.0
    export_dir: Path | None = None
    export_team: str = TEAM

    def __post_init__(self) -> None:
        if self.trials < 1:
            raise UserError(f"trials: expected at least 1, got {self.trials}.")
        if self.eta < 2:
            raise UserError(f"eta: expected at least 2, got {self.eta}.")
        if self.parallel is not None and self.parallel < 1:
            raise UserError(f"parallel: expected at least 1, got {self.parallel}.")
        from tournament.runner import BACKENDS

        if self.backend not in BACKENDS:
            raise UserError(
                f"backend: expected one of {', '.join(BACKENDS.names())}, got {self.backend!r}."
            )


def _lowered(description: str) -> str:
    """A metric's description as part of a sentence."""
    return description[:1].lower() + description[1:].rstrip(".")


def _prefixed(field: str, problem: str) -> str:
    """A scenario's problem with rules as a sentence naming the settings field."""
    if problem.startswith("rules."):
        return f"{field}.{problem.removeprefix('rules.')}"
    return f"{field}: {problem}"


def check_study_name(name: str) -> str:
    """``name`` if it is a valid study name.

    Raises:
        UserError: more than 48 characters, or characters other than letters, digits, ``_.-``.
    """
    if not STUDY_PATTERN.match(name):
        raise UserError(
            f"study: expected 1-48 letters, digits, '_', '.' or '-' starting with a letter or "
            f"digit, got {name!r}."
        )
    return name
