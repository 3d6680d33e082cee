"""Validity: the one place that decides whether a result counts.

A result is valid when its run met the minimum rules (duration and query count), its quality
keeps the accuracy target (:func:`~tournament.results.quality.gate`), and its scenario's own
rule holds (for the server scenario: the p99 latency bound), and its primary metric has the
evidence it needs (MLPerf's early-stopping query count for a percentile), and it was not
contended (others used at most ``max_foreign_cpu_share`` of its CPUs). A round may apply a
different accuracy class (``target_ratio``); everything else is the result's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tournament.results.quality import gate

if TYPE_CHECKING:
    from tournament.results.result import Result


def invalid_reasons(result: Result, *, target_ratio: float | None = None) -> list[str]:
    """Why ``result`` does not count (empty when it is valid), one short phrase each."""
    reasons = []
    if not result.min_rules_met:
        reasons.append("minimum duration or query count not met")
    quality = result.quality
    ratio = quality.target_ratio if target_ratio is None else target_ratio
    if not gate(quality.value, quality.reference, ratio, higher_is_better=quality.higher_is_better):
        target = (
            quality.reference * ratio if quality.higher_is_better else quality.reference / ratio
        )
        reasons.append(
            f"quality {quality.value:.6g} misses the target {target:.6g} "
            f"({ratio:g} x reference {quality.reference:.6g})"
        )
    reasons.extend(_scenario_reasons(result))
    reasons.extend(contention_reasons(result))
    return reasons


def contention_reasons(result: Result) -> list[str]:
    """``contended: ...`` when others used more of the run's CPUs than its rules allow."""
    found = result.extra.get("contention") or {}
    limit = result.rules.get("max_foreign_cpu_share")
    share = found.get("foreign_cpu_share")
    if not found.get("measured") or limit is None or share is None or share <= limit:
        return []
    return [
        f"contended: other processes used {share:.0%} of its CPUs during the timed window "
        f"(rules allow {float(limit):.0%})"
    ]


def _scenario_reasons(result: Result) -> list[str]:
    from tournament import harness
    from tournament.errors import UserError

    try:
        scenario = harness.get(result.scenario)
    except (KeyError, LookupError, UserError):
        return [f"scenario {result.scenario!r} is not registered here: its rule is unchecked"]
    reasons = scenario.invalid_reasons(result)
    primary = scenario.primary_metric(result.rules)
    figure = result.figure(primary)
    if figure is not None and figure.insufficient:
        reasons.append(f"{primary} is insufficient: {figure.insufficient}")
    return reasons
