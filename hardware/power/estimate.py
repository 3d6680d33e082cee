"""An energy *estimate* from this process's CPU time and the machine's power envelope.

Not a measurement: ``source = "estimate-tdp"``, and readings say ``is_estimate``. Formula, for
a window of ``T`` wall seconds in which the process (with its finished children) used ``C``
CPU seconds::

    E = P_idle x k / N x T  +  (P_max - P_idle) / N x C

* ``N``: the machine's logical CPUs (``cpu_threads``); ``k``: the CPUs this process may run on
  (its affinity, at most ``N``). The process is charged the idle power of the CPUs it holds,
  busy or not, because a benchmark reserves them.
* ``P_idle``, ``P_max``: ``cpu_idle_w`` and ``cpu_max_w`` of the :class:`MachineSpec`; each busy
  CPU-second costs one thread's share of the dynamic range. ``C`` is capped at ``k x T``.

Limits: power is assumed linear in utilisation and the same for every instruction mix (wide
vector code draws more); memory, disks, fans, the power supply and the GPU are left out;
``P_idle``/``P_max`` are themselves defaults unless the spec was measured. Use it to compare
configurations on one machine, never as a watt-meter reading.

A background thread samples the process's CPU times (``os.times()``) every ``interval_s``
(100 ms by default) only to draw the power trace; the energy comes from the start and end
values.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from hardware.power._sampler import SampledReading, Sampler
from tournament.power import PowerMeter

if TYPE_CHECKING:
    from tournament.machines import Machine


def estimate_joules(
    *,
    idle_w: float,
    max_w: float,
    machine_threads: int,
    held_threads: int,
    wall_s: float,
    cpu_s: float,
) -> float:
    """The estimate's formula (see the module docstring) for one window."""
    held = max(1, min(held_threads, machine_threads))
    busy = min(max(cpu_s, 0.0), held * wall_s)
    return idle_w * held / machine_threads * wall_s + (max_w - idle_w) / machine_threads * busy


class EstimateMeter(PowerMeter):
    """CPU-time x TDP estimate for this process on the machine ``spec`` describes.

    Args:
        spec: gives ``cpu_threads``, ``cpu_idle_w`` and ``cpu_max_w``.
        interval_s: trace sampling period.
        include_children: count the CPU time of finished child processes too.
    """

    source = "estimate-tdp"
    covers = "cpu"
    rank = 0

    def __init__(
        self, spec: Machine, *, interval_s: float = 0.1, include_children: bool = True
    ) -> None:
        self.spec = spec
        self.interval_s = interval_s
        self.include_children = include_children
        self._held = _held_threads(spec.cpu_threads)

    @classmethod
    def probe(
        cls, machine: Machine, *, device_index: int = 0, options: Mapping[str, Any] | None = None
    ) -> EstimateMeter:
        """Always a meter: the estimate needs only the process's CPU time and ``machine``."""
        return cls(machine)

    @classmethod
    def available(cls) -> bool:
        """Always: the estimate needs only the process's CPU time."""
        return True

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of this process (and finished children if asked).

        ``os.times()`` gives the same figures as ``psutil.Process().cpu_times()`` for the
        current process at a fraction of the cost (one system call, no ``/proc`` parsing).
        """
        times = os.times()
        total = times.user + times.system
        if self.include_children:
            total += times.children_user + times.children_system
        return float(total)

    def joules(self, wall_s: float, cpu_s: float) -> float:
        """The formula with this meter's parameters."""
        return estimate_joules(
            idle_w=self.spec.cpu_idle_w,
            max_w=self.spec.cpu_max_w,
            machine_threads=self.spec.cpu_threads,
            held_threads=self._held,
            wall_s=wall_s,
            cpu_s=cpu_s,
        )

    @contextmanager
    def measure(self) -> Iterator[SampledReading]:
        reading = SampledReading(source=self.source)
        start_t, start_c = time.perf_counter(), self.cpu_seconds()
        last_t, last_c = start_t, start_c

        def poll() -> None:
            nonlocal last_t, last_c
            now, cpu = time.perf_counter(), self.cpu_seconds()
            if now > last_t:
                watts = self.joules(now - last_t, cpu - last_c) / (now - last_t)
                reading.trace.append((now - start_t, watts))
            last_t, last_c = now, cpu

        sampler = Sampler(poll, self.interval_s, "tourney-estimate").start()
        try:
            yield reading
        finally:
            sampler.stop()
            poll()
            reading.seconds = last_t - start_t
            reading.joules = self.joules(reading.seconds, last_c - start_c)
            reading.samples, reading.sample_cost_us = sampler.samples, sampler.mean_cost_us


def _held_threads(machine_threads: int) -> int:
    """CPUs this process may run on (its affinity), at most the machine's."""
    try:
        held = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        held = machine_threads
    return min(held, machine_threads)
