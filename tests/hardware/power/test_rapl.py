"""RAPL on a fake powercap tree: package domains only, wrap-around, availability."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from hardware.power.rapl import RaplMeter, package_domains


def _write(path: Path, text: str) -> None:
    """Atomic write, so a background reader never sees a half-written counter."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _domain(root: Path, name: str, label: str, energy_uj: int, max_uj: int) -> Path:
    path = root / name
    path.mkdir(parents=True)
    (path / "name").write_text(label + "\n")
    (path / "max_energy_range_uj").write_text(f"{max_uj}\n")
    _write(path / "energy_uj", f"{energy_uj}\n")
    return path


@pytest.fixture
def powercap(tmp_path: Path) -> Path:
    """Two packages (package-1 about to wrap), a core sub-domain and a psys domain."""
    root = tmp_path / "powercap"
    _domain(root, "intel-rapl:0", "package-0", 1_000_000, 262_143_328_850)
    _domain(root, "intel-rapl:1", "package-1", 999_500_000, 1_000_000_000)
    _domain(root, "intel-rapl:0:0", "core", 5, 262_143_328_850)
    _domain(root, "intel-rapl:2", "psys", 7, 262_143_328_850)
    return root


def test_only_package_domains(powercap: Path) -> None:
    names = [domain.path.name for domain in package_domains(powercap)]
    assert names == ["intel-rapl:0", "intel-rapl:1"]


def test_two_packages_with_wrap_around(powercap: Path) -> None:
    meter = RaplMeter(powercap, interval_s=None)
    with meter.measure() as reading:
        _write(powercap / "intel-rapl:0" / "energy_uj", "3500000\n")  # +2.5 J
        _write(powercap / "intel-rapl:1" / "energy_uj", "1500000\n")  # wrapped: +2.0 J
        _write(powercap / "intel-rapl:0:0" / "energy_uj", "9000000\n")  # not counted
        _write(powercap / "intel-rapl:2" / "energy_uj", "9000000\n")  # not counted
    assert reading.source == "rapl" and not reading.is_estimate
    # package-0: 3_500_000 - 1_000_000; package-1: 1_500_000 - 999_500_000 + 1_000_000_000.
    assert reading.joules == pytest.approx(2.5 + 2.0)
    assert reading.seconds > 0


def _wait_for_sample(reading_trace: list[tuple[float, float]], seen: int) -> None:
    """Wait for two more samples: the second surely began after the counter was written."""
    deadline = time.monotonic() + 30
    while len(reading_trace) < seen + 2:
        assert time.monotonic() < deadline, "the RAPL sampler never read the counters"
        time.sleep(0.005)


def test_background_reads_catch_several_wraps(tmp_path: Path) -> None:
    root = tmp_path / "powercap"
    counter = _domain(root, "intel-rapl:0", "package-0", 900, 1000) / "energy_uj"
    meter = RaplMeter(root, interval_s=0.01)
    with meter.measure() as reading:
        for value in ("100", "800", "50"):  # 900 -> 100 (wrap) -> 800 -> 50 (wrap)
            _write(counter, value)
            _wait_for_sample(reading.trace, len(reading.trace))
    assert reading.joules == pytest.approx((200 + 700 + 250) / 1e6)
    assert reading.samples >= 6 and reading.trace


def test_available(powercap: Path, tmp_path: Path) -> None:
    assert RaplMeter.available(powercap)
    assert not RaplMeter.available(tmp_path / "nowhere")
    (powercap / "intel-rapl:1" / "energy_uj").unlink()
    assert not RaplMeter.available(powercap)


def test_reading_filled_when_block_raises(powercap: Path) -> None:
    with pytest.raises(RuntimeError, match="boom"), RaplMeter(powercap).measure() as reading:
        _write(powercap / "intel-rapl:0" / "energy_uj", "2000000\n")
        raise RuntimeError("boom")
    assert reading.joules == pytest.approx(1.0) and reading.seconds > 0
