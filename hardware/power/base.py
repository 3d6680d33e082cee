"""The power-meter contract: energy over a window, with where the figure came from."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class EnergyReading:
    """Energy over a measured window. Filled in when the window closes.

    ``source`` says how the figure was obtained: ``rapl`` and ``nvml`` are hardware counters
    (measurements); ``estimate-tdp`` is a model (an estimate, never shown as measured).
    ``trace`` holds (seconds since start, watts) samples where the meter samples.
    """

    source: str
    joules: float = 0.0
    seconds: float = 0.0
    trace: list[tuple[float, float]] = field(default_factory=list)

    @property
    def avg_watts(self) -> float:
        return self.joules / self.seconds if self.seconds > 0 else 0.0

    @property
    def is_estimate(self) -> bool:
        return self.source.startswith("estimate")


class PowerMeter(ABC):
    """Measures energy over a window: ``with meter.measure() as reading: ...``.

    Contract: ``available()`` is cheap and never raises; ``measure()`` must not disturb the
    timed code (any sampling runs in a background thread at a low rate) and fills the
    reading when the ``with`` block exits, even if the block raised.
    """

    source: str

    @classmethod
    @abstractmethod
    def available(cls) -> bool:
        """Whether this meter can read on this machine."""

    @abstractmethod
    @contextmanager
    def measure(self) -> Iterator[EnergyReading]:
        """Measure the energy of the enclosed block."""
