"""Fixtures of the store tests: a store on a temporary SQLite file, submissions, measurements.

The measurements built here are made-up test data, never a measurement of anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tournament.measurement import Measurement
from tournament.schema import Submission
from tournament.store import Store

MakeSubmission = Callable[..., Submission]
MakeMeasurement = Callable[..., Measurement]


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """URL of a fresh SQLite file."""
    return f"sqlite:///{tmp_path / 'db' / 'tourney.db'}"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A store on a fresh SQLite file, closed after the test."""
    with Store(db_url) as opened:
        yield opened


@pytest.fixture
def make_submission() -> MakeSubmission:
    """Builds a valid submission; keyword arguments override fields."""

    def make(**overrides: Any) -> Submission:
        fields: dict[str, Any] = {
            "team": "team-a",
            "name": "entry-1",
            "workload": "digits-cnn",
            "variant": "small",
            "runtime": "onnxruntime",
            "quantization": "fp32",
            "batch_size": 1,
            "machine": "local",
        }
        fields.update(overrides)
        return Submission(**fields)

    return make


@pytest.fixture
def make_measurement() -> MakeMeasurement:
    """Builds a made-up Measurement from a p50 latency; keyword arguments override fields."""

    def make(p50_ms: float = 2.0, **overrides: Any) -> Measurement:
        latencies = [p50_ms * (0.9 + 0.001 * i) for i in range(200)]
        fields: dict[str, Any] = {
            "scenario": "single-stream",
            "rules": {"min_queries": 200, "min_duration_s": 0.5},
            "batch_size": 1,
            "queries": len(latencies),
            "samples": len(latencies),
            "duration_s": sum(latencies) / 1000,
            "min_rules_met": True,
            "latency_p50_ms": p50_ms,
            "latency_p50_ci_ms": (p50_ms * 0.98, p50_ms * 1.02),
            "latency_p90_ms": p50_ms * 1.05,
            "latency_p90_ci_ms": (p50_ms * 1.03, p50_ms * 1.07),
            "latency_p99_ms": p50_ms * 1.09,
            "latency_p99_ci_ms": (p50_ms * 1.08, p50_ms * 1.1),
            "latency_mean_ms": p50_ms * 1.0,
            "latency_mean_ci_ms": (p50_ms * 0.99, p50_ms * 1.01),
            "throughput_sps": 1000 / p50_ms,
            "throughput_ci_sps": (990 / p50_ms, 1010 / p50_ms),
            "quality": 0.98,
            "quality_metric": "accuracy",
            "reference_quality": 0.984,
            "target_ratio": 0.99,
            "valid": True,
            "flops_per_sample": 2.0e5,
            "gflops_per_s": 0.1,
            "model_size_mb": 0.04,
            "peak_rss_mb": 300.0,
            "artifact_sha256": "ab" * 32,
            "artifact_details": {"format": "onnx", "note": "test data"},
            "environment": {"note": "test data, not a measurement", "torch": "2.13.0"},
            "latencies_ms": latencies,
            "energy_j": 1.5,
            "energy_j_per_query": 1.5 / len(latencies),
            "energy_j_per_sample": 1.5 / len(latencies),
            "avg_power_w": 3.0,
            "power_source": "estimate",
            "power_trace": [(0.0, 3.0), (0.25, 3.1), (0.5, 2.9)],
            "extra": {"harness_overhead_us": 4.0},
        }
        fields.update(overrides)
        return Measurement(**fields)

    return make
