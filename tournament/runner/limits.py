"""Resource limits a benchmark worker sets on itself before it measures (Linux).

``rules.max_memory_mb`` caps the worker's private writable memory with ``RLIMIT_DATA``, which
Linux (4.7 and later) applies to the heap and to private anonymous mappings, the allocations of
numpy, torch and ONNX Runtime included. An allocation over the limit fails inside the run
(``MemoryError``, or the runtime's own "cannot allocate" error), so the run fails once with a
clear reason instead of the machine swapping or the kernel's OOM killer picking a victim.
"""

from __future__ import annotations

import resource

_OUT_OF_MEMORY = ("can't allocate memory", "cannot allocate memory", "bad_alloc",
                  "failed to allocate", "out of memory", "failed to map segment")  # fmt: skip


def limit_memory(megabytes: int) -> None:
    """Cap this process's private writable memory at ``megabytes`` MiB (never above the hard
    limit it already has)."""
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = megabytes * 2**20
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def is_out_of_memory(error: BaseException) -> bool:
    """Whether ``error`` is an allocation failure (Python's, numpy's, torch's or ORT's)."""
    text = str(error).lower()
    return isinstance(error, MemoryError) or any(mark in text for mark in _OUT_OF_MEMORY)


def memory_message(megabytes: int, error: BaseException) -> str:
    """The failure recorded for a run over its memory limit."""
    detail = " ".join(str(error).split())[:200]
    return (
        f"memory limit exceeded: the run needed more than rules.max_memory_mb = {megabytes} MiB "
        f"({type(error).__name__}: {detail})"
    )
