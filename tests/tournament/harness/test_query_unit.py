"""Per-query figures say what a query is: offline's latency is the latency of one batch."""

from __future__ import annotations

from typing import Any

import tournament.harness as harness
from tournament.harness.base import Rules
from tournament.harness.source import ArraySampleSource


def test_each_scenario_names_what_its_latency_is_of() -> None:
    assert harness.get("single-stream").query_unit(1) == "query"
    assert harness.get("server").query_unit(4) == "query of 4 samples"
    assert harness.get("offline").query_unit(32) == "batch of 32 samples"
    assert harness.get("offline").query_unit(1) == "batch of 1 sample"


def test_offline_latencies_are_labelled_per_batch(counting: Any, source: ArraySampleSource) -> None:
    offline = harness.get("offline")
    rules = Rules.quick()
    log = offline.run(counting, source, 8, rules)
    figures = offline.figures(log, rules)
    for name in ("latency_p50_ms", "latency_p99_ms", "latency_mean_ms"):
        assert figures[name].method.startswith("latency of one batch of 8 samples"), name
    assert "batch" not in figures["throughput_sps"].method  # throughput is per sample
