"""Validity of a run whose machine changed speed, and of results built from several runs,
some of them contended or drifted (``results/validity.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tournament.results import Result
from tournament.results.aggregate import aggregate
from tournament.results.validity import contention_reasons, drift_reasons

MakeResult = Callable[..., Result]


def _index(drift: float) -> dict[str, Any]:
    return {"before_gflops": 100.0, "after_gflops": 100.0 * (1 + drift), "drift": drift}


def _run(make_result: MakeResult, rules: dict[str, Any], **extra: Any) -> Result:
    return make_result(rules={**make_result().rules, **rules}, extra=extra)


def test_a_run_whose_speed_drifted_beyond_the_rule_does_not_count(
    make_result: MakeResult,
) -> None:
    rules = {"max_speed_drift": 0.1}
    steady = _run(make_result, rules, speed_index=_index(0.04))
    slower = _run(make_result, rules, speed_index=_index(-0.25))
    faster = _run(make_result, rules, speed_index=_index(0.15))
    assert steady.valid and drift_reasons(steady) == []
    assert not slower.valid and slower.invalid_reasons() == [
        "speed drift: the reference kernel ran 25% slower after the timed window than before "
        "it (rules allow 10%)"
    ]
    assert not faster.valid and "15% faster" in drift_reasons(faster)[0]


def test_drift_is_not_judged_without_a_rule_or_an_index(make_result: MakeResult) -> None:
    unjudged = _run(make_result, {"max_speed_drift": None}, speed_index=_index(-0.9))
    assert unjudged.valid and drift_reasons(unjudged) == []
    unmeasured = _run(make_result, {"max_speed_drift": 0.1})
    assert unmeasured.valid and drift_reasons(unmeasured) == []


def test_an_aggregate_names_how_many_of_its_runs_were_contended(
    make_result: MakeResult,
) -> None:
    rules = {"max_foreign_cpu_share": 0.2}
    runs = [
        _run(make_result, rules, contention={"measured": True, "foreign_cpu_share": share})
        for share in (0.05, 0.5, 0.3)
    ]
    merged = aggregate(runs)
    assert merged.extra["contention"]["foreign_cpu_share"] == 0.5  # the most contended run
    assert not merged.valid
    assert contention_reasons(merged) == [
        "contended: other processes used 50% of its CPUs during the timed window "
        "(rules allow 20%); 2 of 3 runs contended"
    ]
    calm = aggregate([runs[0], runs[0]])
    assert calm.valid and contention_reasons(calm) == []


def test_an_aggregate_keeps_the_largest_drift_and_counts_the_runs(
    make_result: MakeResult,
) -> None:
    rules = {"max_speed_drift": 0.1}
    runs = [_run(make_result, rules, speed_index=_index(d)) for d in (0.02, -0.3, 0.12)]
    runs.append(_run(make_result, rules))  # a run without an index (an older worker)
    merged = aggregate(runs)
    assert merged.extra["speed_index"]["drift"] == -0.3
    assert merged.extra["per_run_speed_drift"] == [0.02, -0.3, 0.12, None]
    assert drift_reasons(merged) == [
        "speed drift: the reference kernel ran 30% slower after the timed window than before "
        "it (rules allow 10%); 2 of 4 runs drifted"
    ]
    assert not merged.valid
