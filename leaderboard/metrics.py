"""The figures a user can rank, plot and constrain on: column, label, unit and direction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from tournament.errors import UserError

Direction = Literal["min", "max"]


@dataclass(frozen=True)
class Metric:
    """One figure of a result.

    Attributes:
        key: the results column holding the value.
        label: what a reader sees (with the unit).
        direction: ``"min"`` when lower is better, ``"max"`` when higher is better.
        ci: the ``(low, high)`` columns of its 95% confidence interval, if measured with one.
    """

    key: str
    label: str
    direction: Direction
    ci: tuple[str, str] | None = None

    @property
    def higher_is_better(self) -> bool:
        """Whether a larger value ranks higher."""
        return self.direction == "max"


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric(
            "latency_p50_ms",
            "latency p50 (ms)",
            "min",
            ("latency_p50_ci_low_ms", "latency_p50_ci_high_ms"),
        ),
        Metric(
            "latency_p99_ms",
            "latency p99 (ms)",
            "min",
            ("latency_p99_ci_low_ms", "latency_p99_ci_high_ms"),
        ),
        Metric(
            "throughput_sps",
            "throughput (samples/s)",
            "max",
            ("throughput_ci_low_sps", "throughput_ci_high_sps"),
        ),
        Metric("quality", "quality", "max"),
        Metric("energy_j_per_query", "energy per query (J)", "min"),
        Metric("cost_usd_per_million", "cost per million queries (USD)", "min"),
    )
}
"""The metrics of the Pareto explorer, the ranking and the recommender, by column."""

ESTIMATE_TAG = "ESTIMATE"


def metric(key: str) -> Metric:
    """The metric of column ``key``.

    Raises:
        UserError: ``key`` is not one of :data:`METRICS`.
    """
    try:
        return METRICS[key]
    except KeyError:
        known = ", ".join(METRICS)
        raise UserError(f"metric must be one of {known}, not {key!r}.") from None


def is_estimate(power_source: object) -> bool:
    """Whether an energy figure comes from a model (``estimate-tdp`` ...) rather than a meter."""
    return isinstance(power_source, str) and "estimate" in power_source


def power_source_label(power_source: object) -> str:
    """The source of an energy figure as shown to readers; estimates say so in capitals.

    Anything but a non-empty string (None, a pandas NaN) means no power was recorded.
    """
    if not isinstance(power_source, str) or not power_source:
        return "not recorded"
    if is_estimate(power_source):
        return f"{ESTIMATE_TAG} ({power_source})"
    return f"measured ({power_source})"


def axis_label(key: str, power_sources: Iterable[object] = ()) -> str:
    """A metric's label; energy figures carry ``ESTIMATE`` when any of ``power_sources`` is one."""
    label = metric(key).label
    if key == "energy_j_per_query" and any(is_estimate(s) for s in power_sources):
        return f"{label}, {ESTIMATE_TAG}"
    return label
