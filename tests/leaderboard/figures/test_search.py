"""Hypervolume history and trials table of an Optuna study."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from leaderboard.data.queries import study_result_ids
from leaderboard.data.studies import StudyData, TrialData, load_study
from leaderboard.figures import search
from leaderboard.figures.search import hypervolume_history, trials_table


def _trial(number: int, values: tuple[float, ...] | None, feasible: bool = True) -> TrialData:
    state = "complete" if values is not None else "fail"
    return TrialData(number, state, values, {"n": number}, feasible)


def test_history_never_decreases_and_ignores_infeasible_and_failed_trials() -> None:
    study = StudyData(
        "s",
        ("min", "max"),
        ("latency", "throughput"),
        (
            _trial(0, (10.0, 1.0)),
            _trial(1, None),
            _trial(2, (1.0, 100.0), feasible=False),  # would dominate everything
            _trial(3, (5.0, 5.0)),
            _trial(4, (2.0, 2.0)),
        ),
    )
    history = hypervolume_history(study)
    assert history.trial_numbers == [0, 2, 3, 4]
    assert history.feasible == 3
    assert history.values == sorted(history.values)
    assert history.values[0] == history.values[1]  # the infeasible trial adds nothing
    # normalised: the first trial is the worst of the feasible ones -> (0.1)^2
    assert history.values[0] == pytest.approx(0.01)
    assert history.values[-1] > history.values[-2]


def test_long_studies_are_sampled_at_checkpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "MAX_CHECKPOINTS", 10)
    trials = tuple(_trial(i, (float(100 - i), float(i))) for i in range(50))
    history = hypervolume_history(StudyData("s", ("min", "max"), ("a", "b"), trials))
    assert len(history.values) == 10
    assert history.trial_numbers[0] == 0 and history.trial_numbers[-1] == 49
    assert history.values[-1] == pytest.approx(1.21)  # (0,0) normalised is reached at the end


def test_trials_table_links_trials_to_their_results(
    seeded: Any, records: Any, results: pd.DataFrame
) -> None:
    study = load_study(seeded.url, "search-digits")
    ids = study_result_ids(records.values(), "search-digits")
    table = trials_table(study, ids)
    assert table["trial"].tolist() == list(range(6))
    assert table["feasible"].tolist() == [True, True, False, True, True, True]
    assert list(table.columns[3:5]) == ["latency_p99_ms", "throughput_sps"]
    mine = results[results["study_name"] == "search-digits"].sort_values("trial_number")
    assert table["results"].tolist() == [str(i) for i in mine["result_id"]]
    assert table["param batch_size"].tolist() == [1, 2, 4, 8, 16, 32]
