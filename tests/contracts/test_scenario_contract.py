"""The scenario contract (``tournament/harness/base.py``) on every registered scenario.

Each scenario runs once per module on a tiny real predictor (a numpy dense layer whose every
call lasts at least :data:`SERVICE_S`), under short rules, while the predictor records how it
is called and ``time.perf_counter_ns`` counts its calls; the tests then check the log, the
figures, the primary metric, the checks, the tuning and the validity rule.
"""

from __future__ import annotations

import copy
import json
import math
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from tournament import harness
from tournament.harness import QueryLog, Rules, Scenario
from tournament.harness.source import ArraySampleSource
from tournament.results import (
    BY_NAME,
    Artifact,
    Estimate,
    Quality,
    Result,
    metric,
)

from .conftest import implementations

SCENARIOS = implementations(harness.SCENARIOS)
FEATURES, OUTPUTS, SAMPLES, BATCH = 16, 4, 64, 4
SERVICE_S = 200e-6
"""Every predict call lasts at least this long (so that latencies have a known floor)."""
RUN_RULES = Rules.model_validate(
    {
        **Rules.quick().model_dump(),
        "warmup_queries": 3,
        "min_queries": 32,
        "min_duration_s": 0.05,
        "max_duration_s": 5.0,
        "server_target_qps": 1000.0,
    }
)
"""Short rules every scenario can run with (a target rate for those that need one)."""
OTHER_RULES = (
    Rules(),
    Rules.quick(),
    RUN_RULES,
    Rules(server_find_peak=True),
    Rules(server_target_qps=10.0, server_latency_bound_ms=0.5),
    Rules(min_duration_s=0.0, min_queries=1, warmup_queries=0, warmup_s=0.0),
    Rules(min_duration_s=200.0, max_duration_s=300.0, timeout_s=400.0),
)
"""Rules to ask ``check`` and ``primary_metric`` about, runnable or not."""
_perf_counter_ns = time.perf_counter_ns


class SpyPredictor:
    """A numpy dense layer that records how the scenario uses it.

    ``accessed``: every attribute the scenario read (the contract allows only ``predict``).
    ``batch_sizes``: the samples of each call. ``overlaps``: calls that began while another was
    still running (a predictor is called from one thread at a time).
    """

    def __init__(self) -> None:
        rng = np.random.default_rng(0)
        self._weight = rng.standard_normal((FEATURES, OUTPUTS)).astype(np.float32)
        self._busy = threading.Lock()
        self._accessed: set[str] = set()
        self.batch_sizes: list[int] = []
        self.overlaps = 0

    def __getattribute__(self, name: str) -> Any:
        if not name.startswith("_") and name in {"predict", "close"}:
            object.__getattribute__(self, "_accessed").add(name)
        return object.__getattribute__(self, name)

    @property
    def accessed(self) -> set[str]:
        return set(self._accessed)

    def predict(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        if not self._busy.acquire(blocking=False):
            self.overlaps += 1
            self._busy.acquire()
        try:
            end = _perf_counter_ns() + int(SERVICE_S * 1e9)
            out = feed["x"] @ self._weight
            self.batch_sizes.append(int(feed["x"].shape[0]))
            while _perf_counter_ns() < end:
                pass
            return out
        finally:
            self._busy.release()

    def close(self) -> None:
        """Nothing to release."""


def _source() -> ArraySampleSource:
    x = np.random.default_rng(1).standard_normal((SAMPLES, FEATURES)).astype(np.float32)
    return ArraySampleSource({"x": x})


@dataclass
class Ran:
    """One run of a scenario under :data:`RUN_RULES` and what was observed around it."""

    scenario: Scenario
    log: QueryLog
    predictor: SpyPredictor
    clock_calls: int
    seconds: float
    imported: list[str]


@pytest.fixture(scope="module", params=SCENARIOS)
def name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def scenario(name: str) -> Scenario:
    return harness.get(name)


@pytest.fixture(scope="module")
def ran(scenario: Scenario) -> Ran:
    """The scenario run once on a spy predictor with ``time.perf_counter_ns`` counted."""
    assert scenario.check(RUN_RULES) == [], "the suite's RUN_RULES must be runnable"
    predictor, source = SpyPredictor(), _source()
    calls = [0]

    def counted() -> int:
        calls[0] += 1
        return _perf_counter_ns()

    modules = set(sys.modules)
    start = time.monotonic()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "perf_counter_ns", counted)
        log = scenario.run(predictor, source, BATCH, RUN_RULES)
    seconds = time.monotonic() - start
    return Ran(scenario, log, predictor, calls[0], seconds, sorted(set(sys.modules) - modules))


# -- identity ------------------------------------------------------------------------------------


