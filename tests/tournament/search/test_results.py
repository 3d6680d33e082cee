"""The search reads typed results: objectives from the metric table, the one accuracy gate and
validity rule as constraints, unknown figures never taken as 0."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import optuna
import pytest

from tournament.errors import UserError
from tournament.results import METRICS, Quality, Result, gate
from tournament.schema.validate import parse_submission
from tournament.search import SearchLoop, SearchSettings, build_report, parse_objectives
from tournament.search.derive import SpaceSpec, build_space
from tournament.search.evaluation import Measured, Outcome, Proposal, accuracy_constraint
from tournament.search.space import SearchSpace
from tournament.search.storage import study_directions
from tournament.search.store_evaluator import StoreEvaluator, outcome_of
from tournament.store import Store

MakeResult = Callable[..., Result]
SPACE = SpaceSpec(
    variants=("small",),
    runtimes=("onnxruntime",),
    quantizations=("fp32",),
    batch_sizes=(8, 64),
    threads=(1,),
    graph_optimizations=("all",),
)
"""Two configurations."""


@pytest.fixture(scope="module")
def space() -> SearchSpace:
    return build_space("digits-cnn", {"local": {"cpu_threads": 1}}, SPACE)


class Answers:
    """An evaluator that answers every proposal with ``outcome``."""

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome

    def enter(self, proposal: Proposal) -> dict[str, Any]:
        return {}

    def measure(self, proposals: list[Proposal]) -> Measured:
        return Measured({p.trial_number: self.outcome for p in proposals})


def _search(
    space: SearchSpace, outcome: Outcome, objectives: tuple[str, ...], ratio: float = 0.99
) -> optuna.Study:
    study = optuna.create_study(directions=study_directions(objectives))
    loop = SearchLoop(
        study, space, Answers(outcome), objectives=objectives, min_quality_ratio=ratio
    )
    loop.run(1)
    return study


def test_objectives_and_their_directions_come_from_the_metric_table() -> None:
    for m in METRICS:
        if m.objective:
            (found,) = parse_objectives(m.name)
            assert found.maximize == m.higher_is_better and found.metric is m
        else:
            with pytest.raises(UserError, match=f"objectives: '{m.name}' may not be an objective"):
                parse_objectives(m.name)
    with pytest.raises(UserError, match=r"unknown objective 'quality'.*quality_ratio"):
        parse_objectives("quality")


def test_an_outcome_holds_the_figures_of_the_result(make_result: MakeResult) -> None:
    result = make_result(figures={"cost_usd_per_million": None})
    outcome = outcome_of(result, target_ratio=0.99)
    assert outcome.metrics["throughput_sps"] == result.value("throughput_sps")
    assert outcome.metrics["cost_usd_per_million"] is None  # unknown, not 0
    assert outcome.quality_ratio == result.quality.ratio
    assert outcome.invalid_reasons == tuple(result.invalid_reasons(target_ratio=0.99))


@pytest.mark.parametrize("ratio", [0.85, 0.9, 0.95])
def test_the_accuracy_constraint_honours_a_lower_is_better_metric(
    make_result: MakeResult, ratio: float
) -> None:
    perplexity = Quality(11.0, "perplexity", False, 10.0, 0.9, "perplexity")
    outcome = outcome_of(make_result(quality=perplexity), target_ratio=ratio)
    constraint = accuracy_constraint(outcome, ratio)
    passes = gate(11.0, 10.0, ratio, higher_is_better=False)
    assert constraint is not None and (constraint <= 0) == passes
    assert outcome.quality_ratio == pytest.approx(10.0 / 11.0)
    assert bool(outcome.invalid_reasons) == (not passes)


def test_a_trial_with_an_unknown_objective_fails_with_its_reason(
    space: SearchSpace, make_result: MakeResult
) -> None:
    objectives = ("throughput_sps", "cost_usd_per_million")
    unknown = outcome_of(make_result(figures={"cost_usd_per_million": None}), target_ratio=0.99)
    (trial,) = _search(space, unknown, objectives).get_trials()
    assert trial.state == optuna.trial.TrialState.FAIL and trial.values is None
    assert "no cost_usd_per_million" in trial.user_attrs["error"]
    assert "never taken as 0" in trial.user_attrs["error"]
    priced = outcome_of(make_result(figures={"cost_usd_per_million": 0.2}), target_ratio=0.99)
    (trial,) = _search(space, priced, objectives).get_trials()
    assert trial.state == optuna.trial.TrialState.COMPLETE and trial.values[1] == 0.2


def test_a_result_that_breaks_its_scenario_rule_is_never_best(
    space: SearchSpace, make_result: MakeResult
) -> None:
    rules = {"server_latency_bound_ms": 1.0, "server_target_qps": 10.0}
    result = make_result(p50_ms=2.0, scenario="server", rules=rules)  # p99 2.18 ms > 1 ms
    outcome = outcome_of(result, target_ratio=0.99)
    assert outcome.invalid_reasons and (accuracy_constraint(outcome, 0.99) or 0.0) <= 0
    study = _search(space, outcome, ("throughput_sps",))
    (trial,) = study.get_trials()
    assert trial.state == optuna.trial.TrialState.COMPLETE
    assert trial.constraints["validity"] == 1.0 and trial.constraints["accuracy"] <= 0
    settings = SearchSettings(workload="digits-cnn", objectives=("throughput_sps",))
    report = build_report(study, settings, space.size())
    assert not report.feasible and not report.best and not study.best_trials
    message = report.infeasible_message()
    assert message is not None and "latency bound" in message


def test_the_store_evaluator_reads_the_stored_record(
    space: SearchSpace, make_result: MakeResult
) -> None:
    store = Store()
    rules = {"min_queries": 32, "runs": 1}
    evaluator = StoreEvaluator(
        store,
        backend=None,  # type: ignore[arg-type]  # nothing is left to measure
        study_name="s",
        scenario="offline",
        rules=rules,
        label="screening",
        target_ratio=0.99,
    )
    proposals = []
    for number, (params, config) in enumerate(space.enumerate()):
        submission = parse_submission({"team": "optuna", "name": f"s-t{number}", **config})
        proposals.append(Proposal(number, params, submission))
    links = [evaluator.enter(p) for p in proposals]
    result = make_result(scenario="offline", figures={"cost_usd_per_million": 0.5})
    result_id = store.record_result(links[0]["screening_run_id"], result)
    store.fail_run(links[1]["screening_run_id"], "worker lost")
    measured = evaluator.measure(proposals)
    done, failed = measured.outcomes[0], measured.outcomes[1]
    assert done.source == "measured" and done.error is None
    assert done.attrs["screening_result_id"] == result_id
    assert done.metrics["cost_usd_per_million"] == 0.5
    assert done.metrics["energy_cost_usd_per_million"] is None
    assert done.quality_ratio == result.quality.ratio and done.invalid_reasons == ()
    assert failed.error == "worker lost" and not failed.metrics


def test_a_trial_under_rules_of_several_runs_is_their_aggregate(
    space: SearchSpace, make_result: MakeResult
) -> None:
    store = Store()
    evaluator = StoreEvaluator(
        store,
        backend=None,  # type: ignore[arg-type]  # nothing is left to measure
        study_name="s",
        scenario="offline",
        rules={"min_queries": 32, "runs": 2},
        label="full",
        target_ratio=0.99,
    )
    (params, config), (params2, config2) = list(space.enumerate())[:2]
    proposals = [
        Proposal(0, params, parse_submission({"team": "optuna", "name": "t0", **config})),
        Proposal(1, params2, parse_submission({"team": "optuna", "name": "t1", **config2})),
    ]
    links = [evaluator.enter(p) for p in proposals]
    assert [len(link["full_run_ids"]) for link in links] == [2, 2]
    ids = []
    for run_id, throughput in zip(links[0]["full_run_ids"], (900.0, 1100.0), strict=True):
        result = make_result(scenario="offline", figures={"throughput_sps": throughput})
        ids.append(store.record_result(run_id, result))
    first, second = links[1]["full_run_ids"]
    store.record_result(first, make_result(scenario="offline"))
    store.fail_run(second, "worker lost")
    measured = evaluator.measure(proposals)
    both, half = measured.outcomes[0], measured.outcomes[1]
    assert both.metrics["throughput_sps"] == pytest.approx(1000.0)  # the mean of its runs
    assert both.attrs["full_result_ids"] == ids
    assert half.error == "worker lost"  # a trial counts only with all its runs


def test_a_cost_objective_needs_the_machine_price() -> None:
    settings = SearchSettings(
        workload="digits-cnn", objectives=("throughput_sps", "cost_usd_per_million")
    )
    unpriced = {"local": {"id": "local", "price_usd_per_hour": 0.0}}
    with pytest.raises(UserError) as caught:
        settings.check_prices(unpriced, {"local": ("cpu",)})
    (problem,) = caught.value.problems
    assert problem.startswith("objectives: cost_usd_per_million is unknown on machine 'local'")
    settings.check_prices({"local": {"price_usd_per_hour": 0.4}}, {"local": ("cpu",)})
    SearchSettings(workload="digits-cnn", objectives=("throughput_sps",)).check_prices(
        unpriced, {"local": ("cpu",)}
    )
    roofline = SearchSettings(workload="digits-cnn", objectives=("roofline_fraction",))
    with pytest.raises(UserError, match="roofline_fraction is unknown on machine 'local'"):
        roofline.check_prices({"local": {"price_usd_per_hour": 0.4}}, {"local": ("cpu",)})
