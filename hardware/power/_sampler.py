"""A low-rate background sampler shared by the meters, and the reading it fills."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tournament.power import EnergyReading


@dataclass
class SampledReading(EnergyReading):
    """An :class:`EnergyReading` from a sampling meter, with the sampler's own cost.

    ``samples`` is how many background samples were taken; ``sample_cost_us`` the mean wall
    time one took (the thread is asleep in between, so the duty cycle is
    ``sample_cost_us / interval``).
    """

    samples: int = 0
    sample_cost_us: float = 0.0


class Sampler:
    """Calls ``fn`` every ``interval_s`` seconds in a daemon thread until :meth:`stop`.

    The first call happens one interval after :meth:`start` (the meter reads its start value
    itself). An exception in ``fn`` stops the sampling and is kept in :attr:`error`; the meter
    still closes its window with a final reading of its own.
    """

    def __init__(self, fn: Callable[[], Any], interval_s: float, name: str) -> None:
        if interval_s <= 0:
            raise ValueError("interval_s must be > 0")
        self._fn = fn
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self.samples = 0
        self.cost_s = 0.0
        self.error: BaseException | None = None

    def start(self) -> Sampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop and join the thread (returns at once if it was never started)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    @property
    def mean_cost_us(self) -> float:
        return self.cost_s / self.samples * 1e6 if self.samples else 0.0

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            began = time.perf_counter()
            try:
                self._fn()
            except Exception as exc:  # a broken reader must not kill the timed run
                self.error = exc
                return
            self.cost_s += time.perf_counter() - began
            self.samples += 1
