"""The power-meter contract: energy over a window, with where the figure came from."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:
    from tournament.machines.base import Machine

Part = Literal["cpu", "gpu"]
"""The part of a machine a meter reads."""


@dataclass
class EnergyReading:
    """Energy over a measured window. Filled in when the window closes.

    ``source`` says how the figure was obtained: ``rapl`` and ``nvml`` are hardware counters
    (measurements); a source starting with ``estimate`` (``estimate-tdp``) is a model (an
    estimate, never shown as measured). ``trace`` holds (seconds since start, watts) samples
    where the meter samples.
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

    Contract:
    * ``source`` names where figures come from; an estimate's starts with ``estimate``.
    * ``covers`` is the part of the machine it reads (``cpu`` or ``gpu``); ``rank`` orders the
      meters of one part (higher first; estimates lowest, as the fallback that always works).
    * ``probe`` is cheap and never raises: a meter ready to read on this machine, or None when
      it cannot (no counters, no permission, no device). ``options`` are the meter's own
      settings (e.g. a sysfs root or a driver module that tests inject).
    * ``measure()`` must not disturb the timed code (any sampling runs in a background thread at
      a low rate) and fills the reading when the ``with`` block exits, even if the block raised.
    """

    source: str
    covers: ClassVar[Part] = "cpu"
    rank: ClassVar[int] = 0

    @classmethod
    @abstractmethod
    def probe(
        cls, machine: Machine, *, device_index: int = 0, options: Mapping[str, Any] | None = None
    ) -> PowerMeter | None:
        """A meter for ``machine`` (GPU ``device_index`` for GPU meters), or None."""

    @abstractmethod
    @contextmanager
    def measure(self) -> Iterator[EnergyReading]:
        """Measure the energy of the enclosed block."""
