"""Objectives: figures of the metric table the search can optimise, each with its direction.

An objective is a metric of :data:`tournament.results.METRICS` that may be an objective
(:attr:`~tournament.results.Metric.objective`); its direction is the metric's, never chosen by
the user, so that "better" means the same on the leaderboard and in the search. Quality enters
as ``quality_ratio`` (quality over the fp32 reference's, oriented so that higher is always
better), never as the raw quality, whose direction depends on the workload.

Cost figures are derived from the machine's prices (:mod:`tournament.cost`); a price nobody
gave leaves them unknown, so a cost objective on such a machine is refused up front
(:func:`unpriced`), and a trial whose objective figure is unknown fails (never 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tournament.errors import UserError
from tournament.results import BY_NAME, Artifact, Estimate, Metric, Quality, Result, metric
from tournament.results.metrics import objectives as objective_metrics

MAXIMIZE = "maximize"
MINIMIZE = "minimize"

DEFAULT_OBJECTIVES = ("throughput_sps", "cost_usd_per_million")
"""Energy is not a default: without a hardware meter it is an estimate from CPU time (latency
rescaled, not a second measurement); a study may name it, and it is then labelled estimate."""


@dataclass(frozen=True)
class Objective:
    """One objective: a metric of the metric table, optimised in the metric's direction."""

    metric: Metric

    @property
    def name(self) -> str:
        return self.metric.name

    @property
    def maximize(self) -> bool:
        return self.metric.higher_is_better

    @property
    def direction(self) -> str:
        """Optuna's name of the direction: ``maximize`` or ``minimize``."""
        return MAXIMIZE if self.maximize else MINIMIZE


def objective_names() -> list[str]:
    """Every metric that may be a search objective, in the metric table's order."""
    return [m.name for m in objective_metrics()]


def objective(name: str) -> Objective:
    """The objective called ``name``.

    Raises:
        UserError: ``name`` is not a metric, or a metric that may not be an objective.
    """
    expected = f"expected some of: {', '.join(objective_names())}."
    if name not in BY_NAME:
        raise UserError(f"objectives: unknown objective {name!r}; {expected}")
    found = metric(name)
    if not found.objective:
        raise UserError(f"objectives: {name!r} may not be an objective; {expected}")
    return Objective(found)


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


def unpriced(machine: Mapping[str, Any], provider: str = "cpu") -> set[str]:
    """The cost figures that ``machine`` (a machine spec) cannot give on ``provider``.

    Found by pricing a unit result through the one cost path (:func:`tournament.cost.costs`):
    a figure that comes out unknown, or 0 because its price is 0 (how a machine registered
    without a price records it), has no price to be derived from.
    """
    from tournament.cost import COST_FIGURES, costs, pricing_for

    config = {"runtime_options": {"execution_provider": provider}}
    figures = costs(_unit_result(), pricing_for(machine, config))
    return {name for name in COST_FIGURES if not _positive(figures.get(name))}


def _positive(figure: Estimate | None) -> bool:
    return figure is not None and figure.value > 0


def _unit_result() -> Result:
    """A result of one sample per second, 1 J per sample and 1 GFLOP/s (a probe, not data)."""
    from tournament import harness

    one = Estimate(1.0)
    return Result(
        scenario=harness.names()[0],
        rules={},
        batch_size=1,
        queries=1,
        samples=1,
        duration_s=1.0,
        min_rules_met=True,
        quality=Quality(1.0, "probe", True, 1.0, 1.0),
        figures={"throughput_sps": one, "energy_j_per_sample": one, "gflops_per_s": one},
        flops_per_sample=1e9,
        artifact=Artifact("0" * 64, 0),
    )
