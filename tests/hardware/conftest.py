"""Fixtures of the hardware tests: a fake NVML (no GPU here) and a small machine spec."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from hardware.machine import MachineSpec


class FakeNvmlError(Exception):
    """Stands in for ``pynvml.NVMLError``."""


class FakeNvml:
    """The subset of pynvml the meters and detection call, with scripted answers.

    ``energy_step_mj``: each read of the total-energy counter advances it by this much
    (``None``: the counter is not supported, like pre-Volta GPUs). ``power_mw``: what
    ``nvmlDeviceGetPowerUsage`` returns.
    """

    NVMLError = FakeNvmlError

    def __init__(
        self,
        *,
        count: int = 1,
        energy_step_mj: float | None = 500.0,
        power_mw: float = 100_000.0,
        name: str = "NVIDIA L4",
        power_limit_mw: float | None = 72_000.0,
        init_fails: bool = False,
    ) -> None:
        self.count = count
        self.energy_step_mj = energy_step_mj
        self.energy_mj = 1_000_000.0
        self.energy_calls = 0
        self.power_mw = power_mw
        self.power_calls = 0
        self.name = name
        self.power_limit_mw = power_limit_mw
        self.init_fails = init_fails
        self.initialised = 0

    def nvmlInit(self) -> None:
        if self.init_fails:
            raise FakeNvmlError("NVML Shared Library Not Found")
        self.initialised += 1

    def nvmlShutdown(self) -> None:
        self.initialised -= 1

    def nvmlDeviceGetCount(self) -> int:
        return self.count

    def nvmlDeviceGetHandleByIndex(self, index: int) -> int:
        if not 0 <= index < self.count:
            raise FakeNvmlError("Invalid Argument")
        return index

    def nvmlDeviceGetTotalEnergyConsumption(self, handle: int) -> float:
        if self.energy_step_mj is None:
            raise FakeNvmlError("Not Supported")
        self.energy_calls += 1
        self.energy_mj += self.energy_step_mj
        return self.energy_mj

    def nvmlDeviceGetPowerUsage(self, handle: int) -> float:
        self.power_calls += 1
        return self.power_mw

    def nvmlDeviceGetName(self, handle: int) -> bytes:
        return self.name.encode()

    def nvmlDeviceGetMemoryInfo(self, handle: int) -> Any:
        return SimpleNamespace(total=24 * 2**30, free=23 * 2**30, used=2**30)

    def nvmlSystemGetDriverVersion(self) -> str:
        return "550.54.15"

    def nvmlDeviceGetPowerManagementDefaultLimit(self, handle: int) -> float:
        if self.power_limit_mw is None:
            raise FakeNvmlError("Not Supported")
        return self.power_limit_mw

    def nvmlDeviceGetEnforcedPowerLimit(self, handle: int) -> float:
        raise FakeNvmlError("Not Supported")


@pytest.fixture
def fake_nvml() -> type[FakeNvml]:
    """The fake NVML class; tests build one with the behaviour they need."""
    return FakeNvml


@pytest.fixture
def small_spec() -> MachineSpec:
    """A 2-thread AVX2 machine with the default power envelope (1.5 W idle, 8 W max)."""
    return MachineSpec(
        id="test-vm",
        cpu_model="AMD EPYC 7B13",
        cpu_cores=2,
        cpu_threads=2,
        cpu_flags=("avx", "avx2", "fma", "f16c"),
        cpu_max_mhz=3000,
        memory_gb=24,
        price_usd_per_hour=0.15,
    )
