"""The Recommend page's answer: ``tourney recommend``'s rule on the cached results, explained.

The choice itself is :func:`tournament.rounds.recommend.recommend` (the same answer as the
command line): valid results that reach the quality ratio and the p99 budget, one result per
configuration (the aggregate of its runs, under one set of rules), best on the objective,
runner-up tied when their 95% CIs overlap. This
module feeds it the page's cached records (read-only) and writes the sentences that say why
the winner won.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from leaderboard.metrics import ESTIMATE_TAG, ESTIMATED, metric
from tournament.rounds.recommend import OBJECTIVES as OBJECTIVE_METRICS

if TYPE_CHECKING:
    from tournament.rounds.recommend import Candidate, Recommendation
    from tournament.store import ResultRecord

OBJECTIVES = tuple(OBJECTIVE_METRICS)
"""The objectives of ``tourney recommend --objective``."""


def objective_label(objective: str) -> str:
    """What an objective optimises, as the metric table names it."""
    return metric(OBJECTIVE_METRICS[objective]).label


@dataclass(frozen=True)
class Constraints:
    """What the user asks for (``machine`` None: any machine)."""

    workload: str
    scenario: str
    max_p99_ms: float | None = None
    min_quality_ratio: float = 0.99
    machine: str | None = None
    objective: str = "cost"


class CachedResults:
    """A read-only stand-in for :meth:`tournament.store.Store.results` over cached records."""

    def __init__(self, records: Iterable[ResultRecord]) -> None:
        self._records = list(records)

    def results(
        self,
        *,
        workload: str | None = None,
        scenario: str | None = None,
        machine: str | None = None,
    ) -> list[ResultRecord]:
        """The records matching the given values, newest first (as the store orders them)."""
        found = [
            r
            for r in self._records
            if workload in (None, r.entry.workload)
            and scenario in (None, r.scenario)
            and machine in (None, r.entry.machine)
        ]
        return sorted(found, key=lambda r: -r.result_id)


def recommend(records: Iterable[ResultRecord], c: Constraints) -> Recommendation:
    """``tourney recommend``'s answer for ``c`` over ``records``.

    Raises:
        UserError: an unknown objective.
    """
    from tournament.rounds.recommend import recommend_among

    found = CachedResults(records).results(
        workload=c.workload, scenario=c.scenario, machine=c.machine
    )
    return recommend_among(
        found,
        workload=c.workload,
        scenario=c.scenario,
        machine=c.machine,
        max_p99_ms=c.max_p99_ms,
        min_quality_ratio=c.min_quality_ratio,
        objective=c.objective,
    )


def why(answer: Recommendation, c: Constraints) -> list[str]:
    """Sentences saying why ``answer.best`` was chosen (empty when nothing qualified)."""
    if answer.best is None:
        return []
    best = answer.best.record
    goal = metric(answer.metric)
    word = "highest" if goal.higher_is_better else "lowest"
    figure = best.figure(goal.name)
    estimated = figure is not None and figure.provenance.value == ESTIMATED
    tag = f" ({ESTIMATE_TAG})" if estimated else ""
    quality = best.result.quality
    reasons = [
        f"It has the {word} {goal.label}{tag} of the {answer.candidates} configuration(s) that "
        f"meet every constraint: {_fmt(best.value(goal.name))}.",
        f"It passes its accuracy gate with quality {_fmt(quality.value)} = "
        f"{_percent(quality.ratio)} of the fp32 reference (at least {c.min_quality_ratio:.2%} "
        "asked).",
    ]
    if c.max_p99_ms is not None:
        reasons.append(
            f"Its p99 latency {_fmt(best.value('latency_p99_ms'))} ms is within the "
            f"{_fmt(c.max_p99_ms)} ms budget."
        )
    if answer.runner_up is not None:
        reasons.append(_versus(answer.best, answer.runner_up, goal.name, bool(answer.tied)))
    return reasons


def _versus(best: Candidate, other: Candidate, name: str, tied: bool) -> str:
    entry = other.record.entry
    label = f"{entry.label} ({entry.configuration})"
    b = other.record.value(name)
    if tied:
        return (
            f"The runner-up {label} has {_fmt(b)}: their 95% confidence intervals overlap, so "
            "the two are statistically tied on this figure."
        )
    a = best.record.value(name)
    change = abs(a - b) / abs(b) if a is not None and b else math.inf
    return f"The runner-up {label} has {_fmt(b)} ({change:.1%} worse)."


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{float(value):.4g}"


def _percent(ratio: float | None) -> str:
    return "an unknown share" if ratio is None else f"{ratio:.2%}"
