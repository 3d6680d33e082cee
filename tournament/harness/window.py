"""The timed window: where a scenario says its timed queries start and end.

Power meters and the contention sampler must cover exactly the timed window (warm-up, the
spin-margin calibration and the server's peak search excluded), but only the scenario knows
where that window is. So a scenario wraps its timed loop in :func:`timed_window`, and the
worker observes the run with :func:`observing`, which runs its instruments (context managers)
for that block only::

    with observing(lambda: meter.measure(), sampled) as window:
        log = scenario.run(predictor, source, batch_size, rules)
    reading, contention = window.values

Contract: a scenario's ``run`` enters :func:`timed_window` exactly once, around the queries it
records (the built-in scenarios do, through the shared closed loop and the server loop).
Outside :func:`observing` (tuning, tests, benchmarks) :func:`timed_window` does nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

Instrument = Callable[[], AbstractContextManager[Any]]
"""A factory of a context manager that measures the block it encloses (a meter, a sampler)."""


@dataclass
class Window:
    """What :func:`observing` saw: the instruments' values once the window has closed."""

    instruments: tuple[Instrument, ...]
    values: tuple[Any, ...] = ()
    entered: int = 0

    @property
    def observed(self) -> bool:
        """Whether the scenario marked its timed window (exactly once)."""
        return self.entered == 1


_CURRENT: ContextVar[Window | None] = ContextVar("tourney_timed_window", default=None)


@contextmanager
def timed_window() -> Iterator[None]:
    """Mark the enclosed block as the run's timed window (see the module docstring).

    Raises:
        RuntimeError: a scenario entered the timed window twice in one observed run.
    """
    window = _CURRENT.get()
    if window is None:
        yield
        return
    if window.entered:
        raise RuntimeError("a scenario's run entered its timed window twice")
    window.entered += 1
    with ExitStack() as stack:
        window.values = tuple(stack.enter_context(make()) for make in window.instruments)
        yield


@contextmanager
def observing(*instruments: Instrument) -> Iterator[Window]:
    """Run ``instruments`` over the timed window a scenario marks inside the block.

    Raises:
        RuntimeError: the scenario did not mark its timed window (a scenario plugin that does
            not keep the contract), so nothing measured it.
    """
    window = Window(instruments=tuple(instruments))
    token = _CURRENT.set(window)
    try:
        yield window
    finally:
        _CURRENT.reset(token)
    if not window.observed:
        raise RuntimeError(
            "the scenario did not mark its timed window (tournament.harness.window."
            "timed_window): energy and contention cannot be measured over it"
        )
