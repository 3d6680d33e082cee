"""MLPerf-style summaries of made-up records: validity, accuracy direction, scenario names."""

from __future__ import annotations

from typing import Any

from tournament.export.mlperf import mlperf_scenario, summary_text
from tournament.results import Quality


def test_a_valid_single_stream_summary(make_result: Any, make_record: Any) -> None:
    text = summary_text(make_record(make_result(2.0, quality=0.98), team="t", name="n"))
    assert "SUT name : t/n (digits-cnn/small onnxruntime fp32 batch 1, machine local)" in text
    assert "Scenario : SingleStream" in text and "Result is : VALID" in text
    assert "90th percentile latency (ns) :" in text  # the scenario's primary metric
    assert "Accuracy target met : Yes" in text and "Target (0.99 x reference) : 0.974160" in text
    assert "Tourney result id : 1 (round -, config 000000000000)" in text


def test_the_round_class_and_the_metric_direction_decide(
    make_result: Any, make_record: Any
) -> None:
    strict = summary_text(make_record(make_result(quality=0.98)), target_ratio=0.999)
    assert "Result is : INVALID" in strict and "Accuracy target met : NO" in strict
    assert "Reasons : quality 0.98 misses the target 0.983016" in strict
    error = Quality(1.01, "error", False, 1.0, 0.99, "error rate")  # lower is better
    text = summary_text(make_record(make_result(quality=error)))
    assert "Result is : VALID" in text and "Target (0.99 x reference) : 1.010101" in text
    assert "error : 1.010000 (lower is better)" in text


def test_minimum_rules_and_server_bound(make_result: Any, make_record: Any) -> None:
    rules = {
        "min_queries": 500,
        "min_duration_s": 0.1,
        "server_target_qps": 100.0,
        "server_latency_bound_ms": 1.0,
    }
    text = summary_text(make_record(make_result(2.0, scenario="server", rules=rules)))
    assert "Scenario : Server" in text and "99th percentile latency (ns) :" in text
    assert "Min queries satisfied : NO" in text and "Result is : INVALID" in text
    assert "over the 1 ms latency bound" in text
    assert "target_qps : 100.0" in text


def test_offline_headline_and_unknown_figures(make_result: Any, make_record: Any) -> None:
    result = make_result(scenario="offline", figures={"throughput_sps": None}, latencies_ms=())
    text = summary_text(make_record(result))
    assert "Scenario : Offline" in text and "Samples per second : —" in text
    assert mlperf_scenario("batch") == "batch"
