"""Detect the local machine: CPU (model, cores, threads, vector flags, clock), memory, GPUs.

Sources, cheapest first: ``/proc/cpuinfo`` (model name, flags, MHz), ``os.sched_getaffinity``
(the CPUs this process may use), psutil (physical cores, memory, maximum clock), the cgroup
memory limit, NVML through ``pynvml`` (GPU name, memory, driver, power limit) and, only when
NVML finds nothing but a GPU device node exists, ``torch.cuda`` (imported lazily).

The peak FLOP/s are derived from the vector extensions (formula in :mod:`hardware.peak`), power
defaults come from :mod:`hardware.machine`, the price from the catalogue when ``instance_type``
is given. Nothing here measures speed or power (:mod:`hardware.microbench` measures peaks).
"""

from __future__ import annotations

import contextlib
import os
import platform
from datetime import date
from pathlib import Path
from typing import Any

import psutil

from hardware._yaml import validate
from hardware.machine import DEFAULT_TARIFF_USD_PER_KWH, MachineSpec
from hardware.peak import VECTOR_FLAGS

CPUINFO = Path("/proc/cpuinfo")
CGROUP_MEMORY_MAX = Path("/sys/fs/cgroup/memory.max")
DEFAULT_GPU_TDP_W = 300.0
"""Power limit assumed for a GPU whose limit cannot be read (noted in the spec)."""


def detect_local(
    machine_id: str = "local",
    *,
    instance_type: str | None = None,
    price_usd_per_hour: float | None = None,
    tariff_usd_per_kwh: float = DEFAULT_TARIFF_USD_PER_KWH,
    nvml: Any = None,
) -> MachineSpec:
    """A :class:`MachineSpec` of the machine this process runs on.

    Args:
        machine_id: the id to give the machine.
        instance_type: a cloud instance type; its catalogue price is used unless
            ``price_usd_per_hour`` is given.
        price_usd_per_hour: the price to record; without it (and without a catalogue price)
            the price is unknown (None) and so are the costs of results measured there.
        tariff_usd_per_kwh: electricity price for the energy cost.
        nvml: an NVML module object (default: ``pynvml``); tests inject a fake.

    Raises:
        UserError: an invalid ``machine_id`` or price, or an unknown ``instance_type``.
    """
    cpu = read_cpuinfo()
    threads = available_threads()
    cores = physical_cores(threads)
    gpus, gpu_note = detect_gpus(nvml)
    price, price_note = _price(instance_type, price_usd_per_hour)
    price_source, price_date = _price_origin(instance_type, price_usd_per_hour)
    data: dict[str, Any] = {
        "id": machine_id,
        "instance_type": instance_type,
        "cpu_model": cpu["model"],
        "cpu_cores": cores,
        "cpu_threads": threads,
        "cpu_flags": [flag for flag in VECTOR_FLAGS if flag in cpu["flags"]],
        "cpu_max_mhz": max_mhz(cpu["mhz"]),
        "memory_gb": memory_gib(),
        "gpus": gpus,
        "price_usd_per_hour": price,
        "price_source": price_source,
        "price_date": price_date,
        "tariff_usd_per_kwh": tariff_usd_per_kwh,
        "notes": _notes(price_note, gpu_note),
    }
    return validate(MachineSpec, data, "detected machine")


def read_cpuinfo(path: Path = CPUINFO) -> dict[str, Any]:
    """Model name, flag set and highest current MHz from ``/proc/cpuinfo`` (x86 and Arm)."""
    model, mhz = "", 0.0
    flags: set[str] = set()
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    for line in text.splitlines():
        key, _, value = (part.strip() for part in line.partition(":"))
        if key == "model name" and not model:
            model = value
        elif key in ("flags", "Features") and not flags:
            flags = set(value.lower().split())
        elif key == "cpu MHz":
            mhz = max(mhz, _float(value))
    return {
        "model": model or platform.processor() or platform.machine() or "unknown",
        "flags": flags,
        "mhz": mhz,
    }


def available_threads() -> int:
    """Logical CPUs this process may run on (its affinity mask; a container's cpuset)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def physical_cores(threads: int) -> int:
    """Physical cores behind ``threads`` logical CPUs (threads per core from psutil)."""
    logical = psutil.cpu_count(logical=True) or threads
    physical = psutil.cpu_count(logical=False) or logical
    per_core = max(1, round(logical / physical))
    return max(1, threads // per_core)


def max_mhz(cpuinfo_mhz: float) -> float:
    """The maximum clock: psutil's (cpufreq) when known, else the highest ``cpu MHz`` seen."""
    try:
        freq = psutil.cpu_freq()
    except (OSError, NotImplementedError, FileNotFoundError):
        freq = None
    best = max(freq.max if freq else 0.0, freq.current if freq else 0.0, cpuinfo_mhz)
    return round(best, 1) if best > 0 else 1000.0


