"""Pick the best power meter for a run: hardware counters where readable, else the estimate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hardware.machine import MachineSpec
from hardware.power.base import PowerMeter
from hardware.power.composite import CompositeMeter
from hardware.power.estimate import EstimateMeter
from hardware.power.nvml import NvmlMeter
from hardware.power.rapl import RaplMeter
from tournament.errors import UserError

METERS: dict[str, type[PowerMeter]] = {
    RaplMeter.source: RaplMeter,
    NvmlMeter.source: NvmlMeter,
    EstimateMeter.source: EstimateMeter,
}
"""Meter classes by source name."""

DEVICES = ("cpu", "cuda", "gpu")


def best_meter(
    spec: MachineSpec,
    *,
    device: str = "cpu",
    rapl_root: Path | None = None,
    nvml: Any = None,
    device_index: int = 0,
) -> PowerMeter:
    """The most faithful meter for a run on ``device`` of the machine ``spec``.

    CPU side: :class:`RaplMeter` when its counters are readable, else :class:`EstimateMeter`.
    GPU runs (``cuda``/``gpu``) add :class:`NvmlMeter` for GPU ``device_index`` when NVML sees a
    device, giving a :class:`CompositeMeter` (``rapl+nvml`` or ``estimate-tdp+nvml``).

    Args:
        spec: the machine (the estimate's parameters).
        device: ``cpu``, ``cuda`` or ``gpu`` (the submission's execution provider).
        rapl_root: powercap directory (default ``/sys/class/powercap``).
        nvml: NVML module object (default ``pynvml``).
        device_index: NVML index of the GPU used.

    Raises:
        UserError: ``device`` is not one of ``cpu``, ``cuda``, ``gpu``.
    """
    if device not in DEVICES:
        raise UserError(f"device: expected one of {', '.join(DEVICES)}, got {device!r}.")
    cpu: PowerMeter = (
        RaplMeter(rapl_root) if RaplMeter.available(rapl_root) else EstimateMeter(spec)
    )
    if device == "cpu" or not NvmlMeter.available(nvml):
        return cpu
    return CompositeMeter([cpu, NvmlMeter(device_index, nvml=nvml)])
