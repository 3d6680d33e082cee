"""Power: the meter contract, meter selection and the sum of several meters.

Meters (``hardware/power/`` in this distribution: RAPL, NVML, the CPU-time estimate) are
declared as ``tourney.meters`` entry points; :func:`best_meter` picks among them.
"""

from __future__ import annotations

from tournament.power.base import EnergyReading, Part, PowerMeter
from tournament.power.composite import CompositeMeter, sum_traces
from tournament.power.select import DEVICES, METERS, best_meter

__all__ = [
    "DEVICES",
    "METERS",
    "CompositeMeter",
    "EnergyReading",
    "Part",
    "PowerMeter",
    "best_meter",
    "sum_traces",
]
