"""Machine speed index: a fixed reference kernel timed right before and right after a run.

The kernel is a numpy fp32 matrix product of fixed size (:data:`SIZE`, fixed seed), run on
the worker's threads (numpy's BLAS pool limited with ``threadpoolctl``), timed best-of
:data:`REPEATS` after one warm-up (15-35 ms each side on the 2-core dev machine, idle to busy). Its
GFLOP/s before and after the timed window (never inside it) give the *drift*,
``after / before - 1``: a machine that slowed down or sped up during the run (frequency,
thermal limits, a neighbour arriving) shows it, whatever the model measured. The rules'
``max_speed_drift`` judges it (:func:`tournament.results.validity.drift_reasons`). The index
compares a run with itself, not machines with one another.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import lru_cache
from typing import Any

import numpy as np

SIZE = 384
"""Rows and columns of the two square fp32 matrices multiplied."""
REPEATS = 9
"""Timed products per reading; the fastest counts."""
KERNEL = f"numpy fp32 matmul {SIZE}x{SIZE}, best of {REPEATS}"


@lru_cache(maxsize=1)
def _operands() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((SIZE, SIZE), dtype=np.float32)
    return a, np.ascontiguousarray(a.T)


def _limits(threads: int | None) -> AbstractContextManager[Any]:
    """numpy's BLAS limited to ``threads`` while the ``with`` block runs (None: no limit)."""
    if threads is None:
        return nullcontext()
    return _controller().limit(limits=threads, user_api="blas")


@lru_cache(maxsize=1)
def _controller() -> Any:
    """threadpoolctl's view of the loaded BLAS libraries (slow to build: built once)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def reading(threads: int | None) -> float:
    """GFLOP/s of the reference kernel on ``threads`` BLAS threads, now."""
    a, b = _operands()
    out = np.empty_like(a)
    best = float("inf")
    with _limits(threads):
        np.matmul(a, b, out=out)  # warm-up: pages, caches, thread wake-up
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            np.matmul(a, b, out=out)
            best = min(best, time.perf_counter() - t0)
    return 2.0 * SIZE**3 / best / 1e9


class Bracket:
    """Filled when the bracketed block ends: :meth:`to_dict` is the stored record."""

    def __init__(self, threads: int | None) -> None:
        self.threads = threads
        self.before_gflops = self.after_gflops = float("nan")

    def to_dict(self) -> dict[str, Any]:
        """``before_gflops``, ``after_gflops``, ``drift``, ``kernel``, ``threads``."""
        return index(self.before_gflops, self.after_gflops, self.threads)


@contextmanager
def bracketed(threads: int | None) -> Iterator[Bracket]:
    """Time the reference kernel right before and right after the ``with`` block.

    Enter it before (and so leave it after) the meters and samplers of the timed window, so
    the kernel runs outside what they measure.
    """
    bracket = Bracket(threads)
    bracket.before_gflops = reading(threads)
    yield bracket
    bracket.after_gflops = reading(threads)


def index(before_gflops: float, after_gflops: float, threads: int | None) -> dict[str, Any]:
    """The record stored as ``result.extra["speed_index"]``."""
    return {
        "before_gflops": round(before_gflops, 3),
        "after_gflops": round(after_gflops, 3),
        "drift": round(after_gflops / before_gflops - 1.0, 4),
        "kernel": KERNEL,
        "threads": threads,
    }
