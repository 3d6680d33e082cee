"""Several meters over one window (e.g. CPU RAPL + GPU NVML), summed."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from tournament.power.base import EnergyReading, PowerMeter

if TYPE_CHECKING:
    from tournament.machines.base import Machine

Trace = list[tuple[float, float]]


class CompositeMeter(PowerMeter):
    """Runs every meter over the same window; energy is the sum, the source joins theirs.

    ``source`` is e.g. ``"rapl+nvml"``. Estimates are named first (``"estimate-tdp+nvml"``)
    so that ``is_estimate`` holds for any sum that contains one.
    """

    def __init__(self, meters: Sequence[PowerMeter]) -> None:
        if not meters:
            raise ValueError("a CompositeMeter needs at least one meter")
        self.meters = list(meters)
        ordered = sorted(self.meters, key=lambda meter: not meter.source.startswith("estimate"))
        self.source = "+".join(meter.source for meter in ordered)

    @classmethod
    def probe(
        cls, machine: Machine, *, device_index: int = 0, options: Mapping[str, Any] | None = None
    ) -> PowerMeter | None:
        """None: a composite is built from probed meters (:func:`~tournament.power.best_meter`)."""
        return None

    @contextmanager
    def measure(self) -> Iterator[EnergyReading]:
        reading = EnergyReading(source=self.source)
        parts: list[EnergyReading] = []
        try:
            with ExitStack() as stack:
                parts = [stack.enter_context(meter.measure()) for meter in self.meters]
                yield reading
        finally:
            reading.joules = sum(part.joules for part in parts)
            reading.seconds = max((part.seconds for part in parts), default=0.0)
            reading.trace = sum_traces([part.trace for part in parts])


def sum_traces(traces: Sequence[Trace]) -> Trace:
    """Pointwise sum of power traces on the union of their times (linear interpolation,
    constant beyond a trace's ends; empty traces contribute nothing)."""
    traces = [trace for trace in traces if trace]
    times = sorted({t for trace in traces for t, _ in trace})
    return [(t, sum(_at(trace, t) for trace in traces)) for t in times]


def _at(trace: Trace, t: float) -> float:
    index = bisect_left(trace, (t, float("-inf")))
    if index == 0:
        return trace[0][1]
    if index == len(trace):
        return trace[-1][1]
    (t0, w0), (t1, w1) = trace[index - 1], trace[index]
    return w0 if t1 == t0 else w0 + (w1 - w0) * (t - t0) / (t1 - t0)
