from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest

import tournament.harness as harness
from tournament.errors import UserError
from tournament.harness import closed_loop
from tournament.harness.base import Rules
from tournament.harness.closed_loop import warm_up
from tournament.harness.single_stream import SingleStream
from tournament.harness.source import ArraySampleSource
from tournament.harness.stats import summarize


def test_registry_gives_single_stream() -> None:
    scenario = harness.get("single-stream")
    assert isinstance(scenario, SingleStream)
    assert scenario.name == "single-stream"


def test_stops_when_both_minimums_are_met(
    counting: Any, source: ArraySampleSource, rules: Rules
) -> None:
    log = SingleStream().run(counting, source, 8, rules)
    assert log.scenario == "single-stream"
    assert log.queries >= rules.min_queries
    assert log.duration_ns >= rules.min_duration_s * 1e9
    assert log.extra["min_rules_met"] is True
    assert log.samples == log.queries
    assert set(counting.batch_sizes) == {1}  # batch_size is ignored: one sample per query
    assert np.all(log.latencies_ns > 0)
    assert log.latencies_ns.dtype == np.int64


def test_minimum_query_count_is_reached_without_minimum_duration(
    counting: Any, source: ArraySampleSource
) -> None:
    rules = Rules(warmup_queries=0, warmup_s=0, min_duration_s=0, min_queries=77)
    log = SingleStream().run(counting, source, 1, rules)
    assert log.queries == 77
    assert counting.calls == 77


def test_warm_up_is_not_recorded(counting: Any, source: ArraySampleSource) -> None:
    rules = Rules(warmup_queries=7, warmup_s=0, min_duration_s=0, min_queries=20)
    log = SingleStream().run(counting, source, 1, rules)
    assert log.extra["warmup_queries"] == 7
    assert counting.calls == 7 + log.queries
    assert log.queries == 20


def test_warm_up_lasts_at_least_warmup_s(counting: Any, source: ArraySampleSource) -> None:
    start = time.perf_counter()
    issued = warm_up(counting.predict, source.feeds(1), queries=2, seconds=0.05)
    assert time.perf_counter() - start >= 0.05
    assert issued == counting.calls >= 2


def test_max_duration_stops_the_run(sleeper: Any, source: ArraySampleSource) -> None:
    rules = Rules(
        warmup_queries=0, warmup_s=0, min_duration_s=0.05, min_queries=10_000, max_duration_s=0.1
    )
    log = SingleStream().run(sleeper(0.01), source, 1, rules)
    assert log.extra["min_rules_met"] is False
    assert log.queries < 10_000
    assert log.duration_ns >= 0.1e9


def test_latencies_include_the_predictor_time(sleeper: Any, source: ArraySampleSource) -> None:
    rules = Rules(warmup_queries=1, warmup_s=0, min_duration_s=0, min_queries=10)
    log = SingleStream().run(sleeper(0.002), source, 1, rules)
    assert np.all(log.latencies_ns >= 2_000_000)
    assert log.duration_ns >= log.latencies_ns.sum()


def test_latency_buffer_grows_by_doubling(
    counting: Any, source: ArraySampleSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(closed_loop, "INITIAL_CAPACITY_MAX", 4)
    rules = Rules(warmup_queries=0, warmup_s=0, min_duration_s=0, min_queries=50)
    log = SingleStream().run(counting, source, 1, rules)
    assert log.queries == 50
    assert np.all(log.latencies_ns > 0)


def test_cycles_through_distinct_samples(counting: Any, source: ArraySampleSource) -> None:
    rules = Rules(warmup_queries=0, warmup_s=0, min_duration_s=0, min_queries=40)
    SingleStream().run(counting, source, 1, rules)
    assert counting.first_values[:17] == [*range(16), 0]


def test_bad_batch_size_is_a_user_error(
    counting: Any, source: ArraySampleSource, rules: Rules
) -> None:
    with pytest.raises(UserError, match="batch_size"):
        SingleStream().run(counting, source, 0, rules)


def test_real_torch_model_end_to_end(rules: Rules) -> None:
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 4))
    model.eval()

    class TorchPredictor:
        def predict(self, feed: dict[str, np.ndarray]) -> np.ndarray:
            with torch.inference_mode():
                return model(torch.from_numpy(feed["x"])).numpy()

        def close(self) -> None:
            """Nothing to release."""

    x = np.random.default_rng(0).standard_normal((32, 16)).astype(np.float32)
    log = SingleStream().run(TorchPredictor(), ArraySampleSource({"x": x}), 1, rules)
    summary = summarize(log, rules)
    assert summary.queries == log.queries >= rules.min_queries
    p50, p99 = summary.figures["latency_p50_ms"], summary.figures["latency_p99_ms"]
    assert p50.bounds()[0] <= p50.value <= p99.value
    assert summary.min_rules_met is True
