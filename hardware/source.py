"""The machine source the core uses: this host detected, YAML files, stored specs parsed."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hardware._yaml import validate
from hardware.machine import MachineSpec, load_machine
from tournament.errors import UserError
from tournament.machines import Machine, MachineSource


class HardwareMachines(MachineSource):
    """Machines as :class:`~hardware.machine.MachineSpec` (``tourney.machines`` ``default``)."""

    def detect(
        self,
        machine_id: str = "local",
        *,
        instance_type: str | None = None,
        price_usd_per_hour: float | None = None,
    ) -> MachineSpec:
        """:func:`hardware.detect.detect_local` (imported on use: it reads ``/proc``, NVML)."""
        from hardware.detect import detect_local

        return detect_local(
            machine_id, instance_type=instance_type, price_usd_per_hour=price_usd_per_hour
        )

    def measure(self, machine: Machine, *, max_age_s: float | None = None) -> MachineSpec:
        """:mod:`hardware.microbench` at ``min(cpu_threads, usable threads)`` threads."""
        from hardware.detect import available_threads
        from hardware.microbench import host_peaks, measure_host

        spec = machine if isinstance(machine, MachineSpec) else self.parse(machine.to_dict())
        refuse_other_host(spec)
        threads = min(spec.cpu_threads, available_threads())
        if max_age_s is None:
            return spec.with_measured(measure_host(threads))
        return spec.with_measured(host_peaks(max_age_s, threads))

    def load(self, path: Path) -> MachineSpec:
        return load_machine(path)

    def parse(self, data: Mapping[str, Any], source: str = "machine spec") -> MachineSpec:
        return validate(MachineSpec, dict(data), source)


def host_cpu_model() -> str:
    """This host's CPU model name, as detection records it."""
    from hardware.detect import read_cpuinfo

    return str(read_cpuinfo()["model"])


def refuse_other_host(spec: MachineSpec) -> None:
    """Raise :class:`UserError` (one sentence) unless this host's CPU model is ``spec``'s."""
    host = host_cpu_model()
    if spec.cpu_model != host:
        raise UserError(
            f"machine {spec.id!r} is registered with cpu_model {spec.cpu_model!r}, but this "
            f"host has {host!r}: measure it on its own host."
        )
