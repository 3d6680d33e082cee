"""The power-meter contract (``tournament/power/base.py``) on every registered meter.

A meter reads the real hardware when it probes on this machine; otherwise it reads the fake
that ``tests/hardware`` uses for it (a powercap tree for RAPL, a scripted NVML module), passed
as the meter's own ``options`` exactly as :func:`tournament.power.best_meter` passes them. A
meter with neither real hardware nor a known fake is skipped with that reason.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tournament.machines import Machine, source
from tournament.power import METERS, EnergyReading, PowerMeter

from .conftest import implementations, load_test_module

METER_NAMES = implementations(METERS)
MIN_SAMPLE_PERIOD_S = 0.01
"""Background sampling faster than this is not "a low rate"."""


def _spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


@dataclass
class Hardware:
    """What a meter reads in this test: its ``options`` and how to spend energy in a window."""

    kind: str
    options: dict[str, Any] = field(default_factory=dict)
    spend: Callable[[], None] = lambda: _spin(0.05)


def _fake_powercap(root: Path) -> Hardware:
    """One package domain of the fake powercap tree of ``tests/hardware/power/test_rapl.py``."""
    rapl = load_test_module("hardware/power/test_rapl.py")
    domain = rapl._domain(root / "powercap", "intel-rapl:0", "package-0", 1_000_000, 2**40)

    def spend() -> None:
        value = int((domain / "energy_uj").read_text())
        rapl._write(domain / "energy_uj", f"{value + 1_000_000}\n")  # +1 J
        _spin(0.05)

    return Hardware("fake powercap tree", {"root": root / "powercap"}, spend)


def _fake_nvml(root: Path) -> Hardware:
    """The scripted NVML of ``tests/hardware/conftest.py`` (its energy counter steps per read)."""
    nvml = load_test_module("hardware/conftest.py").FakeNvml()
    return Hardware("fake NVML", {"nvml": nvml})


FAKES: dict[str, Callable[[Path], Hardware]] = {"rapl": _fake_powercap, "nvml": _fake_nvml}
"""Fake hardware for the meters whose hardware this machine may lack, by meter name."""


@pytest.fixture(scope="module")
def machine() -> Machine:
    """This machine, detected (the estimate's power envelope)."""
    return source().detect()


@pytest.fixture(params=METER_NAMES)
def name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def meter_class(name: str) -> type[PowerMeter]:
    return METERS.load(name)


@pytest.fixture
def hardware(
    name: str, meter_class: type[PowerMeter], machine: Machine, tmp_path: Path
) -> Hardware:
    """The real hardware when the meter probes here, else its fake; skipped with neither."""
    if meter_class.probe(machine) is not None:
        return Hardware("real")
    if name in FAKES:
        return FAKES[name](tmp_path)
    pytest.skip(f"meter {name!r}: no hardware on this machine and no fake for it in this suite")


@pytest.fixture
def meter(meter_class: type[PowerMeter], machine: Machine, hardware: Hardware) -> PowerMeter:
    found = meter_class.probe(machine, options=hardware.options)
    assert found is not None, f"probe found no meter on the {hardware.kind}"
    assert isinstance(found, PowerMeter)
    return found


@pytest.fixture
def no_thread_left() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    left = set(threading.enumerate()) - before
    assert not left, f"the meter left threads running: {sorted(t.name for t in left)}"


# -- class attributes --------------------------------------------------------------------------


def test_class_attributes(meter_class: type[PowerMeter]) -> None:
    assert isinstance(meter_class.source, str) and meter_class.source.strip()
    assert meter_class.covers in ("cpu", "gpu")
    assert isinstance(meter_class.rank, int) and not isinstance(meter_class.rank, bool)


def test_estimates_rank_lowest_of_their_part_and_always_probe(
    name: str, meter_class: type[PowerMeter], machine: Machine
) -> None:
    """An estimate is the fallback that always works; a hardware reading outranks it."""
    others = [METERS.load(other) for other in METERS.names() if other != name]
    same_part = [m for m in others if m.covers == meter_class.covers]
    if meter_class.source.startswith("estimate"):
        assert all(meter_class.rank <= m.rank for m in same_part)
        assert meter_class.probe(machine) is not None, "an estimate always probes"
    else:
        estimates = [m for m in same_part if m.source.startswith("estimate")]
        assert all(meter_class.rank > m.rank for m in estimates)


# -- probe -------------------------------------------------------------------------------------


class _Broken:
    """An injected driver module whose every function raises."""

    def __getattr__(self, attr: str) -> Any:
        def fail(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError(f"{attr} failed")

        return fail


def _odd_options(tmp_path: Path) -> list[dict[str, Any] | None]:
    empty = tmp_path / "empty"
    empty.mkdir(parents=True)
    garbled = tmp_path / "garbled" / "intel-rapl:0"
    garbled.mkdir(parents=True)
    (garbled / "name").write_text("package-0\n")
    (garbled / "max_energy_range_uj").write_text("not a number\n")
    (garbled / "energy_uj").write_text("12\n")
    return [
        None,
        {},
        {"root": tmp_path / "missing"},
        {"root": empty},
        {"root": garbled.parent},
        {"root": str(tmp_path / "missing")},
        {"nvml": _Broken()},
        {"nvml": 42},
        {"unknown option": True},
    ]


def test_probe_is_cheap_never_raises_and_returns_a_meter_or_none(
    meter_class: type[PowerMeter], machine: Machine, tmp_path: Path
) -> None:
    failures = []
    for device_index in (0, 7, -1):
        for options in _odd_options(tmp_path / str(device_index)):
            start = time.perf_counter()
            try:
                found = meter_class.probe(machine, device_index=device_index, options=options)
            except Exception as error:  # the contract: probe never raises
                failures.append(
                    f"probe(device_index={device_index}, options={options!r}) raised "
                    f"{type(error).__name__}: {error}"
                )
                continue
            assert time.perf_counter() - start < 1.0, f"probe(options={options!r}) is slow"
            assert found is None or isinstance(found, PowerMeter), options
    assert not failures, "\n".join(failures)


def test_available_never_raises(meter_class: type[PowerMeter]) -> None:
    """Where a meter has an ``available()`` check (not part of the contract), it answers."""
    available = getattr(meter_class, "available", None)
    if available is None:
        pytest.skip("this meter has no available()")
    assert isinstance(available(), bool)


# -- measure -----------------------------------------------------------------------------------


def _assert_filled(reading: EnergyReading, meter: PowerMeter, *, spent: bool) -> None:
    assert isinstance(reading, EnergyReading)
    assert reading.source == meter.source
    assert reading.is_estimate == meter.source.startswith("estimate")
    assert reading.seconds > 0
    assert math.isfinite(reading.joules) and reading.joules >= 0
    if spent:
        assert reading.joules > 0, "energy was spent in the window but the reading is 0 J"
    assert math.isfinite(reading.avg_watts) and reading.avg_watts >= 0
    times = [t for t, _ in reading.trace]
    assert times == sorted(times)
    assert all(0 <= t <= reading.seconds + 0.05 for t in times), (times, reading.seconds)
    assert all(math.isfinite(w) and w >= 0 for _, w in reading.trace)


@pytest.mark.usefixtures("no_thread_left")
def test_measure_fills_the_reading_when_the_block_exits(
    meter: PowerMeter, hardware: Hardware
) -> None:
    with meter.measure() as reading:
        assert isinstance(reading, EnergyReading)
        hardware.spend()
    _assert_filled(reading, meter, spent=True)


@pytest.mark.usefixtures("no_thread_left")
def test_measure_fills_the_reading_when_the_block_raises(
    meter: PowerMeter, hardware: Hardware
) -> None:
    error = ValueError("the timed code failed")
    with pytest.raises(ValueError) as raised, meter.measure() as reading:
        hardware.spend()
        raise error
    assert raised.value is error, "the block's exception must propagate unchanged"
    _assert_filled(reading, meter, spent=True)


@pytest.mark.usefixtures("no_thread_left")
def test_measure_samples_at_a_low_rate_off_the_timed_thread(
    meter: PowerMeter, hardware: Hardware
) -> None:
    """Sampling runs in background threads at most every 10 ms; entering and leaving is quick."""
    before = set(threading.enumerate())  # threads of earlier tests or libraries are not its
    start = time.perf_counter()
    with meter.measure() as reading:
        entered = time.perf_counter() - start
        threads = set(threading.enumerate()) - before
        _spin(0.3)
        left_at = time.perf_counter()
    leave = time.perf_counter() - left_at
    assert entered < 0.2 and leave < 0.2, (entered, leave)
    assert len(reading.trace) <= reading.seconds / MIN_SAMPLE_PERIOD_S + 3, len(reading.trace)
    assert all(t.daemon for t in threads if t.is_alive()), "a sampling thread must be a daemon"