def test_class_attributes(name: str, scenario: Scenario) -> None:
    assert scenario.name == name
    assert isinstance(scenario.description, str) and scenario.description.strip()
    assert isinstance(scenario.mlperf_name, str)
    sizes = scenario.batch_sizes
    assert sizes is None or (sizes and all(isinstance(b, int) and b >= 1 for b in sizes))


# -- run ---------------------------------------------------------------------------------------


def test_the_log_counts_are_consistent(name: str, ran: Ran) -> None:
    log = ran.log
    assert log.scenario == name
    assert log.latencies_ns.ndim == 1 and np.issubdtype(log.latencies_ns.dtype, np.integer)
    assert log.samples_per_query.shape == log.latencies_ns.shape
    assert log.queries == log.latencies_ns.shape[0] >= 1
    assert log.samples == int(log.samples_per_query.sum()) >= log.queries
    expected = ran.scenario.batch_sizes or (BATCH,)
    assert set(log.samples_per_query.tolist()) <= set(expected)
    assert log.duration_ns > 0


def test_the_run_meets_the_rules_it_was_given(ran: Ran) -> None:
    """Measure until both minimums are met, never beyond the maximum (plus one query)."""
    log, rules = ran.log, RUN_RULES
    assert log.extra.get("min_rules_met") is True, log.extra
    assert log.samples >= rules.min_queries  # queries or samples, whichever the scenario counts
    assert log.duration_ns >= rules.min_duration_s * 1e9
    slowest = int(log.latencies_ns.max())
    assert log.duration_ns <= rules.max_duration_s * 1e9 + slowest


def test_the_run_only_calls_predict_one_call_at_a_time(ran: Ran) -> None:
    predictor, log = ran.predictor, ran.log
    assert predictor.accessed == {"predict"}
    assert predictor.overlaps == 0, "predict was called from two threads at once"
    # Warm-up queries are issued but not recorded.
    assert len(predictor.batch_sizes) >= log.queries + RUN_RULES.warmup_queries
    assert max(predictor.batch_sizes) <= max(ran.scenario.batch_sizes or (BATCH,))


def test_the_run_builds_no_model_and_touches_no_store(ran: Ran) -> None:
    """Nothing of a model framework or the store is imported while the scenario runs."""
    heavy = ("torch", "onnxruntime", "openvino", "tournament.store", "sqlalchemy")
    assert not [m for m in ran.imported if m.startswith(heavy)], ran.imported


def test_every_query_is_timed_with_perf_counter_ns(ran: Ran) -> None:
    """Each query's latency covers its predict call, read from ``time.perf_counter_ns``."""
    log = ran.log
    assert ran.clock_calls >= log.queries + 1
    assert int(log.latencies_ns.min()) >= SERVICE_S * 1e9
    assert log.duration_ns <= ran.seconds * 1e9


def test_the_run_marks_its_timed_window_once_around_the_recorded_queries(
    scenario: Scenario,
) -> None:
    # Meters and the contention sampler run over the window the scenario marks: it must be
    # marked exactly once, and it must hold the queries the log records (not the warm-up).
    from contextlib import contextmanager

    from tournament.harness.window import observing

    predictor = SpyPredictor()
    seen: dict[str, int] = {}

    @contextmanager
    def calls_inside() -> Iterator[dict[str, int]]:
        before = len(predictor.batch_sizes)
        yield seen
        seen["calls"] = len(predictor.batch_sizes) - before

    with observing(calls_inside) as window:
        log = scenario.run(predictor, _source(), BATCH, RUN_RULES)
    assert window.observed
    assert seen["calls"] == log.queries  # every recorded query, and no warm-up call
    assert len(predictor.batch_sizes) > log.queries  # the warm-up happened, outside it


def test_the_log_extra_is_plain_data(ran: Ran) -> None:
    """``extra`` goes into the result, which crosses processes as plain data."""
    json.dumps(ran.log.extra, allow_nan=False)


# -- figures -----------------------------------------------------------------------------------


def test_figures_are_metrics_of_the_table_with_their_units_and_intervals(ran: Ran) -> None:
    figures = ran.scenario.figures(ran.log, RUN_RULES)
    assert figures, "a scenario reports at least one figure"
    assert set(figures) <= set(BY_NAME), sorted(set(figures) - set(BY_NAME))
    for key, estimate in figures.items():
        assert isinstance(estimate, Estimate), key
        assert estimate.unit == metric(key).unit, key
        assert math.isfinite(estimate.value), key
        assert estimate.has_interval, f"{key} has no interval"
        low, high = estimate.bounds()
        assert low <= estimate.value <= high, (key, estimate)


