"""The round spec: what a round measures and under which rules, as an organiser writes it.

Structure (types, bounds, unknown keys) is checked here by pydantic; names against the
registries (workloads, variants, runtimes, machines) by :func:`registry_problems`. Every
problem is one sentence ``field.path: what was expected`` (see ``docs/rounds.md``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from tournament.cost.prices import PriceTable
from tournament.harness.base import Rules
from tournament.schema.submission import NAME_PATTERN, Quantization

Ratio = Annotated[float, Field(gt=0, le=1, strict=True)]
Seed = Annotated[int, Field(ge=0, le=2**31 - 1, strict=True)]
CLASS_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z._-]{0,15}$"


class Division(StrEnum):
    """Closed: only the listed runtimes and quantizations; open: any valid configuration."""

    CLOSED = "closed"
    OPEN = "open"


class _Frozen(BaseModel):
    # Finite numbers only (no NaN or infinity in any spelling); numbers must be numbers.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


StrictFloat = Annotated[float, Field(strict=True, allow_inf_nan=False)]
"""A finite number given as a number (an int is a number; a string or a bool is not)."""
StrictInt = Annotated[int, Field(strict=True)]


LEGACY_OBJECTIVES = {"quality": "quality_ratio"}
"""Objective names of specs stored before 2026-12 -> today's. The raw quality objective became
its ratio to the fp32 reference; both built-in workloads have references near 1 (accuracy 0.98,
cosine 1.0), so a stored reference point keeps its meaning closely."""


class WorkloadRules(_Frozen):
    """What a round accepts of one workload and how it gates and scores it."""

    variants: tuple[str, ...] = Field(
        default=(), max_length=32, description="Allowed variants; empty: every variant."
    )
    target_ratios: dict[Annotated[str, Field(pattern=CLASS_PATTERN)], Ratio] = Field(
        default_factory=lambda: {"99": 0.99},
        min_length=1,
        max_length=4,
        description="Accuracy classes: name -> quality / fp32 reference needed (MLPerf 99 %).",
    )
    hypervolume_reference: dict[str, StrictFloat] = Field(
        default_factory=dict, description="Reference point per objective (default: REFERENCE)."
    )

    @field_validator("target_ratios", mode="before")
    @classmethod
    def _one_class(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {f"{value * 100:g}": value}
        return value

    @field_validator("hypervolume_reference", mode="before")
    @classmethod
    def _legacy_objectives(cls, value: Any, info: ValidationInfo) -> Any:
        """A stored spec may name objectives by their old names: read them as the new ones."""
        if not (isinstance(value, dict) and (info.context or {}).get("stored")):
            return value
        return {LEGACY_OBJECTIVES.get(k, k): v for k, v in value.items()}

    @field_validator("hypervolume_reference")
    @classmethod
    def _known_objectives(cls, value: dict[str, float]) -> dict[str, float]:
        from tournament.results.metrics import objectives

        known = [m.name for m in objectives()]
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise ValueError(
                f"unknown objective(s) {', '.join(unknown)}; expected some of "
                f"{', '.join(sorted(known))}"
            )
        return value


class RoundSpec(_Frozen):
    """A round: workloads, division, scenarios with their rules, machines, prices, timing."""

    name: str = Field(pattern=NAME_PATTERN, description="The round's name (its identity).")
    description: str = Field(default="", max_length=4000)
    division: Division
    runtimes: tuple[str, ...] = Field(default=(), max_length=16)
    quantizations: tuple[Quantization, ...] = Field(default=(), max_length=8)
    workloads: dict[str, WorkloadRules] = Field(min_length=1, max_length=16)
    scenarios: dict[str, Rules] = Field(
        min_length=1, description="Scenario (a registered name) -> its measurement rules."
    )
    machines: tuple[Annotated[str, Field(pattern=NAME_PATTERN)], ...] = Field(
        default=("local",), min_length=1, max_length=64
    )
    prices: PriceTable | None = None
    seeds: tuple[Seed, ...] = Field(default=(0,), min_length=1, max_length=16)
    repeats: StrictInt = Field(default=1, ge=1, le=100)
    opens_at: AwareDatetime | None = None
    closes_at: AwareDatetime | None = None
    schedule: str | None = Field(default=None, max_length=128, description="Cron expression.")

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        from croniter import croniter

        if value is None:
            return value
        if not croniter.is_valid(value):
            raise ValueError(f"not a valid cron expression: {value!r}")
        if never_fires(value):
            raise ValueError(
                f"the cron expression {value!r} never fires (no date matches it); expected one "
                "that does, e.g. '0 9 * * 1' (Mondays at 09:00 UTC)"
            )
        return value

    @field_validator("seeds")
    @classmethod
    def _unique_seeds(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if len(set(value)) != len(value):
            raise ValueError("seeds must be distinct")
        return value

    def rules_for(self, scenario: str, seed: int) -> dict[str, Any]:
        """The measurement rules of ``scenario`` with ``seed``, as stored with each run."""
        return {**self.scenarios[scenario].model_dump(mode="json"), "seed": seed}

    def plan(self) -> list[tuple[str, dict[str, Any]]]:
        """Every (scenario, rules) the round measures each entry under (x ``repeats``)."""
        return [(s, self.rules_for(s, seed)) for s in self.scenarios for seed in self.seeds]

    def to_json(self) -> dict[str, Any]:
        """The canonical JSON form stored (and hashed) in the rounds table."""
        return self.model_dump(mode="json")


def consistency_problems(spec: RoundSpec) -> list[str]:
    """Rules that tie fields together: division lists, server load, times, prices."""
    return (
        _division_problems(spec)
        + _scenario_problems(spec)
        + _timing_problems(spec)
        + _price_problems(spec)
    )


def _division_problems(spec: RoundSpec) -> list[str]:
    if spec.division is Division.CLOSED:
        return [
            f"{field}: a closed division lists its allowed {field}; add at least one."
            for field in ("runtimes", "quantizations")
            if not getattr(spec, field)
        ]
    return [
        f"{field}: an open division accepts any valid configuration; remove {field} or make "
        "the division closed."
        for field in ("runtimes", "quantizations")
        if getattr(spec, field)
    ]


def _scenario_problems(spec: RoundSpec) -> list[str]:
    """Each scenario's own checks of its rules (unknown names: see :func:`registry_problems`)."""
    from tournament import harness

    problems = []
    for name, rules in spec.scenarios.items():
        if "seed" in rules.model_fields_set:
            problems.append(
                f"scenarios.{_key(name)}.seed: set seeds at the top level (seeds: [...])."
            )
        if name in harness.names():
            problems += [
                _under(f"scenarios.{_key(name)}", p) for p in harness.get(name).check(rules)
            ]
    return problems


