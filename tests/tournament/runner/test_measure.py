"""``measure``: one configuration end to end in this process, under each scenario."""

from __future__ import annotations

from typing import Any

import pytest

from tournament.runner.measure import measure

DOC = {
    "team": "t",
    "name": "n",
    "workload": "digits-cnn",
    "variant": "small",
    "runtime": "onnxruntime",
    "quantization": "fp32",
}
RULES = {
    "warmup_queries": 2,
    "warmup_s": 0.0,
    "min_duration_s": 0.1,
    "min_queries": 50,
    "max_duration_s": 5.0,
    "bootstrap_resamples": 200,
}


def test_single_stream_measures_everything() -> None:
    m = measure(DOC, "single-stream", RULES)
    assert m["queries"] >= 50 and m["samples"] == m["queries"]
    for key in ("latency_p50", "latency_p90", "latency_p99", "latency_mean"):
        low, high = m[f"{key}_ci_ms"]
        assert low <= m[f"{key}_ms"] <= high
    assert m["latency_p50_ms"] <= m["latency_p90_ms"] <= m["latency_p99_ms"]
    assert m["valid"] and m["quality"] == pytest.approx(m["reference_quality"])
    assert m["gflops_per_s"] == pytest.approx(m["flops_per_sample"] * m["throughput_sps"] / 1e9)
    assert m["model_size_mb"] > 0 and m["peak_rss_mb"] > 0
    assert len(m["latencies_ms"]) == m["queries"]
    assert m["power_source"] == "estimate-tdp" and m["energy_j_per_query"] > 0
    env = m["environment"]
    assert env["artifact_sha256"] == m["artifact_sha256"]
    assert {"torch", "onnxruntime"} <= set(env["packages"])
    assert env["workload"]["model_sha256"]
    assert set(m["extra"]["phases_s"]) == {"prepare_s", "timed_s", "accuracy_s"}


def test_offline_counts_samples_in_batches() -> None:
    m = measure({**DOC, "batch_size": 16}, "offline", RULES)
    assert m["samples"] == 16 * m["queries"] and m["samples"] >= 50
    assert m["batch_size"] == 16 and m["valid"]


def test_server_find_peak_runs_at_the_peak() -> None:
    rules: dict[str, Any] = {**RULES, "server_find_peak": True, "server_latency_bound_ms": 200.0}
    m = measure(DOC, "server", rules)
    peak = m["extra"]["find_peak"]["peak_qps"]
    assert peak > 0 and m["rules"]["server_target_qps"] == peak
    assert m["extra"]["target_qps"] == peak


def test_a_raising_runtime_error_propagates() -> None:
    with pytest.raises(Exception, match="variant"):
        measure({**DOC, "variant": "nope"}, "single-stream", RULES)
