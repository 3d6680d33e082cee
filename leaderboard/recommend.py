"""The Recommend page's answer: ``tourney recommend``'s rule on the cached results, explained.

The choice itself is :func:`tournament.rounds.recommend.recommend` (the same answer as the
command line): valid results that met the minimum rules, reach the quality ratio and the p99
budget, one median result per configuration, best on the objective, runner-up tied when their
95% CIs overlap. This module feeds it the page's cached frame (read-only) and writes the
sentences that say why the winner won.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from leaderboard.metrics import ESTIMATE_TAG, is_estimate, metric

if TYPE_CHECKING:
    import pandas as pd

    from tournament.rounds.recommend import Recommendation

OBJECTIVES = ("cost", "latency", "energy", "throughput")
"""The objectives of ``tourney recommend --objective``."""


@dataclass(frozen=True)
class Constraints:
    """What the user asks for (``machine`` None: any machine)."""

    workload: str
    scenario: str
    max_p99_ms: float | None = None
    min_quality_ratio: float = 0.99
    machine: str | None = None
    objective: str = "cost"


class FrameResults:
    """A read-only stand-in for :meth:`tournament.store.Store.results` over a results frame."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    def results(
        self,
        *,
        workload: str | None = None,
        scenario: str | None = None,
        machine: str | None = None,
    ) -> list[dict[str, Any]]:
        """Rows of the frame matching the given values, as dicts (NaN read as None)."""
        mask = self._frame["result_id"].notna()
        for column, value in (("workload", workload), ("scenario", scenario), ("machine", machine)):
            if value is not None:
                mask &= self._frame[column] == value
        rows = self._frame[mask].to_dict("records")
        return [{k: _none_if_nan(v) for k, v in row.items()} for row in rows]


def _none_if_nan(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def recommend(frame: pd.DataFrame, c: Constraints) -> Recommendation:
    """``tourney recommend``'s answer for ``c`` over the results in ``frame``.

    Raises:
        UserError: an unknown objective.
    """
    from tournament.rounds.recommend import recommend as choose

    return choose(
        FrameResults(frame),
        workload=c.workload,
        scenario=c.scenario,
        machine=c.machine,
        max_p99_ms=c.max_p99_ms,
        min_quality_ratio=c.min_quality_ratio,
        objective=c.objective,
    )


def why(answer: Recommendation, c: Constraints) -> list[str]:
    """Sentences saying why ``answer.best`` was chosen (empty when nothing qualified)."""
    best = answer.best
    if best is None:
        return []
    goal = metric(answer.metric)
    word = "highest" if goal.higher_is_better else "lowest"
    energy = goal.key == "energy_j_per_query"
    tag = f" ({ESTIMATE_TAG})" if energy and is_estimate(best.get("power_source")) else ""
    ratio = best["quality"] / best["reference_quality"] if best["reference_quality"] else 0.0
    reasons = [
        f"It has the {word} {goal.label}{tag} of the {answer.candidates} configuration(s) that "
        f"meet every constraint: {_fmt(best[goal.key])}.",
        f"It passes its accuracy gate with quality {_fmt(best['quality'])} = {ratio:.2%} of the "
        f"fp32 reference (at least {c.min_quality_ratio:.2%} asked).",
    ]
    if c.max_p99_ms is not None:
        reasons.append(
            f"Its p99 latency {_fmt(best['latency_p99_ms'])} ms is within the "
            f"{_fmt(c.max_p99_ms)} ms budget."
        )
    if answer.runner_up is not None:
        reasons.append(_versus(best, answer.runner_up, goal.key, bool(answer.tied)))
    return reasons


def _versus(best: dict[str, Any], other: dict[str, Any], key: str, tied: bool) -> str:
    name = f"{other['entry']} ({other['configuration']})"
    b = float(other[key])
    if tied:
        return (
            f"The runner-up {name} has {_fmt(b)}: their 95% confidence intervals overlap, so "
            "the two are statistically tied on this figure."
        )
    a = float(best[key])
    change = abs(a - b) / abs(b) if b else math.inf
    return f"The runner-up {name} has {_fmt(b)} ({change:.1%} worse)."


def _fmt(value: Any) -> str:
    return f"{float(value):.4g}"
