"""Runtime ``torch-compile``: the module compiled with ``torch.compile`` (TorchInductor)."""

from __future__ import annotations

import shutil
import time
from typing import TYPE_CHECKING, Any, cast

from tournament.errors import UserError
from tournament.runtimes.torch_eager import TorchEager
from tournament.schema import Quantization

if TYPE_CHECKING:
    from tournament.runtimes.torch_predictor import TorchPredictor
    from tournament.workloads.base import Workload

WARMUP_BATCH = 1
"""Batch size compiled in ``prepare``, which proves that compilation works on this worker."""


class TorchCompile(TorchEager):
    """``torch.compile(model, dynamic=False)`` with the inductor backend, fp32 or bf16 autocast.

    Shapes are static: each batch size compiles once, on its first call, into kernels
    specialised for it (the harness's warm-up makes that call before timing). ``prepare``
    compiles batch size 1 and records the time. It resets TorchDynamo's caches first, so one
    process can prepare many configurations without reaching the recompile limit, and makes
    hitting that limit an error instead of a silent fall-back to eager mode. The CPU backend
    needs a C++ compiler on the worker. Inductor keeps its own kernel cache
    (``TORCHINDUCTOR_CACHE_DIR``, default under the system temp directory).
    """

    name = "torch-compile"
    description = "torch.compile (inductor, default mode, static shapes)."
    quantizations = frozenset({Quantization.FP32, Quantization.BF16})
    unsupported_hint = "use runtime 'torch' or 'onnxruntime' for other formats."

    def _finish(
        self, predictor: TorchPredictor, workload: Workload, variant: str
    ) -> dict[str, Any]:
        import torch

        if predictor.device.type == "cpu" and not _cxx_compiler():
            raise UserError(
                "runtime: 'torch-compile' needs a C++ compiler (g++, c++ or clang++) on the "
                "worker for its CPU backend, and none was found on PATH."
            )
        torch._dynamo.reset()
        torch._dynamo.config.fail_on_recompile_limit_hit = True
        compiled = torch.compile(predictor.model, backend="inductor", mode="default", dynamic=False)
        predictor.model = cast("torch.nn.Module", compiled)
        start = time.perf_counter()
        predictor.predict(workload.sample_inputs(variant, WARMUP_BATCH))
        return {
            "compile": {
                "backend": "inductor",
                "mode": "default",
                "dynamic": False,
                "warmup_batch": WARMUP_BATCH,
                "warmup_s": round(time.perf_counter() - start, 3),
                "recompile_limit": torch._dynamo.config.recompile_limit,
            }
        }


def _cxx_compiler() -> str | None:
    for name in ("g++", "c++", "clang++"):
        found = shutil.which(name)
        if found:
            return found
    return None
