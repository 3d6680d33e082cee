"""``measure``: one configuration end to end in this process, under each scenario."""

from __future__ import annotations

from typing import Any

import pytest

from tournament.results import IntervalKind, Provenance, Result
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
    "max_speed_drift": None,  # the index is measured, not judged: others share this machine
}


def test_single_stream_measures_everything() -> None:
    r = Result.from_dict(measure(DOC, "single-stream", RULES))
    assert r.queries >= 50 and r.samples == r.queries
    latencies = [r.figure(f"latency_{k}_ms") for k in ("p50", "p90", "p99", "mean")]
    for est in latencies:
        assert est is not None and est.unit == "ms" and est.interval is IntervalKind.WITHIN_RUN
        low, high = est.bounds()
        assert low <= est.value <= high
    p50, p90, p99, _ = (est.value for est in latencies if est is not None)
    assert p50 <= p90 <= p99
    assert r.valid and r.quality.value == pytest.approx(r.quality.reference)
    assert r.value("quality_ratio") == pytest.approx(1.0)
    throughput = r.value("throughput_sps")
    assert throughput is not None
    gflops = r.figure("gflops_per_s")
    assert gflops is not None and gflops.provenance is Provenance.DERIVED
    assert gflops.value == pytest.approx(r.flops_per_sample * throughput / 1e9)
    assert (r.value("model_size_mb") or 0) > 0 and (r.value("peak_rss_mb") or 0) > 0
    assert len(r.latencies_ms) == r.queries
    energy = r.figure("energy_j_per_query")
    assert r.power_source == "estimate-tdp" and energy is not None and energy.value > 0
    assert energy.provenance is Provenance.ESTIMATED and "estimate" in energy.method
    assert r.figure("cost_usd_per_million") is None  # priced by the driver, not the worker
    env = r.environment
    assert env["artifact_sha256"] == r.artifact.sha256
    assert {"torch", "onnxruntime"} <= set(env["packages"])
    assert env["workload"]["model_sha256"]
    assert set(r.extra["phases_s"]) == {"prepare_s", "timed_s", "accuracy_s"}
    # What changes kernels and threads: the runtimes' build and ISA dispatch, imported
    # distributions, the CPU's identity, threading variables and the load.
    builds = env["runtime_builds"]
    assert builds["onnxruntime"]["providers"] and "CPUExecutionProvider" in str(builds)
    assert builds["torch"]["cpu_capability"] and "PyTorch built with" in builds["torch"]["config"]
    assert {"numpy", "onnxruntime"} <= set(env["imported_packages"])
    assert isinstance(env["thread_env"], dict) and len(env["load_average"]) == 3
    assert {"vendor_id", "cpu_family", "model", "stepping"} <= set(env["cpu_id"])


def test_offline_counts_samples_in_batches() -> None:
    r = Result.from_dict(measure({**DOC, "batch_size": 16}, "offline", RULES))
    assert r.samples == 16 * r.queries and r.samples >= 50
    assert r.batch_size == 16 and r.valid


def test_server_find_peak_runs_at_the_peak() -> None:
    rules: dict[str, Any] = {**RULES, "server_find_peak": True, "server_latency_bound_ms": 200.0}
    r = Result.from_dict(measure(DOC, "server", rules))
    peak = r.extra["find_peak"]["peak_qps"]
    assert peak > 0 and r.rules["server_target_qps"] == peak
    assert r.extra["target_qps"] == peak


def test_a_raising_runtime_error_propagates() -> None:
    with pytest.raises(Exception, match="variant"):
        measure({**DOC, "variant": "nope"}, "single-stream", RULES)


def test_thread_variables_are_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    from tournament.fingerprint import environment

    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    monkeypatch.setenv("MKL_DYNAMIC", "FALSE")
    env = environment()
    assert {"OMP_NUM_THREADS": "3", "MKL_DYNAMIC": "FALSE"}.items() <= env["thread_env"].items()


def test_a_registered_spec_of_another_cpu_is_refused_before_anything_runs() -> None:
    from tournament.errors import UserError
    from tournament.machines import source

    spec = source().detect().to_dict() | {"id": "cpu-a", "cpu_model": "Imaginary CPU 9000"}
    with pytest.raises(UserError, match="registered with cpu_model 'Imaginary CPU 9000'"):
        measure(DOC, "single-stream", RULES, spec)
