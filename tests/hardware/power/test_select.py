"""best_meter over the registered meters: RAPL where readable, NVML added for GPU runs, else
the estimate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hardware.machine import MachineSpec
from hardware.power import EstimateMeter, NvmlMeter, RaplMeter
from tournament.errors import UserError
from tournament.power import METERS, CompositeMeter, best_meter


def _options(rapl_root: Path | None = None, nvml: Any = None) -> dict[str, dict[str, Any]]:
    return {"rapl": {"root": rapl_root}, "nvml": {"nvml": nvml}}


def test_built_in_meters_are_registered() -> None:
    assert {"rapl", "nvml", "estimate-tdp"} <= set(METERS.names())
    assert METERS.load("rapl") is RaplMeter and METERS.entry("rapl").distribution == "tourney"


def _fake_powercap(root: Path) -> Path:
    package = root / "intel-rapl:0"
    package.mkdir(parents=True)
    (package / "name").write_text("package-0\n")
    (package / "max_energy_range_uj").write_text("262143328850\n")
    (package / "energy_uj").write_text("123456\n")
    return root


def test_estimate_here(small_spec: MachineSpec, tmp_path: Path, fake_nvml: Any) -> None:
    meter = best_meter(small_spec, options=_options(tmp_path / "none", fake_nvml(init_fails=True)))
    assert isinstance(meter, EstimateMeter)
    if not RaplMeter.available():  # this machine: no readable /sys/class/powercap
        assert isinstance(best_meter(small_spec), EstimateMeter)


def test_rapl_when_readable(small_spec: MachineSpec, tmp_path: Path) -> None:
    meter = best_meter(small_spec, options=_options(_fake_powercap(tmp_path / "powercap")))
    assert isinstance(meter, RaplMeter) and meter.source == "rapl"


def test_gpu_run_adds_nvml(small_spec: MachineSpec, tmp_path: Path, fake_nvml: Any) -> None:
    root = _fake_powercap(tmp_path / "powercap")
    meter = best_meter(small_spec, device="cuda", options=_options(root, fake_nvml()))
    assert isinstance(meter, CompositeMeter) and meter.source == "rapl+nvml"
    meter = best_meter(small_spec, device="cuda", options=_options(tmp_path / "none", fake_nvml()))
    assert meter.source == "estimate-tdp+nvml"
    with meter.measure() as reading:
        pass
    assert reading.is_estimate and reading.joules > 0
    cpu_only = best_meter(
        small_spec, device="cuda", options=_options(tmp_path / "none", fake_nvml(count=0))
    )
    assert isinstance(cpu_only, EstimateMeter)
    assert isinstance(
        best_meter(small_spec, device="cpu", options=_options(nvml=fake_nvml())),
        RaplMeter | EstimateMeter,
    )
    assert not NvmlMeter.available(fake_nvml(init_fails=True))


def test_unknown_device(small_spec: MachineSpec) -> None:
    with pytest.raises(UserError, match="device: expected one of cpu, cuda, gpu, got 'tpu'"):
        best_meter(small_spec, device="tpu")
