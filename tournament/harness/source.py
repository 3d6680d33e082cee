"""Sample sources: the batches a scenario feeds the predictor, built before the timed window."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from tournament.errors import UserError
from tournament.harness.base import SampleSource

if TYPE_CHECKING:
    from tournament.workloads.base import Feed

MAX_DISTINCT_FEEDS = 16
"""How many different batches of one size a source keeps to cycle through (views, no copies)."""


def check_batch_size(batch_size: int) -> None:
    """Raise :class:`UserError` unless ``batch_size`` is an integer >= 1."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise UserError(f"batch_size: expected an integer >= 1, got {batch_size!r}.")


class ArraySampleSource(SampleSource):
    """Batches cut from ``N`` pre-made samples (a feed with batch on axis 0).

    For a batch size ``b <= N`` the source keeps ``min(N // b, 16)`` distinct batches of
    consecutive samples; they are views into the sample arrays (C-contiguous, nothing
    copied). For ``b > N`` the samples are repeated (one copy, made once). Everything is built
    by :meth:`prepare` (or on first request) and cached, so that in the timed loop fetching a
    batch is a lookup. Scenarios cycle through :meth:`feeds` deterministically (query ``i`` gets
    ``feeds(b)[i % len(feeds(b))]``).
    """

    def __init__(self, samples: Feed, *, batch_sizes: Iterable[int] = ()) -> None:
        self._samples = _validated(samples)
        self._n = int(next(iter(self._samples.values())).shape[0])
        self._cache: dict[int, tuple[Feed, ...]] = {}
        for size in batch_sizes:
            self.prepare(size)

    def __len__(self) -> int:
        return self._n

    def prepare(self, size: int) -> tuple[Feed, ...]:
        """Build (once) and return the batches of ``size`` samples."""
        feeds = self._cache.get(size)
        if feeds is None:
            check_batch_size(size)
            feeds = self._build(size)
            self._cache[size] = feeds
        return feeds

    def feeds(self, size: int) -> tuple[Feed, ...]:
        """The distinct pre-built batches of ``size`` samples, in cycling order."""
        return self.prepare(size)

    def batch(self, size: int) -> Feed:
        return self.prepare(size)[0]

    def _build(self, size: int) -> tuple[Feed, ...]:
        if size > self._n:
            rows = np.arange(size) % self._n
            return ({k: np.ascontiguousarray(v[rows]) for k, v in self._samples.items()},)
        count = min(self._n // size, MAX_DISTINCT_FEEDS)
        return tuple(
            {k: v[j * size : (j + 1) * size] for k, v in self._samples.items()}
            for j in range(count)
        )


def feeds_for(source: SampleSource, size: int) -> tuple[Feed, ...]:
    """The batches a scenario cycles through: all of an :class:`ArraySampleSource`'s, else one."""
    check_batch_size(size)
    if isinstance(source, ArraySampleSource):
        return source.feeds(size)
    return (source.batch(size),)


def _validated(samples: Feed) -> dict[str, np.ndarray]:
    if not samples:
        raise UserError("samples: expected at least one named input array, got an empty feed.")
    arrays = {name: np.ascontiguousarray(value) for name, value in samples.items()}
    lengths = {name: (a.shape[0] if a.ndim else 0) for name, a in arrays.items()}
    if min(lengths.values()) < 1:
        raise UserError(f"samples: every input needs at least one sample on axis 0, got {lengths}.")
    if len(set(lengths.values())) > 1:
        raise UserError(f"samples: all inputs must have the same length on axis 0, got {lengths}.")
    return arrays
