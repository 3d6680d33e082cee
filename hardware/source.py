"""The machine source the core uses: this host detected, YAML files, stored specs parsed."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hardware._yaml import validate
from hardware.machine import MachineSpec, load_machine
from tournament.machines import MachineSource


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

    def load(self, path: Path) -> MachineSpec:
        return load_machine(path)

    def parse(self, data: Mapping[str, Any], source: str = "machine spec") -> MachineSpec:
        return validate(MachineSpec, dict(data), source)
