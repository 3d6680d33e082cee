"""A predictor that computes nothing: it measures the harness's own overhead.

Like MLPerf LoadGen's null SUT, :class:`NullPredictor` answers every query at once with a
pre-allocated output of the right batch size, so a scenario timed with it shows the cost of
the harness (issuing, timestamping, bookkeeping) and nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tournament.workloads.base import Feed


class NullPredictor:
    """Returns zeros of shape ``(batch, *output_shape_per_sample)`` without computing.

    Outputs are allocated once per batch size and returned again on later calls: callers
    must not write into them.
    """

    def __init__(
        self, output_shape_per_sample: tuple[int, ...], dtype: type[np.generic] = np.float32
    ) -> None:
        self.output_shape_per_sample = tuple(int(d) for d in output_shape_per_sample)
        self.dtype = dtype
        self._outputs: dict[int, np.ndarray] = {}

    def predict(self, feed: Feed) -> np.ndarray:
        """Zeros with the feed's batch size (axis 0 of its first input)."""
        batch = int(next(iter(feed.values())).shape[0])
        out = self._outputs.get(batch)
        if out is None:
            out = np.zeros((batch, *self.output_shape_per_sample), dtype=self.dtype)
            out.flags.writeable = False
            self._outputs[batch] = out
        return out

    def close(self) -> None:
        """Drop the pre-allocated outputs."""
        self._outputs.clear()
