from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import tournament.harness as harness
from tournament.harness.base import Rules
from tournament.harness.offline import Offline
from tournament.harness.source import ArraySampleSource
from tournament.harness.stats import summarize


def test_registry_gives_offline() -> None:
    assert isinstance(harness.get("offline"), Offline)


@pytest.mark.parametrize("batch_size", [1, 8, 30])
def test_min_queries_counts_samples(
    counting: Any, source: ArraySampleSource, batch_size: int
) -> None:
    rules = Rules(warmup_queries=2, warmup_s=0, min_duration_s=0, min_queries=100)
    log = Offline().run(counting, source, batch_size, rules)
    assert log.queries == math.ceil(100 / batch_size)
    assert log.samples == log.queries * batch_size >= 100
    assert set(counting.batch_sizes) == {batch_size}
    assert np.all(log.samples_per_query == batch_size)
    assert log.extra["min_samples"] == 100
    assert log.extra["batch_size"] == batch_size
    assert log.extra["min_rules_met"] is True
    assert counting.calls == 2 + log.queries


def test_batch_larger_than_the_samples(counting: Any) -> None:
    source = ArraySampleSource({"x": np.ones((3, 16), dtype=np.float32)})
    rules = Rules(warmup_queries=0, warmup_s=0, min_duration_s=0, min_queries=64)
    log = Offline().run(counting, source, 32, rules)
    assert log.queries == 2
    assert counting.batch_sizes == [32, 32]


def test_throughput_is_samples_over_duration(
    matmul: Any, source: ArraySampleSource, rules: Rules
) -> None:
    log = Offline().run(matmul, source, 16, rules)
    assert log.duration_ns >= rules.min_duration_s * 1e9
    summary = summarize(log, rules)
    assert summary.samples == log.queries * 16
    throughput = summary.figures["throughput_sps"]
    assert throughput.value == pytest.approx(log.samples / (log.duration_ns / 1e9))
    low, high = throughput.bounds()
    assert low <= throughput.value <= high


def test_max_duration_stops_offline(sleeper: Any, source: ArraySampleSource) -> None:
    rules = Rules(
        warmup_queries=0, warmup_s=0, min_duration_s=0, min_queries=100_000, max_duration_s=0.05
    )
    log = Offline().run(sleeper(0.01), source, 4, rules)
    assert log.extra["min_rules_met"] is False
    assert log.samples < 100_000
