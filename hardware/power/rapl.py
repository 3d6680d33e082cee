"""RAPL energy counters (Intel, and AMD on Linux >= 5.8) read from the powercap sysfs tree.

Each CPU package exposes ``/sys/class/powercap/intel-rapl:<n>/energy_uj``, a microjoule counter
that wraps to 0 after ``max_energy_range_uj``. The meter sums the *package* domains (those
named ``package-<n>``; sub-domains such as ``core``/``dram`` and the ``psys`` platform domain
are left out so nothing is counted twice). A background thread reads the counters at a low
rate (default once a second) so that several wrap-arounds in a long window are all seen;
between two reads one wrap is corrected by adding ``max_energy_range_uj``.

The package figure covers the whole socket (all processes, uncore, and DRAM on AMD), not
this process alone. Reading ``energy_uj`` needs root on most kernels since 2020.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hardware.power._sampler import SampledReading, Sampler
from tournament.power import PowerMeter

if TYPE_CHECKING:
    from tournament.machines import Machine

POWERCAP_ROOT = Path("/sys/class/powercap")
_PACKAGE_DIR = re.compile(r"^intel-rapl:\d+$")


@dataclass
class RaplDomain:
    """One package counter: its directory and wrap range, with running totals."""

    path: Path
    max_range_uj: int
    last_uj: int = 0
    total_uj: int = 0

    def read(self) -> int:
        return int((self.path / "energy_uj").read_text().strip())

    def reset(self) -> None:
        self.last_uj = self.read()
        self.total_uj = 0

    def update(self) -> int:
        """Read the counter, add the increase since the last read (one wrap corrected)."""
        value = self.read()
        delta = value - self.last_uj
        if delta < 0:
            delta += self.max_range_uj
        self.last_uj = value
        self.total_uj += delta
        return delta


def package_domains(root: Path = POWERCAP_ROOT) -> list[RaplDomain]:
    """The package domains under ``root`` (sorted by name); ``[]`` when there are none."""
    out = []
    for path in sorted(root.glob("intel-rapl:*")):
        if not _PACKAGE_DIR.match(path.name):
            continue
        name_file = path / "name"
        name = name_file.read_text().strip() if name_file.exists() else "package"
        if not name.startswith("package"):
            continue
        out.append(RaplDomain(path, int((path / "max_energy_range_uj").read_text().strip())))
    return out


class RaplMeter(PowerMeter):
    """Energy of all CPU packages from RAPL counters (a measurement: ``source = "rapl"``).

    Args:
        root: the powercap directory (tests point it at a fake tree).
        interval_s: background read period; ``None`` reads only at the start and the end
            (then a window longer than one wrap period, minutes at full load, is undercounted).
    """

    source = "rapl"
    covers = "cpu"
    rank = 10

    def __init__(self, root: Path | None = None, *, interval_s: float | None = 1.0) -> None:
        self.root = root or POWERCAP_ROOT
        self.interval_s = interval_s

    @classmethod
    def probe(
        cls, machine: Machine, *, device_index: int = 0, options: Mapping[str, Any] | None = None
    ) -> RaplMeter | None:
        """A meter over ``options["root"]`` (default the powercap tree) when it is readable."""
        given = (options or {}).get("root")
        root = Path(given) if isinstance(given, str | Path) else None
        return cls(root) if cls.available(root) else None

    @classmethod
    def available(cls, root: Path | None = None) -> bool:
        """Package domains exist under ``root`` and every counter is readable."""
        try:
            domains = package_domains(root or POWERCAP_ROOT)
            for domain in domains:
                domain.read()
        except (OSError, ValueError):
            return False
        return bool(domains)

    @contextmanager
    def measure(self) -> Iterator[SampledReading]:
        domains = package_domains(self.root)
        if not domains:
            raise RuntimeError(f"no readable RAPL package domain under {self.root}")
        reading = SampledReading(source=self.source)
        for domain in domains:
            domain.reset()
        start = last = time.perf_counter()

        def poll() -> None:
            nonlocal last
            joules = sum(domain.update() for domain in domains) / 1e6
            now = time.perf_counter()
            if now > last:
                reading.trace.append((now - start, joules / (now - last)))
            last = now

        sampler = Sampler(poll, self.interval_s, "tourney-rapl") if self.interval_s else None
        if sampler:
            sampler.start()
        try:
            yield reading
        finally:
            if sampler:
                sampler.stop()
            poll()
            reading.seconds = time.perf_counter() - start
            reading.joules = sum(domain.total_uj for domain in domains) / 1e6
            reading.samples = sampler.samples if sampler else 0
            reading.sample_cost_us = sampler.mean_cost_us if sampler else 0.0
