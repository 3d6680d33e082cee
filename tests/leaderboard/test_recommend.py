"""The recommender: ``tourney recommend``'s rule over the page's frame, and its reasons."""

from __future__ import annotations

import pandas as pd
import pytest

from leaderboard.recommend import Constraints, FrameResults, recommend, why
from tournament.errors import UserError

WORKLOAD, SCENARIO = "digits-cnn", "single-stream"


def test_frame_results_answers_like_the_store(results: pd.DataFrame) -> None:
    rows = FrameResults(results).results(workload=WORKLOAD, scenario=SCENARIO, machine="local")
    assert len(rows) == 14
    minilm = FrameResults(results).results(workload="minilm-embed")
    assert minilm[0]["power_source"] is None and minilm[0]["energy_j_per_query"] is None


def test_cheapest_valid_configuration_and_why(results: pd.DataFrame) -> None:
    c = Constraints(WORKLOAD, SCENARIO)
    answer = recommend(results, c)
    # 13 valid results, but ort-fp32, ort-fp32-r2 and trial-0 are one configuration
    assert answer.candidates == 11
    assert answer.best is not None and answer.best["entry"] == "search/trial-5"
    pool = results[(results["workload"] == WORKLOAD) & results["valid"]]
    pool = pool[pool["scenario"] == SCENARIO]
    assert answer.best["cost_usd_per_million"] == pool["cost_usd_per_million"].min()
    assert answer.reasons[0] == "15 stored results of workload digits-cnn, scenario single-stream"
    reasons = why(answer, c)
    assert reasons[0].startswith("It has the lowest cost per million queries (USD) of the 11")
    assert answer.runner_up is not None and answer.runner_up["entry"] in reasons[-1]


def test_a_latency_budget_and_a_quality_floor_exclude(results: pd.DataFrame) -> None:
    c = Constraints(
        WORKLOAD, SCENARIO, max_p99_ms=0.02, min_quality_ratio=0.995, objective="latency"
    )
    answer = recommend(results, c)
    assert answer.best is not None
    assert answer.best["latency_p99_ms"] <= 0.02
    assert answer.best["quality"] >= 0.995 * answer.best["reference_quality"]
    assert answer.best["entry"] == "gamma/ort-cloud"  # the fastest that keeps 99.5%
    assert any("within the 0.02 ms budget" in r for r in why(answer, c))


def test_machine_constraint_and_nothing_left(results: pd.DataFrame) -> None:
    cloud = recommend(results, Constraints(WORKLOAD, SCENARIO, machine="cloud-a"))
    assert cloud.best is not None and cloud.best["machine"] == "cloud-a"
    assert cloud.candidates == 1 and cloud.runner_up is None
    none = recommend(results, Constraints(WORKLOAD, SCENARIO, max_p99_ms=0.001))
    assert none.best is None and why(none, Constraints(WORKLOAD, SCENARIO)) == []


def test_tied_runner_up_is_called_a_tie(results: pd.DataFrame) -> None:
    pair = results[results["entry"].isin(["alpha/ort-int8", "search/trial-5"])].copy()
    c = Constraints(WORKLOAD, SCENARIO, objective="latency")
    answer = recommend(pair, c)
    assert answer.best is not None and answer.best["entry"] == "alpha/ort-int8"
    assert answer.tied is False and "worse" in why(answer, c)[-1]
    # widen the runner-up's p99 CI until it overlaps the winner's
    pair.loc[pair["entry"] == "search/trial-5", "latency_p99_ci_low_ms"] = 0.0130
    answer = recommend(pair, c)
    assert answer.tied is True
    assert "statistically tied" in why(answer, c)[-1]


def test_energy_objective_says_estimate_and_bad_objective_is_user_error(
    results: pd.DataFrame,
) -> None:
    c = Constraints(WORKLOAD, SCENARIO, objective="energy")
    assert "ESTIMATE" in why(recommend(results, c), c)[0]
    with pytest.raises(UserError, match="objective"):
        recommend(results, Constraints(WORKLOAD, SCENARIO, objective="vibes"))
