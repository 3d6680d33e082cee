"""CompositeMeter: energies add up over one window; traces add pointwise."""

from __future__ import annotations

from typing import Any

import pytest

from hardware.machine import MachineSpec
from hardware.power import EstimateMeter, NvmlMeter
from tournament.power import CompositeMeter, sum_traces


def test_sum_traces_by_hand() -> None:
    a = [(0.0, 10.0), (2.0, 20.0)]
    b = [(1.0, 100.0), (3.0, 100.0)]
    # a at t=1 is 15 (interpolated), at t=3 is 20 (held); b at t=0 is 100 (held).
    assert sum_traces([a, b, []]) == [(0.0, 110.0), (1.0, 115.0), (2.0, 120.0), (3.0, 120.0)]
    assert sum_traces([]) == []


def test_energies_add(small_spec: MachineSpec, fake_nvml: Any) -> None:
    nvml = fake_nvml(energy_step_mj=None, power_mw=50_000.0)
    meter = CompositeMeter([NvmlMeter(nvml=nvml, interval_s=0.01), EstimateMeter(small_spec)])
    assert meter.source == "estimate-tdp+nvml"
    with meter.measure() as reading:
        pass
    assert reading.is_estimate
    assert reading.joules > 0 and reading.seconds > 0
    with pytest.raises(ValueError, match="at least one meter"):
        CompositeMeter([])
