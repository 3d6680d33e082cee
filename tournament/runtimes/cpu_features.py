"""What the worker's CPU means for int8 kernels (detected at prepare time, never assumed).

On x86 without VNNI, int8 matrix kernels multiply uint8 activations by int8 weights with
``vpmaddubsw``, which adds pairs of products into a *saturating* int16: with full-range
operands (255 x 127 x 2 = 64770 > 32767) results are clipped. With VNNI (``vpdpbusd``)
products accumulate in int32 and nothing saturates. ONNX Runtime's quantization docs describe
the two remedies: 7-bit weights (``reduce_range``: 255 x 63 x 2 = 32130 fits) or uint8
weights (U8U8 kernels widen to int16 before multiplying). Other architectures (ARM) have
no such kernel. Cheap: reads ``/proc/cpuinfo`` through :func:`tournament.fingerprint.cpu_info`.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from typing import Any

VNNI_FLAGS = frozenset({"avx512_vnni", "avx_vnni", "amx_int8"})
"""``/proc/cpuinfo`` flags of CPUs whose int8 dot products accumulate without saturating."""

X86 = frozenset({"x86_64", "amd64", "i386", "i686"})


@dataclass(frozen=True)
class Int8Cpu:
    """The facts about a CPU that decide how int8 avoids saturation."""

    arch: str
    model: str
    flags: tuple[str, ...]

    @property
    def vnni(self) -> bool:
        """Whether the CPU has a VNNI int8 dot product (AVX512-VNNI, AVX-VNNI or AMX-INT8)."""
        return bool(VNNI_FLAGS & set(self.flags))

    @property
    def saturates(self) -> bool:
        """Whether full-range uint8 x int8 products can saturate (x86 without VNNI)."""
        return self.arch.lower() in X86 and not self.vnni

    def details(self) -> dict[str, Any]:
        """What was detected, for a result's details."""
        return {
            "arch": self.arch,
            "cpu_model": self.model,
            "vnni": self.vnni,
            "u8s8_saturates": self.saturates,
            "flags": list(self.flags),
        }


def detect() -> Int8Cpu:
    """The CPU this process runs on."""
    from tournament.fingerprint import cpu_info

    info = cpu_info()
    return Int8Cpu(
        arch=platform.machine() or "unknown",
        model=str(info["cpu_model"]),
        flags=tuple(info["cpu_flags"]),
    )
