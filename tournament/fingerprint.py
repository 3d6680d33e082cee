"""The environment fingerprint stored with every result: enough to know what was measured."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata
from typing import Any

PACKAGES = (
    "torch",
    "onnxruntime",
    "onnx",
    "numpy",
    "transformers",
    "scikit-learn",
    "ray",
    "tourney",
)


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that influence measurements."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def cpu_info() -> dict[str, Any]:
    """CPU model and instruction-set flags from /proc/cpuinfo (empty where unreadable)."""
    model, flags = platform.processor() or "unknown", []
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    model = value.strip()
                elif key.strip() == "flags":
                    flags = value.split()
                    break
    except OSError:
        pass
    wanted = {
        "avx",
        "avx2",
        "fma",
        "f16c",
        "avx512f",
        "avx512_vnni",
        "avx512_bf16",
        "avx512_fp16",
        "avx_vnni",
        "amx_bf16",
        "amx_int8",
        "sse4_2",
    }
    return {"cpu_model": model, "cpu_flags": sorted(f for f in flags if f in wanted)}


def environment(**extra: Any) -> dict[str, Any]:
    """Python, packages, OS, CPU, GPU and affinity, plus ``extra`` (seeds, hashes, rules)."""
    env: dict[str, Any] = {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "os": f"{platform.system()} {platform.release()}",
        "machine_arch": platform.machine(),
        "hostname": platform.node(),
        "packages": package_versions(),
        "cpu_count": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        **cpu_info(),
        "gpus": gpu_info(),
    }
    env.update(extra)
    return env


def gpu_info() -> list[dict[str, Any]]:
    """NVIDIA GPUs through NVML (name, memory, driver); empty when there are none."""
    try:
        import pynvml
    except ImportError:
        return []
    try:
        pynvml.nvmlInit()
    except Exception:
        return []
    try:
        driver = pynvml.nvmlSystemGetDriverVersion()
        gpus = []
        for i in range(pynvml.nvmlDeviceGetCount()):
            handle = pynvml.nvmlDeviceGetHandleByIndex(i)
            name = pynvml.nvmlDeviceGetName(handle)
            mem = pynvml.nvmlDeviceGetMemoryInfo(handle).total
            gpus.append(
                {
                    "name": name if isinstance(name, str) else name.decode(),
                    "memory_gb": round(mem / 2**30, 1),
                    "driver": driver if isinstance(driver, str) else driver.decode(),
                }
            )
        return gpus
    finally:
        pynvml.nvmlShutdown()
