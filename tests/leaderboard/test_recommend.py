"""The recommender: ``tourney recommend``'s rule over the page's records, and its reasons."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
import pytest

from leaderboard.recommend import CachedResults, Constraints, recommend, why
from tournament.errors import UserError
from tournament.store import ResultRecord
from tournament.store.readonly import ReadOnlyStore

WORKLOAD, SCENARIO = "digits-cnn", "single-stream"
Records = dict[int, ResultRecord]


def _label(candidate: Any) -> str:
    return str(candidate.record.entry.label)


def test_cached_results_answer_like_the_store(records: Records, seeded: Any) -> None:
    cached = CachedResults(records.values())
    rows = cached.results(workload=WORKLOAD, scenario=SCENARIO, machine="local")
    assert len(rows) == 14
    with ReadOnlyStore(seeded.url) as store:
        stored = store.results(workload=WORKLOAD, scenario=SCENARIO, machine="local")
        assert [r.result_id for r in rows] == [r.result_id for r in stored]
    (minilm,) = cached.results(workload="minilm-embed")
    assert minilm.result.power_source is None and minilm.value("energy_j_per_query") is None


def test_cheapest_valid_configuration_and_why(records: Records, results: pd.DataFrame) -> None:
    c = Constraints(WORKLOAD, SCENARIO)
    answer = recommend(records.values(), c)
    # 13 valid results, but ort-fp32, ort-fp32-r2 and trial-0 are one configuration
    assert answer.candidates == 11
    assert answer.best is not None and _label(answer.best) == "search/trial-5"
    pool = results[(results["workload"] == WORKLOAD) & results["valid"]]
    pool = pool[pool["scenario"] == SCENARIO]
    assert answer.best.record.value("cost_usd_per_million") == pool["cost_usd_per_million"].min()
    assert answer.reasons[0] == (
        "15 stored results of workload digits-cnn, scenario single-stream, 13 configurations"
    )
    reasons = why(answer, c)
    assert reasons[0].startswith("It has the lowest cost (USD/M samples) of the 11")
    assert answer.runner_up is not None and _label(answer.runner_up) in reasons[-1]


def test_a_latency_budget_and_a_quality_floor_exclude(records: Records) -> None:
    c = Constraints(
        WORKLOAD, SCENARIO, max_p99_ms=0.02, min_quality_ratio=0.995, objective="latency"
    )
    answer = recommend(records.values(), c)
    assert answer.best is not None
    best = answer.best.record
    assert (best.value("latency_p99_ms") or 0.0) <= 0.02
    assert (best.result.quality.ratio or 0.0) >= 0.995
    assert _label(answer.best) == "gamma/ort-cloud"  # the fastest that keeps 99.5%
    assert any("within the 0.02 ms budget" in r for r in why(answer, c))


def test_machine_constraint_and_nothing_left(records: Records) -> None:
    cloud = recommend(records.values(), Constraints(WORKLOAD, SCENARIO, machine="cloud-a"))
    assert cloud.best is not None and cloud.best.record.entry.machine == "cloud-a"
    assert cloud.candidates == 1 and cloud.runner_up is None
    none = recommend(records.values(), Constraints(WORKLOAD, SCENARIO, max_p99_ms=0.001))
    assert none.best is None and why(none, Constraints(WORKLOAD, SCENARIO)) == []


def test_tied_runner_up_is_called_a_tie(records: Records) -> None:
    pair = [r for r in records.values() if r.entry.label in {"alpha/ort-int8", "search/trial-5"}]
    c = Constraints(WORKLOAD, SCENARIO, objective="latency")
    answer = recommend(pair, c)
    assert answer.best is not None and _label(answer.best) == "alpha/ort-int8"
    assert answer.tied is False and "worse" in why(answer, c)[-1]
    # widen the runner-up's p99 CI until it overlaps the winner's
    widened = [_with_p99_low(r, 0.0130) if r.entry.name == "trial-5" else r for r in pair]
    answer = recommend(widened, c)
    assert answer.tied is True
    assert "statistically tied" in why(answer, c)[-1]


def _with_p99_low(record: ResultRecord, low: float) -> ResultRecord:
    p99 = record.figure("latency_p99_ms")
    assert p99 is not None
    result = record.result.with_figures({"latency_p99_ms": p99.with_(ci_low=low)})
    return replace(record, result=result)


def test_energy_objective_says_estimate_and_bad_objective_is_user_error(
    records: Records,
) -> None:
    c = Constraints(WORKLOAD, SCENARIO, objective="energy")
    assert "ESTIMATE" in why(recommend(records.values(), c), c)[0]
    with pytest.raises(UserError, match="objective"):
        recommend(records.values(), Constraints(WORKLOAD, SCENARIO, objective="vibes"))
