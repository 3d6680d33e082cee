"""What else used the CPUs during a timed window: the evidence that a run was alone.

Read from Linux's ``/proc/stat`` (per-CPU busy and steal time, in clock ticks) for the CPUs
this process may run on, and this process's own CPU time (``os.times``), at the start and the
end of the window. The *foreign CPU share* is the busy time of those CPUs that was not this
process's, over the window's capacity (window x CPUs):

    foreign_share = (busy(cpus) - own) / (window_s x len(cpus))

Steal time (a hypervisor running other guests on those CPUs) is counted apart and included in
the share. A run whose share exceeds the rules' ``max_foreign_cpu_share`` is *contended*: it
does not count (:mod:`tournament.results.validity`). Where ``/proc/stat`` cannot be read the
sample says so and nothing is judged.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

PROC_STAT = "/proc/stat"
_BUSY = (0, 1, 2, 5, 6)  # user, nice, system, irq, softirq (after the cpu name)
_STEAL = 7


def _cpus() -> list[int]:
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


def _ticks(cpus: list[int], path: str = PROC_STAT) -> tuple[float, float] | None:
    """Busy and steal seconds so far of ``cpus``, or None where unreadable."""
    wanted = {f"cpu{c}" for c in cpus}
    busy = steal = 0
    try:
        with open(path, encoding="ascii") as fh:
            for line in fh:
                name, _, rest = line.partition(" ")
                if name in wanted:
                    fields = [int(x) for x in rest.split()]
                    busy += sum(fields[i] for i in _BUSY)
                    steal += fields[_STEAL] if len(fields) > _STEAL else 0
    except (OSError, ValueError):
        return None
    hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    return busy / hz, steal / hz


def _own() -> float:
    times = os.times()
    return times.user + times.system


class Sample:
    """Filled when the window closes: see :meth:`to_dict` for the fields."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {"measured": False}

    def to_dict(self) -> dict[str, Any]:
        """``foreign_cpu_share``, ``foreign_cpu_s``, ``steal_s``, ``own_cpu_s``, ``window_s``,
        ``cpus``, ``load_average`` (``measured: false`` with a ``reason`` where unreadable)."""
        return dict(self.data)


@contextmanager
def sampled(path: str = PROC_STAT) -> Iterator[Sample]:
    """Sample what else ran on this process's CPUs during the ``with`` block."""
    cpus = _cpus()
    sample = Sample()
    start = _ticks(cpus, path)
    own0, t0 = _own(), time.perf_counter()
    try:
        yield sample
    finally:
        window = time.perf_counter() - t0
        own = _own() - own0
        end = _ticks(cpus, path)
        if start is None or end is None or window <= 0:
            sample.data = {"measured": False, "reason": f"{path} is not readable here"}
        else:
            busy, steal = end[0] - start[0], end[1] - start[1]
            foreign = max(0.0, busy - own) + steal
            sample.data = {
                "measured": True,
                "foreign_cpu_share": round(foreign / (window * len(cpus)), 4),
                "foreign_cpu_s": round(foreign, 4),
                "steal_s": round(steal, 4),
                "own_cpu_s": round(own, 4),
                "window_s": round(window, 4),
                "cpus": cpus,
                "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
            }
