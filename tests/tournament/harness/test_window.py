"""The timed window: instruments cover the queries a scenario records, never its warm-up."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

import tournament.harness as harness
from tournament.harness.base import Rules
from tournament.harness.source import ArraySampleSource
from tournament.harness.window import observing, timed_window


class Clock:
    """An instrument that records when its window opened and closed."""

    def __init__(self) -> None:
        self.start = self.end = 0.0

    @contextmanager
    def measure(self) -> Iterator[Clock]:
        self.start = time.perf_counter()
        yield self
        self.end = time.perf_counter()

    @property
    def seconds(self) -> float:
        return self.end - self.start


# Half a second of warm-up around a 0.1 s timed window: an instrument that covered the warm-up
# would read several times the log's duration.
WARM = {"warmup_queries": 2, "warmup_s": 0.5, "min_duration_s": 0.1, "min_queries": 20}


@pytest.mark.parametrize("name", ["single-stream", "offline", "server"])
def test_instruments_cover_the_timed_window_only(
    name: str, spin: Any, source: ArraySampleSource
) -> None:
    rules = Rules(max_duration_s=5.0, server_target_qps=200.0, bootstrap_resamples=100, **WARM)
    clock = Clock()
    started = time.perf_counter()
    with observing(clock.measure) as window:
        log = harness.get(name).run(spin(0.001), source, 1, rules)
    total = time.perf_counter() - started
    (seen,) = window.values
    assert seen is clock
    duration = log.duration_ns / 1e9
    assert total >= duration + 0.5  # the warm-up happened, outside the window
    assert clock.seconds == pytest.approx(duration, abs=0.05)


def test_a_scenario_that_does_not_mark_its_window_is_refused() -> None:
    clock = Clock()
    with (
        pytest.raises(RuntimeError, match="did not mark its timed window"),
        observing(clock.measure),
    ):
        time.sleep(0.01)
    assert clock.start == 0.0  # never started


def test_the_window_is_entered_once() -> None:
    clock = Clock()
    with pytest.raises(RuntimeError, match="twice"), observing(clock.measure):
        with timed_window():
            pass
        with timed_window():
            pass


def test_outside_observing_the_window_does_nothing() -> None:
    with timed_window():
        pass  # no observer: nothing runs, nothing raises
