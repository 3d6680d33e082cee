"""Back-to-back issuing (the next query starts when the previous one completes) and warm-up.

Shared by the single-stream and offline scenarios; the server scenario reuses :func:`warm_up`.
The timed loop allocates no Python object per query beyond small ints: it reads the clock
twice, calls ``predict`` and stores the difference into a pre-allocated ``int64`` array that
doubles when full.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from tournament.harness.base import QueryLog, Rules
from tournament.harness.window import timed_window

if TYPE_CHECKING:
    from tournament.runtimes.base import Predictor
    from tournament.workloads.base import Feed

Predict = Callable[["Feed"], Any]

INITIAL_CAPACITY_MAX = 1 << 20
"""Largest latency buffer allocated up front (8 MiB); beyond it the buffer doubles."""


class LoopResult(NamedTuple):
    """Per-query latencies and the wall time of the timed window."""

    latencies_ns: np.ndarray
    duration_ns: int


def warm_up(predict: Predict, feeds: Sequence[Feed], *, queries: int, seconds: float) -> int:
    """Issue unrecorded queries until both ``queries`` were issued and ``seconds`` elapsed.

    Returns the number of warm-up queries issued.
    """
    clock = time.perf_counter_ns
    n_feeds = len(feeds)
    end = clock() + int(seconds * 1e9)
    issued = 0
    while issued < queries or clock() < end:
        predict(feeds[issued % n_feeds])
        issued += 1
    return issued


def run_closed_loop(
    predict: Predict,
    feeds: Sequence[Feed],
    *,
    min_queries: int,
    min_duration_ns: int,
    max_duration_ns: int,
) -> LoopResult:
    """Issue queries back-to-back and time each one.

    Stops when ``elapsed >= min_duration_ns`` and ``queries >= min_queries``, or when
    ``elapsed >= max_duration_ns``; elapsed is read at each completion (at least one query).
    """
    clock = time.perf_counter_ns
    capacity = max(1, min(min_queries, INITIAL_CAPACITY_MAX))
    buf = np.empty(capacity, dtype=np.int64)
    n_feeds = len(feeds)
    i = 0
    start = clock()
    min_end = start + min_duration_ns
    max_end = start + max_duration_ns
    while True:
        feed = feeds[i % n_feeds]
        t0 = clock()
        predict(feed)
        t1 = clock()
        if i == capacity:
            buf = np.concatenate((buf, np.empty(capacity, dtype=np.int64)))
            capacity *= 2
        buf[i] = t1 - t0
        i += 1
        if t1 >= max_end or (i >= min_queries and t1 >= min_end):
            break
    return LoopResult(buf[:i].copy(), t1 - start)


def measure_closed(
    scenario: str,
    predictor: Predictor,
    feeds: Sequence[Feed],
    *,
    batch_size: int,
    min_queries: int,
    rules: Rules,
) -> QueryLog:
    """Warm up, run the closed loop under ``rules`` and return its :class:`QueryLog`.

    ``min_queries`` is the minimum number of *queries* (callers convert a sample count).
    ``extra`` records ``min_rules_met``, the warm-up and the batch size.
    """
    predict = predictor.predict
    warm = warm_up(predict, feeds, queries=rules.warmup_queries, seconds=rules.warmup_s)
    gc.collect()
    min_ns = math.ceil(rules.min_duration_s * 1e9)
    with timed_window():
        result = run_closed_loop(
            predict,
            feeds,
            min_queries=min_queries,
            min_duration_ns=min_ns,
            max_duration_ns=math.ceil(rules.max_duration_s * 1e9),
        )
    queries = int(result.latencies_ns.shape[0])
    met = queries >= min_queries and result.duration_ns >= min_ns
    return QueryLog(
        scenario=scenario,
        latencies_ns=result.latencies_ns,
        samples_per_query=np.full(queries, batch_size, dtype=np.int64),
        duration_ns=int(result.duration_ns),
        extra={
            "min_rules_met": met,
            "batch_size": batch_size,
            "warmup_queries": warm,
            "clock": "time.perf_counter_ns",
        },
    )