def memory_gib(cgroup_max: Path = CGROUP_MEMORY_MAX) -> float:
    """Main memory in GiB: physical memory, or the cgroup (container) limit when lower."""
    total = psutil.virtual_memory().total
    try:
        limit = cgroup_max.read_text(encoding="utf-8").strip()
        if limit.isdigit():
            total = min(total, int(limit))
    except OSError:
        pass
    return round(total / 2**30, 2)


def detect_gpus(nvml: Any = None) -> tuple[list[dict[str, Any]], str]:
    """GPU descriptions (``GpuSpec`` fields) and a note on how they were found."""
    gpus = nvml_gpus(nvml)
    if gpus:
        return gpus, "GPUs from NVML."
    if any(Path(node).exists() for node in ("/dev/nvidia0", "/dev/kfd")):
        gpus = torch_gpus()
        if gpus:
            return gpus, f"GPUs from torch.cuda; power limit unknown, {DEFAULT_GPU_TDP_W:g} W."
    return [], "No GPU found (NVML unavailable or no device)."


def nvml_gpus(nvml: Any = None) -> list[dict[str, Any]]:
    """Every NVML device: name, memory (GiB), driver, power limit (W); ``[]`` without NVML."""
    try:
        nvml = nvml if nvml is not None else _import_pynvml()
        nvml.nvmlInit()
    except Exception:
        return []
    try:
        driver = _text(nvml.nvmlSystemGetDriverVersion())
        return [
            _nvml_gpu(nvml, nvml.nvmlDeviceGetHandleByIndex(index), driver)
            for index in range(nvml.nvmlDeviceGetCount())
        ]
    except Exception:
        return []
    finally:
        _shutdown(nvml)


def _nvml_gpu(nvml: Any, handle: Any, driver: str) -> dict[str, Any]:
    return {
        "name": _text(nvml.nvmlDeviceGetName(handle)),
        "memory_gb": round(nvml.nvmlDeviceGetMemoryInfo(handle).total / 2**30, 2),
        "driver": driver,
        "tdp_w": power_limit_w(nvml, handle),
    }


def power_limit_w(nvml: Any, handle: Any) -> float:
    """The board's default power limit in W (enforced limit as fallback, then a default)."""
    for getter in ("nvmlDeviceGetPowerManagementDefaultLimit", "nvmlDeviceGetEnforcedPowerLimit"):
        try:
            milliwatts = float(getattr(nvml, getter)(handle))
        except Exception:
            continue
        if milliwatts > 0:
            return round(milliwatts / 1000.0, 1)
    return DEFAULT_GPU_TDP_W


def torch_gpus() -> list[dict[str, Any]]:
    """GPUs seen by ``torch.cuda`` (CUDA or ROCm builds); ``[]`` when none or no torch."""
    try:
        import torch
    except ImportError:
        return []
    if not torch.cuda.is_available():
        return []
    driver = str(torch.version.cuda or getattr(torch.version, "hip", "") or "")
    out = []
    for index in range(torch.cuda.device_count()):
        props = torch.cuda.get_device_properties(index)
        out.append(
            {
                "name": props.name,
                "memory_gb": round(props.total_memory / 2**30, 2),
                "driver": driver,
                "tdp_w": DEFAULT_GPU_TDP_W,
            }
        )
    return out


def _price(instance_type: str | None, price: float | None) -> tuple[float | None, str]:
    if price is not None:
        return price, "Price given by the operator."
    if instance_type:
        from hardware.catalog import lookup

        entry = lookup(instance_type)
        return entry.price_usd_per_hour, (
            f"Price from the catalogue: {entry.instance_type}, {entry.provider} {entry.region}, "
            f"on-demand, as of {entry.price_date} ({entry.source}); re-check before use."
        )
    return None, "Price unknown: set price_usd_per_hour to get costs (they are unknown until then)."


def _price_origin(instance_type: str | None, price: float | None) -> tuple[str, str | None]:
    """Where the recorded price comes from and when it was read (``""``/None: no price)."""
    if price is not None:
        return "given by the operator", date.today().isoformat()
    if instance_type:
        from hardware.catalog import lookup

        entry = lookup(instance_type)
        origin = f"catalogue: {entry.instance_type}, {entry.provider} {entry.region} on-demand"
        return f"{origin} ({entry.source})"[:300], entry.price_date
    return "", None


def _notes(price_note: str, gpu_note: str) -> str:
    return (
        f"Detected by hardware.detect on {date.today().isoformat()}. {price_note} {gpu_note} "
        "CPU power: default per-thread estimates (not measured). peak_gflops: the nominal "
        "formula from the vector extensions (an upper bound); measured peaks, when taken, "
        "are in 'measured'."
    )


def _import_pynvml() -> Any:
    import pynvml

    return pynvml


def _shutdown(nvml: Any) -> None:
    with contextlib.suppress(Exception):
        nvml.nvmlShutdown()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _float(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0
