"""Validity: the one place that decides whether a result counts.

A result is valid when its run met the minimum rules (duration and query count), its quality
keeps the accuracy target (:func:`~tournament.results.quality.gate`), and its scenario's own
rule holds (for the server scenario: the p99 latency bound), and its primary metric has the
evidence it needs (MLPerf's early-stopping query count for a percentile), and it was not
contended (others used at most ``max_foreign_cpu_share`` of its CPUs), and the machine's speed
index did not drift (the reference kernel's speed after the run is within ``max_speed_drift``
of its speed before). A rule set to None is not judged. A round may apply a different accuracy
class (``target_ratio``); everything else is the result's own.
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
    reasons.extend(drift_reasons(result))
    return reasons


def contention_reasons(result: Result) -> list[str]:
    """``contended: ...`` when others used more of the run's CPUs than its rules allow; for a
    result of several runs (the most contended run's sample), how many of its runs were."""
    found = result.extra.get("contention") or {}
    limit = result.rules.get("max_foreign_cpu_share")
    share = found.get("foreign_cpu_share")
    if not found.get("measured") or limit is None or share is None or share <= limit:
        return []
    reason = (
        f"contended: other processes used {share:.0%} of its CPUs during the timed window "
        f"(rules allow {float(limit):.0%})"
    )
    return [reason + _runs_over(result.extra.get("per_run_contention"), float(limit), "contended")]


def drift_reasons(result: Result) -> list[str]:
    """``speed drift: ...`` when the machine's speed index changed during the run by more than
    ``rules.max_speed_drift`` (None: not judged); for a result of several runs (the run of the
    largest drift), how many of its runs drifted."""
    index = result.extra.get("speed_index") or {}
    limit = result.rules.get("max_speed_drift")
    drift = index.get("drift")
    if limit is None or drift is None or abs(drift) <= limit:
        return []
    direction = "slower" if drift < 0 else "faster"
    reason = (
        f"speed drift: the reference kernel ran {abs(drift):.0%} {direction} after the timed "
        f"window than before it (rules allow {float(limit):.0%})"
    )
    return [reason + _runs_over(result.extra.get("per_run_speed_drift"), float(limit), "drifted")]


def _runs_over(values: list[float | None] | None, limit: float, verb: str) -> str:
    """``; K of N runs <verb>`` for the per-run values of an aggregate; empty for one run."""
    if not values or len(values) < 2:
        return ""
    over = sum(1 for v in values if v is not None and abs(v) > limit)
    return f"; {over} of {len(values)} runs {verb}"


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
