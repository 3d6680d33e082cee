"""Small torch helpers for the workloads: deterministic training scope and FLOP counting.

Imports torch inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch


@contextmanager
def deterministic_torch(seed: int, threads: int = 1) -> Iterator[None]:
    """Seeded, single-threaded, deterministic torch inside the block; all restored after.

    Restores the global RNG state, the intra-op thread count and the deterministic-algorithms
    flags to what they were, so callers (benchmarks in the same process) are not affected.
    """
    import torch

    prev_threads = torch.get_num_threads()
    prev_det = torch.are_deterministic_algorithms_enabled()
    prev_warn = torch.is_deterministic_algorithms_warn_only_enabled()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(True)
        try:
            yield
        finally:
            torch.use_deterministic_algorithms(prev_det, warn_only=prev_warn)
            torch.set_num_threads(prev_threads)


def count_flops(module: torch.nn.Module, *args: torch.Tensor) -> int:
    """FLOPs of one ``module(*args)`` call as counted by ``torch.utils.flop_counter``.

    ``FlopCounterMode`` counts matrix multiplications, convolutions and attention as
    2 x multiply-accumulates; element-wise operations (bias, activations, softmax, norms)
    are not counted.
    """
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    with torch.inference_mode(), FlopCounterMode(display=False) as counter:
        module(*args)
    return int(counter.get_total_flops())
