"""Power meters: RAPL and NVML counters where readable, else a CPU-time x TDP estimate.

Every :class:`EnergyReading` carries its ``source``; estimates say so (``is_estimate``).
"""

from __future__ import annotations

from hardware.power._sampler import SampledReading
from hardware.power.base import EnergyReading, PowerMeter
from hardware.power.composite import CompositeMeter
from hardware.power.estimate import EstimateMeter
from hardware.power.nvml import NvmlMeter
from hardware.power.rapl import RaplMeter
from hardware.power.select import METERS, best_meter

__all__ = [
    "METERS",
    "CompositeMeter",
    "EnergyReading",
    "EstimateMeter",
    "NvmlMeter",
    "PowerMeter",
    "RaplMeter",
    "SampledReading",
    "best_meter",
]
