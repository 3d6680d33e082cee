"""Pick the best power meter for a run among the registered ones (``tourney.meters``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tournament.errors import UserError
from tournament.plugins import Registry
from tournament.power.base import Part, PowerMeter
from tournament.power.composite import CompositeMeter

if TYPE_CHECKING:
    from tournament.machines.base import Machine

METERS: Registry[PowerMeter] = Registry("tourney.meters", PowerMeter, kind="meter")
"""Meter classes by name (entry-point group ``tourney.meters``)."""

DEVICES = ("cpu", "cuda", "gpu")


def best_meter(
    machine: Machine,
    *,
    device: str = "cpu",
    device_index: int = 0,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> PowerMeter:
    """The most faithful registered meter for a run on ``device`` of ``machine``.

    CPU side: the highest-ranked ``cpu`` meter whose :meth:`~PowerMeter.probe` succeeds (RAPL
    where its counters are readable, else the CPU-time estimate). GPU runs (``cuda``/``gpu``)
    add the best ``gpu`` meter for GPU ``device_index`` when one probes (NVML), giving a
    :class:`CompositeMeter` (``rapl+nvml`` or ``estimate-tdp+nvml``).

    Args:
        machine: the machine (the estimate's parameters).
        device: ``cpu``, ``cuda`` or ``gpu`` (the submission's execution provider).
        device_index: index of the GPU used.
        options: each meter's own options, by meter name (e.g. ``{"rapl": {"root": path}}``).

    Raises:
        UserError: ``device`` is not one of ``cpu``, ``cuda``, ``gpu``, or no registered meter
            reads this machine's CPU.
        PluginError: a registered meter does not load.
    """
    if device not in DEVICES:
        raise UserError(f"device: expected one of {', '.join(DEVICES)}, got {device!r}.")
    cpu = _best("cpu", machine, device_index, options or {})
    if cpu is None:
        raise UserError(
            f"meter: no registered meter ({', '.join(METERS.names()) or 'none'}) can read the "
            f"CPU of machine {machine.id!r}."
        )
    if device == "cpu":
        return cpu
    gpu = _best("gpu", machine, device_index, options or {})
    return cpu if gpu is None else CompositeMeter([cpu, gpu])


def _best(
    part: Part, machine: Machine, device_index: int, options: Mapping[str, Mapping[str, Any]]
) -> PowerMeter | None:
    meters = [(name, METERS.load(name)) for name in METERS.names()]
    for name, cls in sorted(meters, key=lambda pair: -pair[1].rank):
        if cls.covers == part:
            meter = cls.probe(machine, device_index=device_index, options=options.get(name, {}))
            if meter is not None:
                return meter
    return None
