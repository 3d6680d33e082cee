"""Detection of the machine the tests run on, and of GPUs through a fake NVML."""

from __future__ import annotations

import platform
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hardware.detect import detect_local, nvml_gpus, read_cpuinfo
from tournament.errors import NotFoundError, UserError


def test_detects_this_machine(fake_nvml: Any) -> None:
    spec = detect_local(nvml=fake_nvml(init_fails=True))
    assert spec.id == "local" and spec.cpu_model
    assert 1 <= spec.cpu_cores <= spec.cpu_threads
    assert spec.memory_gb > 0 and spec.cpu_max_mhz > 0
    assert spec.gpus == ()
    assert spec.peak_source == "derived" and spec.peak_gflops["fp32"] > 0
    assert spec.cpu_max_w > spec.cpu_idle_w > 0
    assert spec.price_usd_per_hour is None and "Price unknown" in spec.notes  # never 0
    if platform.machine() not in ("x86_64", "AMD64"):
        pytest.skip("vector-flag check is for x86 machines")
    assert "avx2" in spec.cpu_flags


def test_price_from_catalogue_or_operator(fake_nvml: Any) -> None:
    spec = detect_local("vm-1", instance_type="m6a.large", nvml=fake_nvml(init_fails=True))
    assert spec.price_usd_per_hour == 0.0864 and "m6a.large" in spec.notes
    # The price's source and date travel with the spec (and from it, with every result).
    assert spec.price_source.startswith("catalogue: m6a.large, aws")
    assert spec.price_date is not None and re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", spec.price_date)
    spec = detect_local(price_usd_per_hour=1.25, tariff_usd_per_kwh=0.3)
    assert (spec.price_usd_per_hour, spec.tariff_usd_per_kwh) == (1.25, 0.3)
    assert spec.price_source == "given by the operator" and spec.price_date == str(date.today())
    unpriced = detect_local(nvml=fake_nvml(init_fails=True))
    assert (unpriced.price_source, unpriced.price_date) == ("", None)
    with pytest.raises(NotFoundError, match="known types"):
        detect_local(instance_type="no-such.type")
    with pytest.raises(UserError, match="field 'id'"):
        detect_local("bad id!")


def test_gpus_from_nvml(fake_nvml: Any) -> None:
    spec = detect_local(nvml=fake_nvml(count=2, name="NVIDIA L4"))
    assert len(spec.gpus) == 2
    gpu = spec.gpus[0]
    assert (gpu.name, gpu.memory_gb, gpu.driver, gpu.tdp_w) == (
        "NVIDIA L4",
        24.0,
        "550.54.15",
        72.0,
    )
    assert gpu.peak_gflops["fp16"] == 121_000 and gpu.idle_w == 10.8


def test_nvml_without_power_limit_and_without_library(fake_nvml: Any) -> None:
    fake = fake_nvml(power_limit_mw=None)
    assert nvml_gpus(fake)[0]["tdp_w"] == 300.0
    assert fake.initialised == 0  # shut down again
    assert nvml_gpus(fake_nvml(init_fails=True)) == []


def test_cpuinfo_parsing_x86_and_arm(tmp_path: Path) -> None:
    x86 = tmp_path / "x86"
    x86.write_text(
        "processor\t: 0\nmodel name\t: AMD EPYC 7B13\ncpu MHz\t\t: 2450.000\n"
        "flags\t\t: fpu sse4_2 avx avx2 fma\n\nprocessor\t: 1\ncpu MHz\t\t: 3100.5\n"
    )
    info = read_cpuinfo(x86)
    assert info == {
        "model": "AMD EPYC 7B13",
        "flags": {"fpu", "sse4_2", "avx", "avx2", "fma"},
        "mhz": 3100.5,
    }
    arm = tmp_path / "arm"
    arm.write_text("processor\t: 0\nFeatures\t: fp asimd sve bf16 i8mm\nCPU part\t: 0xd40\n")
    assert read_cpuinfo(arm)["flags"] == {"fp", "asimd", "sve", "bf16", "i8mm"}