def _under(prefix: str, problem: str) -> str:
    """A scenario check's ``rules.field: ...`` sentence, with the field under ``prefix``."""
    return f"{prefix}.{problem.removeprefix('rules.')}"


def _timing_problems(spec: RoundSpec) -> list[str]:
    if spec.opens_at and spec.closes_at and spec.closes_at <= spec.opens_at:
        return ["closes_at: expected a time later than opens_at."]
    return []


def _price_problems(spec: RoundSpec) -> list[str]:
    if spec.prices is None:
        return []
    unknown = sorted(set(spec.prices.root) - set(spec.machines))
    return [f"prices.{_key(m)}: machine {m!r} is not one of the round's machines." for m in unknown]


def _key(name: str) -> str:
    """A user-chosen key as a field-path segment: quoted (JSON) unless it is a plain name."""
    return name if re.fullmatch(r"[A-Za-z0-9_\-]{1,64}", name) else json.dumps(name[:30])


def registry_problems(spec: RoundSpec, known_machines: Iterable[str] | None = None) -> list[str]:
    """Names checked against the registries: workloads, variants, scenarios, runtimes,
    machines."""
    from tournament import harness, runtimes, workloads

    problems = []
    for name, rules in spec.workloads.items():
        if name not in workloads.names():
            problems.append(
                f"workloads.{_key(name)}: unknown workload; expected one of: "
                f"{', '.join(workloads.names())}."
            )
            continue
        known = workloads.get(name).variants
        problems += [
            f"workloads.{_key(name)}.variants: unknown variant {v!r}; expected one of: "
            f"{', '.join(known)}."
            for v in rules.variants
            if v not in known
        ]
    problems += [
        f"scenarios.{_key(s)}: unknown scenario; expected one of: {', '.join(harness.names())}."
        for s in spec.scenarios
        if s not in harness.names()
    ]
    problems += [
        f"runtimes: unknown runtime {r!r}; expected one of: {', '.join(runtimes.names())}."
        for r in spec.runtimes
        if r not in runtimes.names()
    ]
    if known_machines is not None:
        machines = sorted(set(known_machines))
        problems += [
            f"machines: unknown machine {m!r}; expected one of: {', '.join(machines)} "
            "(register one with `tourney machines register`)."
            for m in spec.machines
            if m not in machines
        ]
    return problems


def opens_due(spec: RoundSpec, created_at: datetime, now: datetime) -> bool:
    """Whether a draft round is due to open: ``opens_at`` passed, or the first cron fire of
    ``schedule`` at or after the round's creation passed (and it is not due to close)."""
    start = spec.opens_at or first_fire(spec, created_at)
    return start is not None and start <= now and not closes_due(spec, start, now)


def closes_due(spec: RoundSpec, opened_at: datetime | None, now: datetime) -> bool:
    """Whether an opened round is due to close: ``closes_at`` passed, or (cron) the fire after
    the one that opened it passed."""
    end = close_time(spec, opened_at)
    return end is not None and end <= now


def close_time(spec: RoundSpec, opened_at: datetime | None) -> datetime | None:
    """When the round closes: ``closes_at``, else the next cron fire after ``opened_at``."""
    if spec.closes_at is not None:
        return spec.closes_at
    if spec.schedule is None or opened_at is None:
        return None
    return _next_fire(spec.schedule, opened_at)


def first_fire(spec: RoundSpec, after: datetime) -> datetime | None:
    """The first fire of the cron ``schedule`` at or after ``after`` (None without one)."""
    if spec.schedule is None:
        return None
    return _next_fire(spec.schedule, after - timedelta(seconds=1))


def never_fires(expression: str) -> bool:
    """Whether a valid cron ``expression`` matches no date at all (``0 0 30 2 *``)."""
    from croniter import CroniterBadDateError

    try:
        _next_fire(expression, datetime(2000, 1, 1, tzinfo=UTC))
    except CroniterBadDateError:
        return True
    return False


def _next_fire(expression: str, after: datetime) -> datetime:
    from croniter import croniter

    fire: datetime = croniter(expression, after).get_next(datetime)
    return fire
