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

    ``metrics`` holds every objective column of the result (None where not measured);
    ``source`` is ``measured`` (by this trial) or ``stored`` (a result that already existed);
    ``error`` is set when the evaluation failed; ``attrs`` are links (``result_id``...).
    """

    metrics: dict[str, float | None] = field(default_factory=dict)
    quality: float | None = None
    reference_quality: float | None = None
    higher_is_better: bool = True
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


def constraint_value(outcome: Outcome, min_quality_ratio: float) -> float | None:
    """The accuracy gate as a constraint: feasible when <= 0; None without a quality.

    ``min_quality_ratio x reference - quality`` when higher quality is better, else
    ``quality - reference / min_quality_ratio``.
    """
    if outcome.quality is None or outcome.reference_quality is None:
        return None
    if outcome.higher_is_better:
        return min_quality_ratio * outcome.reference_quality - outcome.quality
    return outcome.quality - outcome.reference_quality / min_quality_ratio
