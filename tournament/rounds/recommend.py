"""``tourney recommend``: the best valid stored configuration under a user's constraints.

Candidates are stored results of the workload (optionally one scenario and machine) that are
valid (:attr:`~tournament.results.Result.valid`: minimum rules, accuracy gate, the scenario's
own rule), whose quality is at least ``min_quality_ratio`` x the fp32 reference (in the
metric's direction: :attr:`~tournament.results.Quality.ratio`), whose p99 latency (point
estimate) is at most ``max_p99_ms``, and that have the objective's figure. Results are
aggregates of their runs (:mod:`tournament.store.aggregates`); a configuration measured in
several rounds under the same rules is one candidate (all its runs aggregated). Results
measured under different rules (quick against full) are never compared: the candidates are
those of the rules most candidates were measured under, and the others are counted in the
reasons. The best is the candidate with the best objective value; the
runner-up is the best other configuration, and the two are *tied* when their 95 % intervals
on the objective overlap.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tournament.errors import UserError
from tournament.hashing import sha256_of
from tournament.ranking.table import finite_figure
from tournament.results import metric
from tournament.store.contract import StoreReader
from tournament.store.records import ResultRecord

OBJECTIVES = {
    "cost": "cost_usd_per_million",
    "latency": "latency_p99_ms",
    "energy": "energy_j_per_sample",
    "throughput": "throughput_sps",
}
"""``--objective`` choices and the figure each optimises (energy and cost per sample, so that
configurations of different batch sizes compare)."""


@dataclass(frozen=True)
class Candidate:
    """A configuration's result (the aggregate of its runs) and how many runs it had."""

    record: ResultRecord
    results: int = 1


@dataclass
class Recommendation:
    """The answer, with its evidence; ``best`` None when nothing qualifies (see ``reasons``)."""

    objective: str
    metric: str
    best: Candidate | None
    runner_up: Candidate | None = None
    tied: bool | None = None
    candidates: int = 0
    reasons: list[str] = field(default_factory=list)


def recommend(
    store: StoreReader,
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
    _check(objective)
    return recommend_among(
        store.results(workload=workload, scenario=scenario, machine=machine),
        workload=workload,
        scenario=scenario,
        machine=machine,
        max_p99_ms=max_p99_ms,
        min_quality_ratio=min_quality_ratio,
        objective=objective,
    )


def recommend_among(
    records: Sequence[ResultRecord],
    *,
    workload: str,
    scenario: str | None = None,
    machine: str | None = None,
    max_p99_ms: float | None = None,
    min_quality_ratio: float | None = None,
    objective: str = "cost",
) -> Recommendation:
    """:func:`recommend` over ``records``, the stored results of ``workload`` (of ``scenario``
    and ``machine`` where given), newest first; reads nothing.

    Raises:
        UserError: an unknown objective.
    """
    _check(objective)
    name = OBJECTIVES[objective]
    answer = Recommendation(objective, name, None)
    from tournament.store.aggregates import aggregated

    records = list(records)
    results, elsewhere = _results(records)
    answer.reasons.append(
        f"{len(aggregated(records))} stored results of {_where(workload, scenario, machine)}, "
        f"{len(results) + elsewhere} configurations"
    )
    if elsewhere:
        answer.reasons.append(
            f"{elsewhere} more measured under other rules are not compared with them"
        )
    for label, keep in _constraints(name, max_p99_ms, min_quality_ratio):
        results = [c for c in results if keep(c.record)]
        if label:
            answer.reasons.append(f"{len(results)} of them {label}")
    candidates = _best_first(results, name)
    answer.candidates = len(candidates)
    if candidates:
        answer.best = best = candidates[0]
        others = [
            c for c in candidates if c.record.entry.config_hash != best.record.entry.config_hash
        ]
        if others:
            answer.runner_up = others[0]
            ours, theirs = best.record.figure(name), others[0].record.figure(name)
            answer.tied = ours is not None and theirs is not None and ours.overlaps(theirs)
    return answer


def _check(objective: str) -> None:
    if objective not in OBJECTIVES:
        raise UserError(f"objective: expected one of {', '.join(OBJECTIVES)}, got {objective!r}.")


Keep = Callable[[ResultRecord], bool]


def _constraints(
    name: str, max_p99_ms: float | None, min_ratio: float | None
) -> list[tuple[str, Keep]]:
    """(label, keep) per constraint, in order; an empty label is not reported."""
    return [
        ("are valid (minimum rules, accuracy gate, scenario rule)", lambda r: r.valid),
        (
            f"reach {min_ratio:g} x the reference quality" if min_ratio else "",
            lambda r: min_ratio is None or _at_least(r.result.quality.ratio, min_ratio),
        ),
        (
            f"have p99 <= {max_p99_ms:g} ms" if max_p99_ms is not None else "",
            lambda r: max_p99_ms is None or _at_most(r.value("latency_p99_ms"), max_p99_ms),
        ),
        (f"have a {name} figure", lambda r: finite_figure(r, name) is not None),
    ]


def _at_least(value: float | None, bound: float) -> bool:
    return value is not None and value >= bound


def _at_most(value: float | None, bound: float) -> bool:
    return value is not None and value <= bound


def _results(records: list[ResultRecord]) -> tuple[list[Candidate], int]:
    """One aggregate of the runs per (config, scenario, machine, rules but the seed), for the
    rules most configurations were measured under; and how many were left for other rules."""
    from tournament.store.aggregates import combine

    def rules_of(record: ResultRecord) -> str:
        return sha256_of({k: v for k, v in record.result.rules.items() if k != "seed"})

    groups: dict[tuple[str, str, str, str], list[ResultRecord]] = defaultdict(list)
    for record in records:
        key = (record.entry.config_hash, record.scenario, record.entry.machine, rules_of(record))
        groups[key].append(record)
    by_rules = Counter(key[3] for key in groups)
    chosen = by_rules.most_common(1)[0][0] if by_rules else ""
    kept = [Candidate(combine(g), len(g)) for key, g in groups.items() if key[3] == chosen]
    return kept, len(groups) - len(kept)


def _best_first(candidates: list[Candidate], name: str) -> list[Candidate]:
    sign = -1.0 if metric(name).higher_is_better else 1.0

    def key(candidate: Candidate) -> tuple[float, int]:
        value = candidate.record.value(name)
        assert value is not None  # every candidate has the figure (see _constraints)
        return sign * value, -candidate.record.result_id

    return sorted(candidates, key=key)


def _where(workload: str, scenario: str | None, machine: str | None) -> str:
    parts = [f"workload {workload}"]
    if scenario:
        parts.append(f"scenario {scenario}")
    if machine:
        parts.append(f"machine {machine}")
    return ", ".join(parts)
