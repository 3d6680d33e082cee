"""Best-of-k wall-clock timing and the torch thread setting it runs under."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def best_of(run: Callable[[], object], reps: int) -> float:
    """The shortest of ``reps`` timed calls of ``run``, in seconds, after one untimed call.

    The untimed call takes first-touch page faults, lazy initialisation and thread-pool start.
    """
    run()
    best = float("inf")
    for _ in range(max(1, reps)):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return max(best, 1e-9)


@contextmanager
def torch_threads(threads: int) -> Iterator[None]:
    """Run the block with ``torch.set_num_threads(threads)``; the previous setting comes back."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)
