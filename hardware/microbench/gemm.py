"""Square GEMM kernels per precision, the runtimes' own (torch), and their measured rate.

* ``fp32``: ``torch.matmul`` on float32 (MKL / oneDNN in the CPU wheel).
* ``bf16``: ``torch.matmul`` on bfloat16. On a CPU without native bf16 instructions this is
  whatever torch does there (a slow converting path): measured, not assumed.
* ``int8``: ``torch.ops.quantized.linear``: uint8 activations x int8 weights, int32
  accumulation, requantised output, through the quantized engine torch selects (``x86``:
  FBGEMM, on Arm ``qnnpack``). ``torch._int_mm`` is not used: on CPU it ran at ~1 GOP/s on
  the development machine (not an int8 GEMM kernel).

Sizes: a probe call at :data:`PROBE_SIZE` sets ``n`` so that one 1-thread call takes about
:data:`TARGET_CALL_S` (clamped to ``[PROBE_SIZE, MAX_SIZE]``, a multiple of 64): big enough to
be compute-bound for the fast kernels, small enough that a slow kernel stays short.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hardware.microbench.model import GemmPeak, MeasuredPrecision
from hardware.microbench.timing import best_of, torch_threads

PROBE_SIZE = 256
MAX_SIZE = 2048
TARGET_CALL_S = 0.03
REPS = 5
"""Timed calls per thread count; the best is kept."""

Builder = Callable[[int], Callable[[], object]]


@dataclass(frozen=True, slots=True)
class Kernel:
    """A GEMM kernel: its name and a builder of an ``n`` x ``n`` x ``n`` call."""

    name: str
    build: Builder


def _random(n: int, dtype: Any) -> Any:
    import torch

    generator = torch.Generator().manual_seed(n)
    return torch.randn(n, n, generator=generator).to(dtype)


def _matmul(dtype_name: str) -> Builder:
    def build(n: int) -> Callable[[], object]:
        import torch

        dtype = getattr(torch, dtype_name)
        a, b, out = _random(n, dtype), _random(n, dtype), torch.empty(n, n, dtype=dtype)
        return lambda: torch.matmul(a, b, out=out)

    return build


def quantized_linear(x_u8: Any, w_s8: Any, out_scale: float = 1.0) -> Callable[[], Any]:
    """A call of ``torch.ops.quantized.linear`` computing ``x @ w.T`` in int8.

    ``x_u8`` (uint8) and ``w_s8`` (int8) are the integer operands, quantized with scale 1 and
    zero point 0, so the int32 accumulator holds the exact integer product; the output is
    requantised to uint8 at ``out_scale`` (the returned call gives that quantized tensor).
    """
    import torch

    with warnings.catch_warnings():  # quantized tensor creation is deprecated in torch 2.13
        warnings.simplefilter("ignore")
        qx = torch.quantize_per_tensor(x_u8.float(), 1.0, 0, torch.quint8)
        qw = torch.quantize_per_tensor(w_s8.float(), 1.0, 0, torch.qint8)
        packed = torch.ops.quantized.linear_prepack(qw, None)
    return lambda: torch.ops.quantized.linear(qx, packed, out_scale, 0)


def _int8(n: int) -> Callable[[], object]:
    import torch

    generator = torch.Generator().manual_seed(n)
    x = torch.randint(0, 256, (n, n), generator=generator, dtype=torch.uint8)
    w = torch.randint(-128, 128, (n, n), generator=generator, dtype=torch.int8)
    return quantized_linear(x, w, out_scale=float(64 * n))


def int8_kernel_name() -> str:
    """The int8 kernel with the quantized engine torch uses here."""
    import torch

    return f"torch.ops.quantized.linear u8 x s8 -> s32 ({torch.backends.quantized.engine} engine)"


def kernels() -> dict[MeasuredPrecision, Kernel]:
    """The kernel measured for each precision."""
    return {
        "fp32": Kernel("torch.matmul float32", _matmul("float32")),
        "bf16": Kernel("torch.matmul bfloat16", _matmul("bfloat16")),
        "int8": Kernel(int8_kernel_name(), _int8),
    }


def choose_size(build: Builder) -> int:
    """``n`` for which one call takes about :data:`TARGET_CALL_S` (see the module docstring)."""
    seconds = best_of(build(PROBE_SIZE), 1)
    n = PROBE_SIZE * (TARGET_CALL_S / seconds) ** (1 / 3)
    return int(min(MAX_SIZE, max(PROBE_SIZE, n // 64 * 64)))


def measure_gemm(kernel: Kernel, threads: int, *, size: int | None = None) -> GemmPeak:
    """``kernel``'s GFLOP/s at 1 thread and at ``threads`` (the same figure when 1).

    The size is chosen at 1 thread (:func:`choose_size`) unless ``size`` is given; both
    thread counts time the same operands.
    """
    with torch_threads(1):
        n = size or choose_size(kernel.build)
        run = kernel.build(n)
        one = best_of(run, REPS)
    many = one
    if threads > 1:
        with torch_threads(threads):
            many = best_of(run, REPS)
    flops = 2.0 * n**3
    return GemmPeak(
        kernel=kernel.name,
        size=n,
        reps=REPS,
        gflops_1=round(flops / one / 1e9, 2),
        gflops_n=round(flops / many / 1e9, 2),
    )
