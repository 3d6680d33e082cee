"""The Recommend page's answer: ``tourney recommend``'s rule on the cached results, explained.

The choice itself is :func:`tournament.rounds.recommend.recommend` (the same answer as the
command line): valid results that reach the quality ratio and the p99 budget, one result per
configuration (the aggregate of its runs, under one set of rules), best on the objective,
runner-up tied when their 95% CIs overlap. This
module feeds it the page's cached records (read-only) and writes the sentences that say why
the winner won.
"""

from __future__ import annotations

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
    max_cost_usd_per_million: float | None = None
    """A cost budget (USD per million samples), applied to each result before the rule."""


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
    if c.max_cost_usd_per_million is not None:
        budget = c.max_cost_usd_per_million
        found = [r for r in found if _within(r.value(COST), budget)]
    return recommend_among(
        found,
        workload=c.workload,
        scenario=c.scenario,
        machine=c.machine,
        max_p99_ms=c.max_p99_ms,
        min_quality_ratio=c.min_quality_ratio,
        objective=c.objective,
    )


COST = "cost_usd_per_million"


def _within(value: float | None, budget: float) -> bool:
    return value is not None and value <= budget


@dataclass(frozen=True)
class Miss:
    """Why nothing qualified: the constraint that binds (relaxing it alone gives an answer) and
    the configuration that would then win, the nearest miss, with how far off it is."""

    constraint: str
    nearest: Candidate | None
    sentence: str


BUDGETS = (
    ("max_p99_ms", "the p99 budget", "latency_p99_ms"),
    ("min_quality_ratio", "the minimum quality ratio", "quality_ratio"),
    ("max_cost_usd_per_million", "the cost budget", COST),
)
"""(field of :class:`Constraints`, words, metric) of each budget a user types."""


def binding(records: Iterable[ResultRecord], c: Constraints) -> Miss:
    """When :func:`recommend` finds nothing for ``c``: which budget binds and the nearest
    miss, found by the same rule with that one budget lifted (the first that gives an answer,
    in :data:`BUDGETS` order); else that no valid configuration exists at all."""
    from dataclasses import replace

    records = list(records)
    for field, words, name in BUDGETS:
        bound = getattr(c, field)
        if bound is None:
            continue
        answer = recommend(records, replace(c, **{field: None}))  # type: ignore[arg-type]
        if answer.best is None:
            continue
        best = answer.best.record
        value = best.result.quality.ratio if name == "quality_ratio" else best.value(name)
        shown = "-" if value is None else f"{float(value):.4g}"
        off = f" ({float(value) / bound:.3g}x the budget)" if value and bound else ""
        return Miss(
            field,
            answer.best,
            f"{words[0].upper()}{words[1:]} ({bound:g}) binds: without it, {best.entry.label} "
            f"({best.entry.configuration}) would be chosen, at {shown}{off}.",
        )
    loose = Constraints(c.workload, c.scenario, None, 0.0, c.machine, c.objective)
    if recommend(records, loose).best is None:
        return Miss("", None, "No valid result of this workload and scenario exists at all.")
    return Miss("", None, "No single budget binds alone: relax two or more of them.")


def ratio_words(best: float | None, other: float | None, name: str) -> str:
    """``2.07x the cost`` (``other`` over ``best``): how the runner-up compares, as a ratio of
    the objective's figure (never a percentage of the smaller one)."""
    if best is None or other is None or best == 0:
        return "not comparable"
    noun = metric(name).label.split(" (")[0]
    return f"{other / best:.3g}x the {noun}"


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
    return f"The runner-up {label} has {_fmt(b)} ({ratio_words(a, b, name)} of the best)."


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{float(value):.4g}"


def _percent(ratio: float | None) -> str:
    return "an unknown share" if ratio is None else f"{ratio:.2%}"
