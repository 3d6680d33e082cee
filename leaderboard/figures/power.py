"""Power of one result: the sampled trace and where the figures come from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from leaderboard.metrics import is_estimate, power_source_label


@dataclass(frozen=True)
class PowerTrace:
    """Power samples over the timed window, labelled with their source."""

    times_s: list[float]
    watts: list[float]
    source: str
    is_estimate: bool

    @property
    def title(self) -> str:
        """A chart title that says ESTIMATE when the trace is modelled, not metered."""
        return f"power during the timed run: {self.source}"


def power_trace(
    trace: Sequence[Sequence[float]] | None, power_source: str | None
) -> PowerTrace | None:
    """The trace as two series, or None when no sample was recorded."""
    points = [p for p in (trace or []) if len(p) >= 2]
    if not points:
        return None
    return PowerTrace(
        times_s=[float(p[0]) for p in points],
        watts=[float(p[1]) for p in points],
        source=power_source_label(power_source),
        is_estimate=is_estimate(power_source),
    )
