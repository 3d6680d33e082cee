"""A figure with its unit, its interval and how it was obtained."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any


class Provenance(StrEnum):
    """How a figure was obtained.

    * ``measured``: read from a clock or a meter during the run.
    * ``estimated``: computed from a model of the machine (e.g. power from CPU utilisation x
      TDP); shown labelled as an estimate, with its method.
    * ``derived``: computed from other figures and given inputs (a price, a peak), exactly.
      A figure derived from an estimate is itself an estimate.
    """

    MEASURED = "measured"
    ESTIMATED = "estimated"
    DERIVED = "derived"


class IntervalKind(StrEnum):
    """What the interval of a figure covers."""

    WITHIN_RUN = "within-run"
    """Bootstrap over the queries of one run: query-to-query spread only."""
    BETWEEN_RUNS = "between-runs"
    """Over independent runs: run-to-run spread included."""
    PROPAGATED = "propagated"
    """Carried from the interval of the figure it was derived from."""


@dataclass(frozen=True, slots=True)
class Estimate:
    """A figure: ``value`` in ``unit``, its 95 % interval (when it has one) and its source.

    ``ci_low <= value <= ci_high`` whenever both bounds are given. ``method`` says how an
    estimated or derived figure was computed, in words a reader can check.
    """

    value: float
    ci_low: float | None = None
    ci_high: float | None = None
    unit: str = ""
    provenance: Provenance = Provenance.MEASURED
    method: str = ""
    interval: IntervalKind | None = None
    insufficient: str = ""
    """Why the figure does not have the evidence it needs (e.g. too few queries for a p99
    under MLPerf's early-stopping rule), or ``""``. Shown with the figure; an insufficient
    primary metric makes a result not count."""

    def __post_init__(self) -> None:
        if (self.ci_low is None) != (self.ci_high is None):
            raise ValueError("an interval needs both bounds or neither")
        if self.ci_low is not None and self.interval is None:
            object.__setattr__(self, "interval", IntervalKind.WITHIN_RUN)

    @property
    def has_interval(self) -> bool:
        """Whether both bounds are known."""
        return self.ci_low is not None and self.ci_high is not None

    def bounds(self) -> tuple[float, float]:
        """``(ci_low, ci_high)``, or ``(value, value)`` without an interval."""
        if self.ci_low is None or self.ci_high is None:
            return self.value, self.value
        return self.ci_low, self.ci_high

    def overlaps(self, other: Estimate) -> bool:
        """Whether the two intervals overlap (a ranking then calls the two tied)."""
        a_low, a_high = self.bounds()
        b_low, b_high = other.bounds()
        return a_low <= b_high and b_low <= a_high

    def with_(self, **changes: Any) -> Estimate:
        """A copy with ``changes`` applied."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (see :meth:`from_dict`)."""
        return {
            "value": self.value,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "unit": self.unit,
            "provenance": self.provenance.value,
            "method": self.method,
            "interval": self.interval.value if self.interval else None,
            "insufficient": self.insufficient,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Estimate:
        """The estimate :meth:`to_dict` wrote."""
        interval = data.get("interval")
        return cls(
            value=float(data["value"]),
            ci_low=_opt_float(data.get("ci_low")),
            ci_high=_opt_float(data.get("ci_high")),
            unit=str(data.get("unit", "")),
            provenance=Provenance(data.get("provenance", Provenance.MEASURED.value)),
            method=str(data.get("method", "")),
            interval=IntervalKind(interval) if interval else None,
            insufficient=str(data.get("insufficient") or ""),
        )


def _opt_float(value: Any) -> float | None:
    return None if value is None else float(value)
