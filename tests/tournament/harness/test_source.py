from __future__ import annotations

import numpy as np
import pytest

from tournament.errors import UserError
from tournament.harness.base import SampleSource
from tournament.harness.source import MAX_DISTINCT_FEEDS, ArraySampleSource, feeds_for


def _samples(n: int) -> dict[str, np.ndarray]:
    return {
        "x": np.arange(n * 3, dtype=np.float32).reshape(n, 3),
        "mask": np.arange(n, dtype=np.int64),
    }


def test_batches_are_consecutive_contiguous_views() -> None:
    samples = _samples(10)
    source = ArraySampleSource(samples, batch_sizes=(4,))
    feeds = source.feeds(4)
    assert len(feeds) == 2
    for j, feed in enumerate(feeds):
        assert feed["x"].shape == (4, 3)
        assert feed["x"].flags.c_contiguous
        np.testing.assert_array_equal(feed["mask"], np.arange(4 * j, 4 * j + 4))
        assert np.shares_memory(feed["x"], samples["x"])  # a view, not a copy


def test_batch_is_a_cached_lookup() -> None:
    source = ArraySampleSource(_samples(10))
    assert source.batch(3) is source.batch(3)
    assert source.feeds(3) is source.prepare(3)
    assert len(source) == 10


def test_distinct_feeds_are_capped() -> None:
    source = ArraySampleSource(_samples(100))
    assert len(source.feeds(1)) == MAX_DISTINCT_FEEDS


def test_batch_larger_than_samples_repeats_them() -> None:
    source = ArraySampleSource(_samples(3))
    (feed,) = source.feeds(7)
    np.testing.assert_array_equal(feed["mask"], [0, 1, 2, 0, 1, 2, 0])
    assert feed["x"].shape == (7, 3)


@pytest.mark.parametrize(
    ("samples", "field"),
    [
        ({}, "samples"),
        ({"x": np.zeros((3, 2)), "y": np.zeros((4, 2))}, "same length"),
        ({"x": np.zeros((0, 2))}, "at least one sample"),
    ],
)
def test_bad_samples_are_user_errors(samples: dict[str, np.ndarray], field: str) -> None:
    with pytest.raises(UserError, match=field):
        ArraySampleSource(samples)


@pytest.mark.parametrize("size", [0, -1, 1.5, True])
def test_bad_batch_size_is_a_user_error(size: object) -> None:
    with pytest.raises(UserError, match="batch_size"):
        ArraySampleSource(_samples(4)).batch(size)  # type: ignore[arg-type]


def test_feeds_for_any_sample_source() -> None:
    class Constant(SampleSource):
        def batch(self, size: int) -> dict[str, np.ndarray]:
            return {"x": np.ones((size, 2), dtype=np.float32)}

    (feed,) = feeds_for(Constant(), 5)
    assert feed["x"].shape == (5, 2)
    assert len(feeds_for(ArraySampleSource(_samples(8)), 2)) == 4
