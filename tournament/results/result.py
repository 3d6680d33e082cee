"""The result of one measured run: frozen, typed, one :class:`Estimate` per metric.

A benchmark worker builds a :class:`Result` and returns :meth:`Result.to_dict` (plain data that
crosses process boundaries); the driver adds the cost figures (:func:`tournament.cost.priced`)
and the store keeps it. Every reader (ranking, CLI, exports, leaderboard, search) reads
figures through :meth:`Result.figure`, named by the metric table (:mod:`.metrics`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from tournament.results.estimate import Estimate
from tournament.results.metrics import BY_NAME
from tournament.results.quality import Quality


@dataclass(frozen=True, slots=True)
class Artifact:
    """The exact bytes that were timed and scored: their sha256, size and how they were made."""

    sha256: str
    bytes: int
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Pricing:
    """The prices a result's costs were computed with, and where they came from.

    ``None`` means unknown (nobody gave it): the figures that need it are unknown too.
    ``peak_source`` says where ``peak_gflops`` came from (a measured kernel or the nominal
    formula), ``threads`` the threads it is taken at, ``bandwidth_gb_s`` the measured memory
    bandwidth at those threads.
    """

    price_usd_per_hour: float | None
    tariff_usd_per_kwh: float | None
    peak_gflops: float | None
    precision: str = "fp32"
    device: str = "cpu"
    source: str = ""
    price_date: str | None = None
    """When the price was read (``YYYY-MM[-DD]``); None where nobody said."""
    peak_source: str = ""
    threads: int | None = None
    bandwidth_gb_s: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "price_usd_per_hour": self.price_usd_per_hour,
            "tariff_usd_per_kwh": self.tariff_usd_per_kwh,
            "peak_gflops": self.peak_gflops,
            "precision": self.precision,
            "device": self.device,
            "source": self.source,
            "price_date": self.price_date,
            "peak_source": self.peak_source,
            "threads": self.threads,
            "bandwidth_gb_s": self.bandwidth_gb_s,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Pricing:
        """The pricing :meth:`to_dict` wrote."""
        return cls(
            price_usd_per_hour=_opt(data.get("price_usd_per_hour")),
            tariff_usd_per_kwh=_opt(data.get("tariff_usd_per_kwh")),
            peak_gflops=_opt(data.get("peak_gflops")),
            precision=str(data.get("precision", "fp32")),
            device=str(data.get("device", "cpu")),
            source=str(data.get("source", "")),
            price_date=None if data.get("price_date") is None else str(data["price_date"]),
            peak_source=str(data.get("peak_source") or ""),
            threads=None if data.get("threads") is None else int(data["threads"]),
            bandwidth_gb_s=_opt(data.get("bandwidth_gb_s")),
        )


@dataclass(frozen=True, slots=True)
class Result:
    """What one run of one configuration under one scenario and rules measured.

    ``figures`` maps metric names (:data:`~tournament.results.metrics.METRICS`) to estimates;
    a metric that is absent is unknown (never 0). ``valid`` combines the accuracy gate of
    :attr:`quality`, the minimum rules and the scenario's own rule. ``latencies_ms`` holds
    every timed query's latency, in order.
    """

    scenario: str
    rules: Mapping[str, Any]
    batch_size: int
    queries: int
    samples: int
    duration_s: float
    min_rules_met: bool
    quality: Quality
    figures: Mapping[str, Estimate]
    flops_per_sample: float
    artifact: Artifact
    environment: Mapping[str, Any] = field(default_factory=dict)
    power_source: str | None = None
    pricing: Pricing | None = None
    latencies_ms: tuple[float, ...] = ()
    power_trace: tuple[tuple[float, float], ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.figures) - set(BY_NAME))
        if unknown:
            raise ValueError(f"figures {unknown} are not in the metric table")

    @property
    def valid(self) -> bool:
        """Whether the result counts (see :mod:`tournament.results.validity`)."""
        return not self.invalid_reasons()

    def invalid_reasons(self, target_ratio: float | None = None) -> list[str]:
        """Why the result does not count, at its own or another accuracy class."""
        from tournament.results.validity import invalid_reasons

        return invalid_reasons(self, target_ratio=target_ratio)

    def figure(self, name: str) -> Estimate | None:
        """The estimate of metric ``name``; ``None`` when unknown."""
        return self.figures.get(name)

    def value(self, name: str) -> float | None:
        """The value of metric ``name``; ``None`` when unknown."""
        found = self.figures.get(name)
        return None if found is None else found.value

    def with_figures(self, figures: Mapping[str, Estimate | None], **changes: Any) -> Result:
        """A copy with ``figures`` added or replaced (``None`` removes one) and ``changes``."""
        merged = {**self.figures, **{k: v for k, v in figures.items() if v is not None}}
        for name in [k for k, v in figures.items() if v is None]:
            merged.pop(name, None)
        return replace(self, figures=merged, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for transport between processes (see :meth:`from_dict`)."""
        return {
            "scenario": self.scenario,
            "rules": dict(self.rules),
            "batch_size": self.batch_size,
            "queries": self.queries,
            "samples": self.samples,
            "duration_s": self.duration_s,
            "min_rules_met": self.min_rules_met,
            "quality": self.quality.to_dict(),
            "figures": {name: est.to_dict() for name, est in self.figures.items()},
            "flops_per_sample": self.flops_per_sample,
            "artifact": {
                "sha256": self.artifact.sha256,
                "bytes": self.artifact.bytes,
                "details": dict(self.artifact.details),
            },
            "environment": dict(self.environment),
            "power_source": self.power_source,
            "pricing": self.pricing.to_dict() if self.pricing else None,
            "latencies_ms": list(self.latencies_ms),
            "power_trace": [list(point) for point in self.power_trace],
            "extra": dict(self.extra),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        """The result :meth:`to_dict` wrote.

        Raises:
            ValueError: a field is missing or does not fit.
        """
        try:
            artifact = data["artifact"]
            return cls(
                scenario=str(data["scenario"]),
                rules=dict(data["rules"]),
                batch_size=int(data["batch_size"]),
                queries=int(data["queries"]),
                samples=int(data["samples"]),
                duration_s=float(data["duration_s"]),
                min_rules_met=bool(data["min_rules_met"]),
                quality=Quality.from_dict(data["quality"]),
                figures={k: Estimate.from_dict(v) for k, v in data["figures"].items()},
                flops_per_sample=float(data["flops_per_sample"]),
                artifact=Artifact(
                    str(artifact["sha256"]), int(artifact["bytes"]), dict(artifact["details"])
                ),
                environment=dict(data.get("environment") or {}),
                power_source=data.get("power_source"),
                pricing=Pricing.from_dict(data["pricing"]) if data.get("pricing") else None,
                latencies_ms=tuple(float(x) for x in data.get("latencies_ms") or ()),
                power_trace=tuple((float(t), float(w)) for t, w in data.get("power_trace") or ()),
                extra=dict(data.get("extra") or {}),
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"not a result: {type(error).__name__}: {error}") from error


def _opt(value: Any) -> float | None:
    return None if value is None else float(value)
