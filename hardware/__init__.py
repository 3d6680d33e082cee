"""Machines, their detection, prices and power meters (the cost model is :mod:`tournament.cost`).

Light to import (pydantic, PyYAML, psutil): nothing heavy loads until a function needs it.
The public API is what this package and :mod:`hardware.power` re-export.
"""

from __future__ import annotations

from hardware.machine import GpuSpec, MachineSpec, load_machine, load_machines, save_machine

__all__ = ["GpuSpec", "MachineSpec", "load_machine", "load_machines", "save_machine"]
