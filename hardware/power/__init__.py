"""Power meters: RAPL and NVML counters where readable, else a CPU-time x TDP estimate.

Each implements :class:`tournament.power.PowerMeter` and is declared as a ``tourney.meters``
entry point; :func:`tournament.power.best_meter` picks among them. Every reading carries its
``source``; estimates say so (``is_estimate``).
"""

from __future__ import annotations

from hardware.power._sampler import SampledReading
from hardware.power.estimate import EstimateMeter
from hardware.power.nvml import NvmlMeter
from hardware.power.rapl import RaplMeter

__all__ = ["EstimateMeter", "NvmlMeter", "RaplMeter", "SampledReading"]
