"""What a benchmark worker returns: plain data, no ORM, no store imports.

Every figure carries its unit in its name. The driver turns a :class:`Measurement` into rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Measurement:
    """One measured configuration under one scenario."""

    scenario: str
    rules: dict[str, Any]
    batch_size: int
    queries: int
    samples: int
    duration_s: float
    min_rules_met: bool
    latency_p50_ms: float
    latency_p50_ci_ms: tuple[float, float]
    latency_p90_ms: float
    latency_p90_ci_ms: tuple[float, float]
    latency_p99_ms: float
    latency_p99_ci_ms: tuple[float, float]
    latency_mean_ms: float
    latency_mean_ci_ms: tuple[float, float]
    throughput_sps: float
    throughput_ci_sps: tuple[float, float]
    quality: float
    quality_metric: str
    reference_quality: float
    target_ratio: float
    valid: bool
    flops_per_sample: float
    gflops_per_s: float
    model_size_mb: float
    peak_rss_mb: float
    artifact_sha256: str
    artifact_details: dict[str, Any]
    environment: dict[str, Any]
    latencies_ms: list[float] = field(default_factory=list)
    energy_j: float | None = None
    energy_j_per_query: float | None = None
    energy_j_per_sample: float | None = None
    avg_power_w: float | None = None
    power_source: str | None = None
    power_trace: list[tuple[float, float]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Measurement:
        return cls(**data)
