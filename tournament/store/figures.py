"""How a :class:`~tournament.results.Result` maps onto the ``results`` table, both ways.

The figure columns are derived from the metric table: for every metric ``m`` the columns
``m``, ``m_low`` and ``m_high`` (nullable floats: an unknown figure is NULL, never 0), and one
JSON column ``figure_sources`` with each present figure's provenance, method and interval kind.
Units come from the metric table and are not stored.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Double
from sqlalchemy.orm import mapped_column

from tournament.results import (
    METRICS,
    Artifact,
    Estimate,
    IntervalKind,
    Metric,
    Pricing,
    Provenance,
    Quality,
    Result,
)
from tournament.store.codec import decode_latencies, encode_latencies

ENERGY_FIGURES = frozenset({"energy_j", "energy_j_per_query", "energy_j_per_sample", "avg_power_w"})


def column_names(m: Metric) -> tuple[str, str, str]:
    """The value, low and high columns of metric ``m``."""
    return m.name, f"{m.name}_low", f"{m.name}_high"


FIGURE_COLUMNS: tuple[str, ...] = tuple(name for m in METRICS for name in column_names(m))
"""Every figure column of ``results``, in metric-table order."""


def add_figure_columns(row_class: Any) -> None:
    """Map the figure columns onto the declarative ``results`` class (at import time)."""
    for name in FIGURE_COLUMNS:
        setattr(row_class, name, mapped_column(Double, nullable=True))


def result_columns(result: Result) -> dict[str, Any]:
    """``results`` columns (all but ids and timestamps) holding ``result``."""
    columns: dict[str, Any] = dict.fromkeys(FIGURE_COLUMNS)
    sources: dict[str, dict[str, Any]] = {}
    for m in METRICS:
        est = result.figure(m.name)
        if est is None:
            continue
        value, low, high = column_names(m)
        columns[value], columns[low], columns[high] = est.value, est.ci_low, est.ci_high
        sources[m.name] = {
            "provenance": est.provenance.value,
            "method": est.method,
            "interval": est.interval.value if est.interval else None,
            "insufficient": est.insufficient,
        }
    q = result.quality
    columns.update(
        scenario=result.scenario,
        batch_size=result.batch_size,
        queries=result.queries,
        samples=result.samples,
        duration_s=result.duration_s,
        min_rules_met=result.min_rules_met,
        quality=q.value,
        quality_metric=q.metric,
        quality_label=q.label,
        quality_higher_is_better=q.higher_is_better,
        reference_quality=q.reference,
        target_ratio=q.target_ratio,
        valid=result.valid,
        flops_per_sample=result.flops_per_sample,
        artifact_sha256=result.artifact.sha256,
        artifact_bytes=result.artifact.bytes,
        artifact_details=dict(result.artifact.details),
        power_source=result.power_source,
        pricing=result.pricing.to_dict() if result.pricing else None,
        figure_sources=sources,
        rules=dict(result.rules),
        environment=dict(result.environment),
        extra=dict(result.extra),
        power_trace=[list(point) for point in result.power_trace],
        latencies=encode_latencies(result.latencies_ms),
    )
    return columns


def result_of(row: Any, *, details: bool = True) -> Result:
    """The :class:`Result` a ``results`` row holds; without ``details`` the per-query
    latencies and the power trace are left out (they are large)."""
    sources = row.figure_sources or {}
    figures = {}
    for m in METRICS:
        value, low, high = (getattr(row, c) for c in column_names(m))
        if value is None:
            continue
        figures[m.name] = _estimate(m, value, low, high, sources.get(m.name), row.power_source)
    return Result(
        scenario=row.scenario,
        rules=row.rules or {},
        batch_size=row.batch_size,
        queries=row.queries,
        samples=row.samples,
        duration_s=row.duration_s,
        min_rules_met=bool(row.min_rules_met),
        quality=Quality(
            value=row.quality,
            metric=row.quality_metric,
            higher_is_better=bool(row.quality_higher_is_better),
            reference=row.reference_quality,
            target_ratio=row.target_ratio,
            label=row.quality_label or row.quality_metric,
        ),
        figures=figures,
        flops_per_sample=row.flops_per_sample,
        artifact=Artifact(row.artifact_sha256, int(row.artifact_bytes or 0), row.artifact_details),
        environment=row.environment or {},
        power_source=row.power_source,
        pricing=Pricing.from_dict(row.pricing) if row.pricing else None,
        latencies_ms=tuple(decode_latencies(row.latencies)) if details else (),
        power_trace=tuple((t, w) for t, w in row.power_trace or ()) if details else (),
        extra=row.extra or {},
    )


def _estimate(
    m: Metric,
    value: float,
    low: float | None,
    high: float | None,
    source: dict[str, Any] | None,
    power_source: str | None,
) -> Estimate:
    if source is None:  # rows written before figure sources were stored
        estimated = m.name in ENERGY_FIGURES and str(power_source or "").startswith("estimate")
        provenance = Provenance.ESTIMATED if estimated else m.provenance
        source = {"provenance": provenance.value, "method": "", "interval": None}
    both = low is not None and high is not None
    interval = source.get("interval")
    return Estimate(
        value=value,
        ci_low=low if both else None,
        ci_high=high if both else None,
        unit=m.unit,
        provenance=Provenance(source["provenance"]),
        method=str(source.get("method") or ""),
        interval=IntervalKind(interval) if interval and both else None,
        insufficient=str(source.get("insufficient") or ""),
    )
