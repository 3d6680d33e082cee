"""The harness's own per-query cost, measured with a predictor that does nothing.

Two loops run in the same process, alternately, ``repeats`` times each:

* the *bare* loop: ``t0 = perf_counter_ns(); t1 = perf_counter_ns(); buf[i] = t1 - t0`` (the
  least any per-query timing needs);
* the *harness* loop: :class:`SingleStream` with the null predictor (``predict`` returns
  preallocated zeros), no warm-up time, ``queries`` queries.

``overhead_ns`` is the harness's wall time per query minus the bare loop's per iteration: what
the feed lookup, the ``predict`` call of a no-op and the stop-rule checks add.
``latency_bias_ns`` is the median *recorded* latency of a null query minus the median bare
clock pair: what the harness adds to every latency it reports. Medians over the repeats.
"""

from __future__ import annotations

import statistics
import time
from typing import TYPE_CHECKING, Any

import numpy as np

from tournament.harness.base import Rules
from tournament.harness.single_stream import SingleStream
from tournament.harness.source import ArraySampleSource

if TYPE_CHECKING:
    from tournament.runtimes.base import Predictor


def null_predictor(output_shape_per_sample: tuple[int, ...] = (1,)) -> Predictor:
    """The project's :class:`~tournament.runtimes.null.NullPredictor`."""
    from tournament.runtimes.null import NullPredictor

    return NullPredictor(output_shape_per_sample)


def bare_loop(queries: int) -> tuple[float, float]:
    """Per-iteration wall time (ns) of the bare timing loop and its median clock pair (ns)."""
    clock = time.perf_counter_ns
    buf = np.empty(queries, dtype=np.int64)
    start = clock()
    for i in range(queries):
        t0 = clock()
        t1 = clock()
        buf[i] = t1 - t0
    wall = clock() - start
    return wall / queries, float(np.median(buf))


def harness_loop(predictor: Predictor, queries: int) -> tuple[float, float]:
    """Per-query wall time (ns) of single-stream with ``predictor`` and its median latency."""
    source = ArraySampleSource({"x": np.zeros((16, 8), dtype=np.float32)}, batch_sizes=(1,))
    rules = Rules(
        warmup_queries=min(queries, 1000),
        warmup_s=0.0,
        min_duration_s=0.0,
        min_queries=queries,
        max_duration_s=600.0,
        bootstrap_resamples=100,
    )
    log = SingleStream().run(predictor, source, 1, rules)
    return log.duration_ns / log.queries, float(np.median(log.latencies_ns))


def harness_overhead_ns(*, queries: int = 20_000, repeats: int = 5) -> dict[str, Any]:
    """Measure the harness's per-query overhead against a bare timing loop.

    Returns a dict with ``bare_loop_ns``, ``harness_loop_ns``, ``overhead_ns``, ``ratio``
    (harness / bare), ``bare_latency_p50_ns``, ``null_latency_p50_ns``, ``latency_bias_ns``,
    ``queries``, ``repeats`` and ``predictor`` (its class name). See the module docstring.
    """
    if queries < 1 or repeats < 1:
        raise ValueError("queries and repeats must be >= 1")
    predictor = null_predictor()
    bare: list[tuple[float, float]] = []
    harness: list[tuple[float, float]] = []
    try:
        for _ in range(repeats):
            bare.append(bare_loop(queries))
            harness.append(harness_loop(predictor, queries))
    finally:
        predictor.close()
    bare_ns, bare_p50 = (statistics.median(v) for v in zip(*bare, strict=True))
    harness_ns, null_p50 = (statistics.median(v) for v in zip(*harness, strict=True))
    return {
        "queries": queries,
        "repeats": repeats,
        "predictor": type(predictor).__name__,
        "bare_loop_ns": bare_ns,
        "harness_loop_ns": harness_ns,
        "overhead_ns": harness_ns - bare_ns,
        "ratio": harness_ns / bare_ns,
        "bare_latency_p50_ns": bare_p50,
        "null_latency_p50_ns": null_p50,
        "latency_bias_ns": null_p50 - bare_p50,
    }