def test_figures_follow_the_metric_table_definitions(ran: Ran) -> None:
    """Where the figure is reported: p50/p90/p99/mean of the query latencies, and samples per
    second of the timed window (the metric table's meaning of each name)."""
    log = ran.log
    figures = ran.scenario.figures(log, RUN_RULES)
    ms = log.latencies_ns / 1e6
    expected = {
        "latency_p50_ms": float(np.percentile(ms, 50)),
        "latency_p90_ms": float(np.percentile(ms, 90)),
        "latency_p99_ms": float(np.percentile(ms, 99)),
        "latency_mean_ms": float(ms.mean()),
        "throughput_sps": log.samples / (log.duration_ns / 1e9),
    }
    for key, value in expected.items():
        if key in figures:
            assert figures[key].value == pytest.approx(value, rel=1e-9), key


def test_figures_are_deterministic_and_leave_the_log_alone(ran: Ran) -> None:
    log = ran.log
    before = copy.deepcopy(log)
    first = ran.scenario.figures(log, RUN_RULES)
    assert ran.scenario.figures(log, RUN_RULES) == first
    assert ran.scenario.figures(copy.deepcopy(log), RUN_RULES) == first
    assert np.array_equal(log.latencies_ns, before.latencies_ns)
    assert np.array_equal(log.samples_per_query, before.samples_per_query)
    assert (log.duration_ns, log.extra) == (before.duration_ns, before.extra)


# -- primary metric, checks, tuning, validity --------------------------------------------------


@pytest.mark.parametrize("rules", [None, {}, *(r.model_dump() for r in OTHER_RULES)])
def test_primary_metric_is_an_objective_of_the_metric_table(
    scenario: Scenario, rules: dict[str, Any] | None
) -> None:
    found = scenario.primary_metric(rules)
    assert found in BY_NAME, found
    assert metric(found).objective, f"{found} may not be a ranking objective"


@pytest.mark.parametrize("rules", OTHER_RULES, ids=[f"rules{i}" for i in range(len(OTHER_RULES))])
def test_check_is_cheap_and_returns_sentences_naming_the_rules_field(
    scenario: Scenario, rules: Rules
) -> None:
    start = time.perf_counter()
    problems = scenario.check(rules)
    assert time.perf_counter() - start < 0.1, "check must be cheap"
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, str) and problem.startswith("rules."), problem
        field = problem.removeprefix("rules.").split(":")[0].split(" ")[0]
        assert field in Rules.model_fields, problem
        assert problem.rstrip().endswith(".") and "\n" not in problem, problem


@pytest.mark.parametrize("find_peak", [False, True], ids=["fixed", "find-peak"])
def test_tune_returns_runnable_rules_and_plain_data(scenario: Scenario, find_peak: bool) -> None:
    rules = RUN_RULES.model_copy(update={"server_find_peak": find_peak})
    predictor = SpyPredictor()
    tuned, found = scenario.tune(predictor, _source(), BATCH, rules)
    assert isinstance(tuned, Rules)
    assert scenario.check(tuned) == []
    assert isinstance(found, dict)
    json.dumps(found, allow_nan=False)
    assert predictor.accessed <= {"predict"} and predictor.overlaps == 0
    if not find_peak:
        assert predictor.batch_sizes == [], "nothing to tune at a fixed rate: no query issued"


def _result(scenario: Scenario, log: QueryLog, **changes: Any) -> Result:
    fields: dict[str, Any] = {
        "scenario": scenario.name,
        "rules": RUN_RULES.model_dump(mode="json"),
        "batch_size": BATCH,
        "queries": log.queries,
        "samples": log.samples,
        "duration_s": log.duration_ns / 1e9,
        "min_rules_met": bool(log.extra.get("min_rules_met")),
        "quality": Quality(0.98, "accuracy", True, 0.98, 0.99, "test data"),
        "figures": scenario.figures(log, RUN_RULES),
        "flops_per_sample": 2.0 * FEATURES * OUTPUTS,
        "artifact": Artifact("ab" * 32, 1024, {"note": "test data"}),
        "latencies_ms": tuple((log.latencies_ns / 1e6).tolist()),
        "extra": dict(log.extra),
    }
    fields.update(changes)
    return Result(**fields)


def test_invalid_reasons_are_a_list_of_strings(ran: Ran) -> None:
    scenario = ran.scenario
    results = [
        _result(scenario, ran.log),
        _result(scenario, ran.log, figures={}),
        _result(scenario, ran.log, rules={}),
        _result(
            scenario,
            ran.log,
            rules={**RUN_RULES.model_dump(mode="json"), "server_latency_bound_ms": 1e-6},
        ),
    ]
    for result in results:
        reasons = scenario.invalid_reasons(result)
        assert isinstance(reasons, list) and all(isinstance(r, str) and r for r in reasons)


@pytest.fixture
def _no_thread_left() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    assert set(threading.enumerate()) <= before, "a scenario left a thread running"


@pytest.mark.usefixtures("_no_thread_left")
def test_a_run_leaves_no_thread_behind(scenario: Scenario) -> None:
    quick = RUN_RULES.model_copy(update={"min_queries": 8, "min_duration_s": 0.0})
    scenario.run(SpyPredictor(), _source(), 1, quick)
