"""The Search page in AppTest: per study, the hypervolume curve and the trials table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tournament.store import Store


def test_study_trials_and_hypervolume(app: Any, seeded: Any) -> None:
    at = app(seeded.url, "search")
    assert not at.exception
    assert at.selectbox(key="search_study").value == "search-digits"
    assert at.caption[0].value == (
        "6 trials, 6 complete, 5 feasible (pass the accuracy gate). "
        "Objectives: latency_p99_ms (min), throughput_sps (max)."
    )
    trials = at.dataframe[0].value
    assert trials["trial"].tolist() == list(range(6))
    assert trials["feasible"].tolist() == [True, True, False, True, True, True]
    assert trials["results"].tolist() == ["12", "13", "14", "15", "16", "17"]
    assert "plotly_chart" in {e.type for e in at.main}


def test_no_study_yet(app: Any, tmp_path: Path, seeded: Any) -> None:
    url = f"sqlite:///{tmp_path / 'tourney.db'}"
    with Store(url) as store:  # a round but no search: the database has no Optuna tables
        store.create_round("r0", {"note": "test data"})
    at = app(url, "search")
    assert not at.exception
    assert at.info[0].value.startswith("No search study in this database yet.")
