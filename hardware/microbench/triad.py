"""Memory bandwidth from a STREAM-like triad ``a = b + s x c`` (float64, torch).

One fused ``torch.add(b, c, alpha=s, out=a)`` call per timed repetition, parallel over the
torch intra-op threads, on three arrays each :data:`LLC_MULTIPLE` x the last-level cache (at
least :data:`MIN_ARRAY_BYTES`, at most :data:`MAX_ARRAY_BYTES` and a tenth of the available
memory). Bandwidth counts 24 bytes per element (b and c read, a written), as STREAM does.
"""

from __future__ import annotations

from pathlib import Path

import psutil

from hardware.microbench.model import TriadBandwidth
from hardware.microbench.timing import best_of, torch_threads

CACHE_ROOT = Path("/sys/devices/system/cpu/cpu0/cache")
LLC_MULTIPLE = 4
MIN_ARRAY_BYTES = 64 * 2**20
MAX_ARRAY_BYTES = 1024 * 2**20
REPS = 5
SCALAR = 3.0
BYTES_PER_ELEMENT = 24
KERNEL = "torch.add(b, c, alpha=s, out=a) float64"


def llc_bytes(root: Path = CACHE_ROOT) -> int | None:
    """The largest (last-level) cache of CPU 0 in bytes, from sysfs; None where unreadable."""
    best: tuple[int, int] | None = None
    for index in sorted(root.glob("index*")):
        try:
            level = int((index / "level").read_text().strip())
            size = _bytes((index / "size").read_text().strip())
        except (OSError, ValueError):
            continue
        if best is None or (level, size) > best:
            best = (level, size)
    return None if best is None else best[1]


def _bytes(text: str) -> int:
    """``32768K`` / ``1M`` / ``512`` as bytes."""
    units = {"K": 2**10, "M": 2**20, "G": 2**30}
    if text and text[-1].upper() in units:
        return int(text[:-1]) * units[text[-1].upper()]
    return int(text)


def array_bytes(llc: int | None) -> int:
    """The size of each triad array (see the module docstring)."""
    wanted = max(MIN_ARRAY_BYTES, LLC_MULTIPLE * (llc or 0))
    room = psutil.virtual_memory().available // 10
    return int(max(8 * 2**20, min(wanted, MAX_ARRAY_BYTES, room)))


def triad(a: object, b: object, c: object) -> None:
    """``a = b + SCALAR x c`` in place (torch tensors of one dtype and length)."""
    import torch

    torch.add(b, c, alpha=SCALAR, out=a)  # type: ignore[call-overload]


def measure_triad(threads: int, *, size_bytes: int | None = None) -> TriadBandwidth:
    """Triad GB/s at 1 thread and at ``threads`` (the same figure when 1)."""
    import torch

    llc = llc_bytes()
    size = size_bytes or array_bytes(llc)
    n = size // 8
    a = torch.empty(n, dtype=torch.float64)
    b = torch.full((n,), 1.0, dtype=torch.float64)  # values do not matter; rand is slow
    c = torch.full((n,), 2.0, dtype=torch.float64)
    moved = float(BYTES_PER_ELEMENT * n)
    with torch_threads(1):
        one = best_of(lambda: triad(a, b, c), REPS)
    many = one
    if threads > 1:
        with torch_threads(threads):
            many = best_of(lambda: triad(a, b, c), REPS)
    return TriadBandwidth(
        kernel=KERNEL,
        array_mib=round(n * 8 / 2**20, 1),
        llc_mib=round(llc / 2**20, 2) if llc else None,
        bytes_per_element=BYTES_PER_ELEMENT,
        reps=REPS,
        gb_s_1=round(moved / one / 1e9, 2),
        gb_s_n=round(moved / many / 1e9, 2),
    )
