"""The ask/tell loop on replayed real measurements (the benchmark's grid table, measured once).

Replaying lets these tests run hundreds of trials in seconds through the same loop, samplers and
constraint handling as ``tourney search``; the real measuring path is tested in
``test_real_search.py`` and ``test_resume.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import optuna
import pytest

from tournament.search import SearchLoop, SearchSettings, build_report
from tournament.search.replay import ReplayEvaluator, Table, load_table, row_ratio
from tournament.search.samplers import make_sampler
from tournament.search.storage import study_directions

TABLE = Path(__file__).parents[3] / "benchmarks" / "data" / "search_digits_grid.json"


@pytest.fixture(scope="module")
def table() -> Table:
    return load_table(TABLE)


def _ratio(row: dict[str, Any]) -> float:
    ratio = row_ratio(row)
    assert ratio is not None
    return ratio


def test_old_tables_get_the_quality_ratio(table: Table) -> None:
    for row in table.rows.values():
        if row.get("quality") is not None:  # digits-cnn: accuracy, higher is better
            assert _ratio(row) == float(row["quality"]) / float(row["reference_quality"])
            assert row["metrics"]["quality_ratio"] == _ratio(row)


def _search(
    table: Table,
    objectives: tuple[str, ...],
    ratio: float,
    sampler: str,
    budget: int,
    seed: int = 0,
) -> tuple[optuna.Study, ReplayEvaluator, Any]:
    study = optuna.create_study(
        study_name="replay",
        directions=study_directions(objectives),
        sampler=make_sampler(sampler, seed=seed, trials=budget),
    )
    evaluator = ReplayEvaluator(table.rows)
    loop = SearchLoop(
        study,
        table.space,
        evaluator,
        objectives=objectives,
        min_quality_ratio=ratio,
        grid=sampler == "grid",
        grid_seed=seed,
    )
    return study, evaluator, loop.run(budget, parallel=2)


def test_grid_evaluates_every_configuration_once(table: Table) -> None:
    study, evaluator, result = _search(table, ("throughput_sps",), 0.99, "grid", 10_000)
    assert result.stop_reason == "exhausted"
    assert result.evaluated == evaluator.evaluations == len(table.rows) == table.space.size()
    hashes = [t.user_attrs["config_hash"] for t in study.get_trials()]
    assert sorted(hashes) == sorted(table.rows)


def test_infeasible_trials_are_never_best(table: Table) -> None:
    objective = "model_size_mb"
    rows = [r for r in table.rows.values() if not r.get("error")]
    smallest = min(rows, key=lambda r: (r["metrics"][objective], _ratio(r)))
    ratio = _ratio(smallest) + 1e-6  # the smallest model fails the gate from here on
    assert any(_ratio(r) >= ratio for r in rows), "the table has no feasible configuration"
    study, _, _ = _search(table, (objective, "throughput_sps"), ratio, "grid", 10_000)
    settings = SearchSettings(
        workload="digits-cnn", objectives=(objective, "throughput_sps"), min_quality_ratio=ratio
    )
    report = build_report(study, settings, table.space.size())
    best = report.best[objective]
    assert best.feasible and best.quality_ratio is not None and best.quality_ratio >= ratio
    assert best.values is not None and best.values[0] >= smallest["metrics"][objective]
    assert all(t.feasible for t in report.pareto)
    assert {t.number for t in report.pareto} == {t.number for t in study.best_trials}
    infeasible = [t for t in study.get_trials() if t.constraints["accuracy"] > 0]
    assert infeasible and all(
        t.number not in {b.number for b in report.best.values()} for t in infeasible
    )


def test_duplicates_are_told_at_once_and_cost_nothing(table: Table) -> None:
    budget = len(table.rows) // 2
    study, evaluator, result = _search(
        table, ("throughput_sps", "latency_p99_ms"), 0.99, "random", budget, seed=3
    )
    assert result.evaluated == evaluator.evaluations == budget
    trials = study.get_trials()
    duplicates = [t for t in trials if "duplicate_of" in t.user_attrs]
    assert duplicates, "128 random draws from 256 configurations repeat some"
    by_number = {t.number: t for t in trials}
    for trial in duplicates:
        twin = by_number[trial.user_attrs["duplicate_of"]]
        assert trial.values == twin.values and trial.constraints == twin.constraints
        assert trial.user_attrs["config_hash"] == twin.user_attrs["config_hash"]
    assert len(trials) == budget + len(duplicates)


def test_the_quality_ratio_can_be_an_objective(table: Table) -> None:
    study, _, _ = _search(table, ("quality_ratio", "throughput_sps"), 0.99, "random", 20)
    complete = [
        t
        for t in study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
        if "duplicate_of" not in t.user_attrs
    ]
    assert complete and all(t.values[0] == t.user_attrs["quality_ratio"] for t in complete)
    assert all(t.constraints["accuracy"] == 0.99 - t.values[0] for t in complete)


@pytest.mark.parametrize("sampler", ["tpe", "nsga2"])
def test_samplers_search_with_the_constraint(table: Table, sampler: str) -> None:
    study, evaluator, result = _search(
        table, ("throughput_sps", "energy_j_per_query"), 0.99, sampler, 24
    )
    assert result.evaluated == evaluator.evaluations == 24
    complete = study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
    assert all("accuracy" in t.constraints for t in complete)
    assert study.best_trials
