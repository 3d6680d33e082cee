"""Tiny predictors with known behaviour for the harness tests (numpy only, no model)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from tournament.harness.base import Rules
from tournament.harness.source import ArraySampleSource

Feed = dict[str, np.ndarray]


class CountingPredictor:
    """Counts calls and remembers each feed's batch size and first value."""

    def __init__(self) -> None:
        self.calls = 0
        self.batch_sizes: list[int] = []
        self.first_values: list[float] = []

    def predict(self, feed: Feed) -> np.ndarray:
        x = feed["x"]
        self.calls += 1
        self.batch_sizes.append(int(x.shape[0]))
        self.first_values.append(float(x.flat[0]))
        return x

    def close(self) -> None:
        """Nothing to release."""


class SpinPredictor:
    """Busy-waits a known service time per query (accurate, unlike sleeping)."""

    def __init__(self, service_s: float) -> None:
        self.service_ns = int(service_s * 1e9)

    def predict(self, feed: Feed) -> np.ndarray:
        end = time.perf_counter_ns() + self.service_ns
        while time.perf_counter_ns() < end:
            pass
        return feed["x"]

    def close(self) -> None:
        """Nothing to release."""


class SleepPredictor:
    """Sleeps at least a known time per query."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def predict(self, feed: Feed) -> np.ndarray:
        time.sleep(self.seconds)
        return feed["x"]

    def close(self) -> None:
        """Nothing to release."""


class MatmulPredictor:
    """A real (tiny) computation: a dense layer in numpy."""

    def __init__(self, features: int, outputs: int) -> None:
        self.weight = (
            np.random.default_rng(0).standard_normal((features, outputs)).astype(np.float32)
        )

    def predict(self, feed: Feed) -> np.ndarray:
        return feed["x"] @ self.weight

    def close(self) -> None:
        """Nothing to release."""


@pytest.fixture
def source() -> ArraySampleSource:
    """64 samples of 16 features; sample i is filled with the value i."""
    x = np.repeat(np.arange(64, dtype=np.float32)[:, None], 16, axis=1)
    return ArraySampleSource({"x": x})


@pytest.fixture
def rules() -> Rules:
    """Short rules: 3 warm-up queries, at least 32 queries and 0.05 s."""
    return Rules.quick().model_copy(update={"min_duration_s": 0.05})


@pytest.fixture
def counting() -> CountingPredictor:
    return CountingPredictor()


@pytest.fixture
def spin() -> type[SpinPredictor]:
    return SpinPredictor


@pytest.fixture
def sleeper() -> type[SleepPredictor]:
    return SleepPredictor


@pytest.fixture
def matmul() -> MatmulPredictor:
    return MatmulPredictor(16, 4)
