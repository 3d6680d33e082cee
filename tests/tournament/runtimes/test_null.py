from __future__ import annotations

import numpy as np
import pytest

from tournament.runtimes.null import NullPredictor


def test_outputs_zeros_with_the_feed_batch_size() -> None:
    predictor = NullPredictor((10,))
    for batch in (1, 7, 32):
        out = predictor.predict({"pixels": np.ones((batch, 1, 8, 8), dtype=np.float32)})
        assert out.shape == (batch, 10)
        assert out.dtype == np.float32
        assert not out.any()


def test_reuses_the_preallocated_output_and_protects_it() -> None:
    predictor = NullPredictor((2, 3), dtype=np.float16)
    feed = {"x": np.zeros((4, 5))}
    first = predictor.predict(feed)
    assert predictor.predict(feed) is first
    assert first.dtype == np.float16
    with pytest.raises(ValueError):
        first[0, 0, 0] = 1.0
    predictor.close()
    assert predictor.predict(feed) is not first
