"""Machines, their detection, measured peaks, prices and power meters (the cost model is
:mod:`tournament.cost`; the peak microbenchmark :mod:`hardware.microbench`).

Light to import (pydantic, PyYAML, psutil): nothing heavy loads until a function needs it.
The public API is what this package and :mod:`hardware.power` re-export.
"""

from __future__ import annotations

from hardware.machine import GpuSpec, MachineSpec, load_machine, load_machines, save_machine

__all__ = ["GpuSpec", "MachineSpec", "load_machine", "load_machines", "save_machine"]
