"""NVIDIA GPU energy through NVML (``pynvml`` from nvidia-ml-py).

Two paths, chosen per window:

* **energy counter** (Volta and newer): ``nvmlDeviceGetTotalEnergyConsumption`` gives the
  energy since the driver loaded, in mJ; the window's energy is end minus start. The background
  thread only builds the power trace (mean watts between two counter reads).
* **sampled power** (older GPUs, or where the counter is not supported):
  ``nvmlDeviceGetPowerUsage`` (mW) is sampled every ``interval_s`` (default 50 ms) in a
  background thread, with one sample at the start and one at the end, and integrated with the
  trapezoid rule. On Ampere and newer with recent drivers this figure is itself a 1 s average,
  so short windows are smoothed.

Both cover the whole board (all processes on that GPU), not the CPU.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from hardware.power._sampler import SampledReading, Sampler
from tournament.power import PowerMeter

if TYPE_CHECKING:
    from tournament.machines import Machine


def trapezoid_joules(trace: Sequence[tuple[float, float]]) -> float:
    """Energy of a ``(seconds, watts)`` trace by the trapezoid rule (0 for < 2 points)."""
    return sum((t1 - t0) * (w0 + w1) / 2.0 for (t0, w0), (t1, w1) in itertools.pairwise(trace))


def _default_nvml() -> Any:
    import pynvml

    return pynvml


class NvmlMeter(PowerMeter):
    """Energy of one NVIDIA GPU (a measurement: ``source = "nvml"``).

    Args:
        device_index: the NVML index of the GPU.
        nvml: an object with pynvml's functions (default: the ``pynvml`` module).
        interval_s: background sampling period.
    """

    source = "nvml"
    covers = "gpu"
    rank = 10

    def __init__(
        self, device_index: int = 0, *, nvml: Any = None, interval_s: float = 0.05
    ) -> None:
        self.device_index = device_index
        self.nvml = nvml
        self.interval_s = interval_s

    @classmethod
    def probe(
        cls, machine: Machine, *, device_index: int = 0, options: Mapping[str, Any] | None = None
    ) -> NvmlMeter | None:
        """A meter of GPU ``device_index`` when NVML (``options["nvml"]``, default ``pynvml``)
        initialises and sees a device."""
        nvml = (options or {}).get("nvml")
        return cls(device_index, nvml=nvml) if cls.available(nvml) else None

    @classmethod
    def available(cls, nvml: Any = None) -> bool:
        """NVML initialises and sees at least one device."""
        try:
            lib = nvml if nvml is not None else _default_nvml()
            lib.nvmlInit()
        except Exception:
            return False
        try:
            return int(lib.nvmlDeviceGetCount()) > 0
        except Exception:
            return False
        finally:
            _shutdown(lib)

    @contextmanager
    def measure(self) -> Iterator[SampledReading]:
        lib = self.nvml if self.nvml is not None else _default_nvml()
        lib.nvmlInit()
        try:
            handle = lib.nvmlDeviceGetHandleByIndex(self.device_index)
            counter = _energy_mj(lib, handle)
            window = (
                _CounterWindow(lib, handle, counter)
                if counter is not None
                else _SampledWindow(lib, handle)
            )
            with window.run(self.interval_s) as reading:
                yield reading
        finally:
            _shutdown(lib)


class _CounterWindow:
    """Energy = counter(end) - counter(start); the trace comes from counter differences."""

    def __init__(self, lib: Any, handle: Any, start_mj: float) -> None:
        self.lib, self.handle, self.start_mj = lib, handle, start_mj

    @contextmanager
    def run(self, interval_s: float) -> Iterator[SampledReading]:
        reading = SampledReading(source=NvmlMeter.source)
        start = time.perf_counter()
        last_t, last_mj = start, self.start_mj

        def poll() -> float:
            nonlocal last_t, last_mj
            mj = float(self.lib.nvmlDeviceGetTotalEnergyConsumption(self.handle))
            now = time.perf_counter()
            if now > last_t:
                reading.trace.append((now - start, (mj - last_mj) / 1000.0 / (now - last_t)))
            last_t, last_mj = now, mj
            return mj

        sampler = Sampler(poll, interval_s, "tourney-nvml").start()
        try:
            yield reading
        finally:
            sampler.stop()
            end_mj = poll()
            reading.seconds = last_t - start
            reading.joules = (end_mj - self.start_mj) / 1000.0
            reading.samples, reading.sample_cost_us = sampler.samples, sampler.mean_cost_us


class _SampledWindow:
    """Energy = trapezoid integral of power samples taken at start, every interval, and end."""

    def __init__(self, lib: Any, handle: Any) -> None:
        self.lib, self.handle = lib, handle

    @contextmanager
    def run(self, interval_s: float) -> Iterator[SampledReading]:
        reading = SampledReading(source=NvmlMeter.source)
        start = time.perf_counter()

        def poll() -> None:
            watts = float(self.lib.nvmlDeviceGetPowerUsage(self.handle)) / 1000.0
            reading.trace.append((time.perf_counter() - start, watts))

        poll()
        sampler = Sampler(poll, interval_s, "tourney-nvml").start()
        try:
            yield reading
        finally:
            sampler.stop()
            poll()
            reading.seconds = reading.trace[-1][0] - reading.trace[0][0]
            reading.joules = trapezoid_joules(reading.trace)
            reading.samples, reading.sample_cost_us = sampler.samples, sampler.mean_cost_us


def _energy_mj(lib: Any, handle: Any) -> float | None:
    """The total-energy counter in mJ, or ``None`` where the GPU or driver lacks it."""
    try:
        return float(lib.nvmlDeviceGetTotalEnergyConsumption(handle))
    except Exception:
        return None


def _shutdown(lib: Any) -> None:
    with suppress(Exception):
        lib.nvmlShutdown()
