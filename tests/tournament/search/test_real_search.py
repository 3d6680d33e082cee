"""A small real search on digits-cnn: every trial a measured submission, linked to its trial."""

from __future__ import annotations

from typing import Any

import optuna
import pytest

from tournament.hashing import sha256_of
from tournament.schema.validate import load_submission
from tournament.search.storage import load_study
from tournament.store import Store

OBJECTIVES = ("throughput_sps", "latency_p99_ms", "energy_j_per_query")
pytestmark = pytest.mark.slow  # the shared real search takes ~30 s on an idle 2-core machine


def _counted(study: optuna.Study) -> list[optuna.trial.FrozenTrial]:
    return [t for t in study.get_trials() if "duplicate_of" not in t.user_attrs]


def test_every_trial_is_a_search_submission_with_a_result(real_search: Any) -> None:
    study, settings, _ = load_study(real_search.url, real_search.study)
    trials = _counted(study)
    assert len(trials) == 3 and settings == real_search.settings
    store = Store(real_search.url)
    for trial in trials:
        assert trial.state == optuna.trial.TrialState.COMPLETE
        sub = store.submission(trial.user_attrs["submission_id"])
        assert sub is not None
        assert (sub.origin, sub.team) == ("search", "optuna")
        assert sub.name == f"real-t{trial.number}"
        assert (sub.study_name, sub.trial_number) == ("real", trial.number)
        assert sub.config_hash == trial.user_attrs["config_hash"]
        record = store.result(trial.user_attrs["screening_result_id"])
        assert record.entry.submission_id == sub.id and record.label == "screening"
        assert record.result.rules == real_search.settings.screening_rules
        assert list(trial.values) == [record.value(o) for o in OBJECTIVES]
        assert trial.user_attrs["metrics"]["throughput_sps"] == record.value("throughput_sps")


def test_runs_are_labelled_and_one_trial_is_promoted(real_search: Any) -> None:
    store = Store(real_search.url)
    runs = store.runs()
    labels = sorted(r.label for r in runs)
    assert labels == ["full"] + ["screening"] * 3
    assert all(r.status == "done" for r in runs)
    (full,) = [r for r in runs if r.label == "full"]
    assert full.rules_sha256 == sha256_of(real_search.settings.full_rules)
    screening = real_search.settings.screening_rules
    assert real_search.settings.full_rules["min_queries"] > screening["min_queries"]
    (promoted,) = real_search.report.promoted
    trial = next(t for t in real_search.report.trials if t.number == promoted)
    assert trial.full is not None and trial.full.run_id == full.id
    assert trial.full.result.rules == real_search.settings.full_rules
    assert trial.number in {t.number for t in real_search.report.pareto}


def test_accuracy_gate_and_validity_are_optuna_constraints(real_search: Any) -> None:
    study, _, _ = load_study(real_search.url, real_search.study)
    store = Store(real_search.url)
    for trial in _counted(study):
        result = store.result(trial.user_attrs["screening_result_id"]).result
        ratio = trial.user_attrs["quality_ratio"]
        assert ratio == result.quality.ratio
        reasons = result.invalid_reasons(target_ratio=0.99)
        assert trial.user_attrs["invalid_reasons"] == reasons
        assert trial.constraints == {"accuracy": 0.99 - ratio, "validity": float(len(reasons))}
        assert trial.system_attrs["constraints:accuracy"] == trial.constraints["accuracy"]
    feasible = {t.number for t in real_search.report.feasible}
    front = {t.number for t in study.best_trials if "duplicate_of" not in t.user_attrs}
    assert front == {t.number for t in real_search.report.pareto}
    assert {t.number for t in real_search.report.best.values()} <= feasible


def test_report_pareto_history_and_bests(real_search: Any) -> None:
    report = real_search.report
    assert report.evaluated == 3 and report.stop_reason == "budget"
    assert report.space_size == 12
    values = [hv for _, hv in report.history]
    assert len(values) == 3 and values == sorted(values) and values[-1] > 0
    assert set(report.best) == set(OBJECTIVES)
    tp = max(report.feasible, key=lambda t: t.values[0] if t.values else 0.0)
    assert report.best["throughput_sps"].number == tp.number
    events = {event for event, _, _ in real_search.events}
    assert {"started", "measured", "told"} <= events


def test_exports_are_valid_submissions(real_search: Any) -> None:
    paths = sorted(real_search.export_dir.glob("*.yaml"))
    assert [p.name for p in paths] == sorted(f"best-{o}.yaml" for o in OBJECTIVES)
    for path in paths:
        sub = load_submission(path, known_machines=["local"])
        objective = path.stem.removeprefix("best-")
        trial = real_search.report.best[objective]
        assert sub.team == "optuna" and sub.name == f"real-t{trial.number}"
        assert trial.config is not None
        assert sub.config() == _config(trial.config)


def _config(config: dict[str, Any]) -> dict[str, Any]:
    from tournament.schema.validate import parse_submission

    return parse_submission({"team": "t", "name": "n", **config}).config()
