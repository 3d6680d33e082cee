"""NVML meter: both integration paths through a fake NVML; the real one where a GPU exists."""

from __future__ import annotations

import time
from typing import Any

import pytest

from hardware.power.nvml import NvmlMeter, trapezoid_joules


def test_trapezoid_by_hand() -> None:
    assert trapezoid_joules([(0.0, 10.0), (1.0, 20.0), (3.0, 20.0)]) == 15.0 + 40.0
    assert trapezoid_joules([(0.0, 50.0)]) == 0.0


def test_energy_counter_path(fake_nvml: Any) -> None:
    nvml = fake_nvml(energy_step_mj=500.0)
    meter = NvmlMeter(nvml=nvml, interval_s=60.0)  # no background read inside the window
    with meter.measure() as reading:
        pass
    assert reading.source == "nvml" and not reading.is_estimate
    assert reading.joules == pytest.approx(0.5)  # one 500 mJ step between start and end
    assert nvml.power_calls == 0 and nvml.initialised == 0


def test_energy_counter_path_with_samples(fake_nvml: Any) -> None:
    nvml = fake_nvml(energy_step_mj=200.0)
    with NvmlMeter(nvml=nvml, interval_s=0.01).measure() as reading:
        time.sleep(0.2)
    # start read + one read per background sample + end read, 200 mJ each after the first.
    assert nvml.energy_calls == reading.samples + 2
    assert reading.joules == pytest.approx((nvml.energy_calls - 1) * 0.2)
    assert len(reading.trace) == reading.samples + 1
    assert all(watts > 0 for _, watts in reading.trace)


def test_sampled_power_path(fake_nvml: Any) -> None:
    nvml = fake_nvml(energy_step_mj=None, power_mw=100_000.0)
    with NvmlMeter(nvml=nvml, interval_s=0.01).measure() as reading:
        time.sleep(0.2)
    assert len(reading.trace) == reading.samples + 2 == nvml.power_calls
    assert reading.joules == pytest.approx(trapezoid_joules(reading.trace))
    assert reading.avg_watts == pytest.approx(100.0)  # constant 100 W integrates exactly
    assert nvml.initialised == 0


def test_device_index_and_availability(fake_nvml: Any) -> None:
    assert NvmlMeter.available(fake_nvml(count=1))
    assert not NvmlMeter.available(fake_nvml(count=0))
    assert not NvmlMeter.available(fake_nvml(init_fails=True))
    nvml = fake_nvml(count=1)
    with pytest.raises(Exception, match="Invalid Argument"), NvmlMeter(3, nvml=nvml).measure():
        pass
    assert nvml.initialised == 0


@pytest.mark.gpu
@pytest.mark.skipif(not NvmlMeter.available(), reason="no NVIDIA GPU / NVML")
def test_real_gpu_both_paths_agree() -> None:
    import pynvml

    class NoCounter:
        """The real pynvml without the energy counter, to force the sampled path."""

        def __getattr__(self, name: str) -> Any:
            if name == "nvmlDeviceGetTotalEnergyConsumption":
                raise AttributeError(name)
            return getattr(pynvml, name)

    with NvmlMeter().measure() as counter:
        time.sleep(2.0)
    with NvmlMeter(nvml=NoCounter()).measure() as sampled:
        time.sleep(2.0)
    for reading in (counter, sampled):
        assert reading.source == "nvml" and reading.seconds >= 1.9
        assert 1.0 < reading.avg_watts < 2000.0 and reading.trace
    # Two idle windows of the same GPU: the paths agree within a factor of 1.5.
    assert 1 / 1.5 < counter.avg_watts / sampled.avg_watts < 1.5
