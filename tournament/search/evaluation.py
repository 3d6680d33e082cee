"""The evaluator contract: what the search loop asks of whatever measures its trials.

The loop owns Optuna (ask, tell, trial attributes); an evaluator owns measuring. The real one
(:class:`~tournament.search.store_evaluator.StoreEvaluator`) enters submissions and measures
them through the runner; the benchmark replays a table of measurements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from tournament.schema.submission import Submission


@dataclass(frozen=True)
class Proposal:
    """One trial's configuration, as a validated submission (team ``optuna``)."""

    trial_number: int
    params: dict[str, Any]
    submission: Submission


@dataclass(frozen=True)
class Outcome:
    """What evaluating a proposal gave.

    ``metrics`` holds the value of every objective metric of the result (``None`` where it is
    unknown: not measured, or not derivable, never 0). ``quality_ratio`` is the result's
    quality over the fp32 reference's, oriented so that higher is always better
    (:attr:`tournament.results.Quality.ratio`); ``quality`` and ``reference_quality`` are shown
    with it. ``invalid_reasons`` are why the result does not count under the validity rule
    (:meth:`tournament.results.Result.invalid_reasons`) at the study's accuracy class; an
    evaluator that cannot judge the rules beyond accuracy (a replay) leaves it empty, the loop
    checks ``quality_ratio`` itself. ``source`` is ``measured`` (by this trial) or ``stored``
    (a result that already existed); ``error`` is set when the evaluation failed; ``attrs``
    are links (``result_id``...).
    """

    metrics: dict[str, float | None] = field(default_factory=dict)
    quality_ratio: float | None = None
    quality: float | None = None
    reference_quality: float | None = None
    invalid_reasons: tuple[str, ...] = ()
    source: str = "measured"
    error: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Measured:
    """Outcomes by trial number; ``interrupted`` when the user stopped the measurements."""

    outcomes: dict[int, Outcome]
    interrupted: bool = False


class Evaluator(Protocol):
    """Measures proposals. Called from the driver process only, never concurrently.

    ``enter`` records a proposal before it is measured (idempotent: entering the same
    proposal again returns the same links) and returns trial attributes linking it;
    ``measure`` evaluates entered proposals, reusing any result that already exists, and
    returns an outcome for every proposal unless interrupted.
    """

    def enter(self, proposal: Proposal) -> dict[str, Any]:
        """Record ``proposal``; the attributes to set on its trial."""
        ...

    def measure(self, proposals: list[Proposal]) -> Measured:
        """Evaluate entered proposals."""
        ...


def accuracy_constraint(outcome: Outcome, min_quality_ratio: float) -> float | None:
    """The accuracy gate as an Optuna constraint: feasible when <= 0; None without a ratio.

    ``min_quality_ratio - quality_ratio``: the ratio is oriented so that higher is better
    whatever the workload metric's direction, so this is <= 0 exactly when
    :func:`tournament.results.gate` passes at ``min_quality_ratio``.
    """
    if outcome.quality_ratio is None:
        return None
    return min_quality_ratio - outcome.quality_ratio


def validity_constraint(outcome: Outcome) -> float:
    """The validity rule as an Optuna constraint: the number of reasons the result does not
    count (0, feasible, when it counts)."""
    return float(len(outcome.invalid_reasons))
