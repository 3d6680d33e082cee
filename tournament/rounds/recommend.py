"""``tourney recommend``: the best valid stored configuration under a user's constraints.

Candidates are stored results of the workload (optionally one scenario and machine) that
pass their accuracy gate and met the minimum duration and query count, whose quality is at
least ``min_quality_ratio`` x the fp32 reference, whose p99 latency (point estimate) is at most
``max_p99_ms``, and that have the objective's figure. A configuration measured several times
(same config hash, scenario and machine) is represented by its median result on the objective.
The best is the candidate with the best objective value; the runner-up is the best other
configuration, and the two are *tied* when their 95 % CIs on the objective overlap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tournament.errors import UserError
from tournament.ranking.objectives import DIRECTIONS
from tournament.ranking.table import ci_of, finite

OBJECTIVES = {
    "cost": "cost_usd_per_million",
    "latency": "latency_p99_ms",
    "energy": "energy_j_per_query",
    "throughput": "throughput_sps",
}
"""``--objective`` choices and the figure each optimises."""


@dataclass
class Recommendation:
    """The answer, with its evidence; ``best`` None when nothing qualifies (see ``reasons``)."""

    objective: str
    metric: str
    best: dict[str, Any] | None
    runner_up: dict[str, Any] | None = None
    tied: bool | None = None
    candidates: int = 0
    reasons: list[str] = field(default_factory=list)


def quality_ratio(row: dict[str, Any], higher_is_better: bool = True) -> float:
    """Quality relative to the fp32 reference (above 1 is better than the reference)."""
    quality, reference = float(row["quality"]), float(row["reference_quality"])
    if higher_is_better:
        return quality / reference if reference else 0.0
    return reference / quality if quality else 0.0


def recommend(
    store: Any,
    *,
    workload: str,
    scenario: str | None = None,
    machine: str | None = None,
    max_p99_ms: float | None = None,
    min_quality_ratio: float | None = None,
    objective: str = "cost",
) -> Recommendation:
    """The best stored configuration under the constraints (see the module).

    Raises:
        UserError: an unknown objective.
    """
    from tournament.rounds.standings import higher_is_better

    if objective not in OBJECTIVES:
        raise UserError(f"objective: expected one of {', '.join(OBJECTIVES)}, got {objective!r}.")
    metric = OBJECTIVES[objective]
    answer = Recommendation(objective, metric, None)
    rows = store.results(workload=workload, scenario=scenario, machine=machine)
    answer.reasons.append(f"{len(rows)} stored results of {_where(workload, scenario, machine)}")
    constraints = _constraints(metric, max_p99_ms, min_quality_ratio, higher_is_better(workload))
    for label, keep in constraints:
        rows = [r for r in rows if keep(r)]
        if label:
            answer.reasons.append(f"{len(rows)} of them {label}")
    candidates = _candidates(rows, metric)
    answer.candidates = len(candidates)
    if candidates:
        answer.best = best = candidates[0]
        others = [c for c in candidates if c["config_hash"] != best["config_hash"]]
        if others:
            answer.runner_up = others[0]
            answer.tied = _overlap(
                ci_of(best, metric), ci_of(others[0], metric), best[metric], others[0][metric]
            )
    return answer


Keep = Callable[[dict[str, Any]], bool]


def _constraints(
    metric: str, max_p99_ms: float | None, min_ratio: float | None, higher: bool
) -> list[tuple[str, Keep]]:
    """(label, keep) per constraint, in order; an empty label is not reported."""
    return [
        (
            "pass their accuracy gate and minimum rules",
            lambda r: bool(r["valid"]) and bool(r["min_rules_met"]),
        ),
        (
            f"reach {min_ratio:g} x the reference quality" if min_ratio else "",
            lambda r: min_ratio is None or quality_ratio(r, higher) >= min_ratio,
        ),
        (
            f"have p99 <= {max_p99_ms:g} ms" if max_p99_ms is not None else "",
            lambda r: max_p99_ms is None or float(r["latency_p99_ms"]) <= max_p99_ms,
        ),
        (f"have a {metric} figure", lambda r: finite(r.get(metric))),
    ]


def _candidates(rows: list[dict[str, Any]], metric: str) -> list[dict[str, Any]]:
    """One median result per (config, scenario, machine), best first."""
    from tournament.rounds.standings import representative

    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(row["config_hash"], row["scenario"], row["machine"])].append(row)
    candidates = [representative(g, metric) for g in groups.values()]
    sign = -1.0 if DIRECTIONS[metric] == "max" else 1.0
    return sorted(candidates, key=lambda r: (sign * float(r[metric]), -r["result_id"]))


def _where(workload: str, scenario: str | None, machine: str | None) -> str:
    parts = [f"workload {workload}"]
    if scenario:
        parts.append(f"scenario {scenario}")
    if machine:
        parts.append(f"machine {machine}")
    return ", ".join(parts)


def _overlap(
    a: tuple[float | None, float | None],
    b: tuple[float | None, float | None],
    a_value: float,
    b_value: float,
) -> bool:
    a_low, a_high = (a_value if a[0] is None else a[0]), (a_value if a[1] is None else a[1])
    b_low, b_high = (b_value if b[0] is None else b[0]), (b_value if b[1] is None else b[1])
    return a_low <= b_high and b_low <= a_high
