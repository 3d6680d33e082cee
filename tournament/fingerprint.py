"""The environment fingerprint stored with every result: enough to know what was measured.

Besides Python, OS and CPU model it records what changes kernel choice and threading: the
threading environment variables (``OMP_*``, ``MKL_*``, ``KMP_*``, ``OPENBLAS_*``...), the CPU's
family, model, stepping and microcode, SMT, the cgroup CPU quota, the load average when the
fingerprint was taken, the build and ISA dispatch of the runtimes the run imported (torch's
``__config__``, ONNX Runtime's build info and providers, OpenVINO's version) and the version of
every distribution the process imported.
"""

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


THREAD_ENV_PREFIXES = ("OMP_", "MKL_", "KMP_", "OPENBLAS_", "GOMP_", "TORCH_", "ORT_", "OV_")
"""Environment variables that change threading or kernel choice (their values are recorded)."""
THREAD_ENV_NAMES = ("INFERENCE_NUM_THREADS", "TBB_NUM_THREADS", "ONEDNN_MAX_CPU_ISA")


def environment(**extra: Any) -> dict[str, Any]:
    """Python, packages, OS, CPU, GPU, threading and load, plus ``extra`` (seeds, hashes)."""
    env: dict[str, Any] = {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "os": f"{platform.system()} {platform.release()}",
        "machine_arch": platform.machine(),
        "hostname": platform.node(),
        "packages": package_versions(),
        "imported_packages": imported_distributions(),
        "cpu_count": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        **cpu_info(),
        "cpu_id": cpu_identity(),
        "smt": smt_state(),
        "cgroup_cpu_quota": cgroup_cpu_quota(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "thread_env": thread_environment(),
        "runtime_builds": runtime_builds(),
        "gpus": gpu_info(),
    }
    env.update(extra)
    return env


def thread_environment() -> dict[str, str]:
    """The threading/kernel environment variables that are set, by name."""
    return {
        name: value
        for name, value in sorted(os.environ.items())
        if name.startswith(THREAD_ENV_PREFIXES) or name in THREAD_ENV_NAMES
    }


def imported_distributions() -> dict[str, str]:
    """Version of every installed distribution a module of this process was imported from."""
    try:
        owners = metadata.packages_distributions()
    except Exception:  # a broken metadata entry must not stop a measurement
        return {}
    found: dict[str, str] = {}
    for top in sorted({name.partition(".")[0] for name in list(sys.modules)}):
        for dist in owners.get(top, ()):
            if dist not in found:
                try:
                    found[dist] = metadata.version(dist)
                except metadata.PackageNotFoundError:
                    continue
    return dict(sorted(found.items()))


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read().strip()
    except OSError:
        return None


def cpu_identity() -> dict[str, Any]:
    """Vendor, family, model, stepping and microcode of the first CPU (``/proc/cpuinfo``)."""
    keys = {"vendor_id", "cpu family", "model", "stepping", "microcode", "siblings", "cpu cores"}
    found: dict[str, Any] = {}
    text = _read("/proc/cpuinfo") or ""
    for line in text.splitlines():
        if not line.strip():
            break  # the first processor's block only
        key, _, value = line.partition(":")
        if key.strip() in keys:
            found[key.strip().replace(" ", "_")] = value.strip()
    return found


def smt_state() -> str | None:
    """``on``/``off``/``notsupported``... from ``/sys/devices/system/cpu/smt/control``."""
    return _read("/sys/devices/system/cpu/smt/control")


def cgroup_cpu_quota() -> float | None:
    """CPUs this process's cgroup may use (``cpu.max`` or CFS quota / period); None: no limit."""
    v2 = _read("/sys/fs/cgroup/cpu.max")
    if v2:
        quota, _, period = v2.partition(" ")
        if quota != "max" and period:
            return int(quota) / int(period)
        return None
    quota_us = _read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")
    period_us = _read("/sys/fs/cgroup/cpu/cpu.cfs_period_us")
    if quota_us and period_us and int(quota_us) > 0:
        return int(quota_us) / int(period_us)
    return None


def runtime_builds() -> dict[str, Any]:
    """Build and dispatch of the runtimes this process imported (none is imported here)."""
    builds: dict[str, Any] = {}
    torch = sys.modules.get("torch")
    if torch is not None:
        builds["torch"] = {
            "cpu_capability": torch.backends.cpu.get_cpu_capability(),
            "config": torch.__config__.show(),
            "parallel": torch.__config__.parallel_info(),
            "threads": torch.get_num_threads(),
            "interop_threads": torch.get_num_interop_threads(),
        }
    ort = sys.modules.get("onnxruntime")
    if ort is not None:
        builds["onnxruntime"] = {
            "build_info": getattr(ort, "get_build_info", lambda: "")(),
            "device": ort.get_device(),
            "providers": ort.get_available_providers(),
        }
    ov = sys.modules.get("openvino")
    if ov is not None:
        builds["openvino"] = {"version": ov.get_version()}
    return builds


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
