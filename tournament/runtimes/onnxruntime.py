"""Runtime ``onnxruntime``: the module exported to ONNX, converted, run by ONNX Runtime.

Artifacts are cached under ``<cache_dir>/onnxruntime/<key>/model.onnx``; the key hashes the
fp32 weights and architecture, workload, variant, quantization, the options that affect the
artifact, the calibration set (int8-static), exporter, opset and library versions. The fp32
export is itself an entry, shared by every quantization of the same model.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tournament.errors import UserError
from tournament.runtimes.base import Prepared, Runtime
from tournament.runtimes.checks import op_types_problems, unused_quantization_options
from tournament.runtimes.options import OnnxRuntimeOptions
from tournament.schema import Quantization, QuantizationOptions

if TYPE_CHECKING:
    from tournament.workloads.base import Workload

CACHE_FORMAT = 2
"""Bump when the way artifacts are built changes, to invalidate old cache entries."""


class OnnxRuntime(Runtime[OnnxRuntimeOptions]):
    """ONNX Runtime: fp32, fp16 (converted graph), int8 dynamic and static (QDQ, calibrated).

    CPU execution provider by default; CUDA where onnxruntime has it. int8 nodes without a
    CUDA kernel fall back to the CPU provider (see ``details['session']['providers']``).
    """

    name = "onnxruntime"
    description = "ONNX Runtime on a TorchScript export (opset 17); ORT quantizers for int8."
    quantizations = frozenset(
        {
            Quantization.FP32,
            Quantization.FP16,
            Quantization.INT8_DYNAMIC,
            Quantization.INT8_STATIC,
        }
    )
    options_model = OnnxRuntimeOptions

    def check(
        self,
        quantization: Quantization,
        options: OnnxRuntimeOptions,
        quantization_options: QuantizationOptions,
    ) -> list[str]:
        problems = super().check(quantization, options, quantization_options)
        if problems:
            return problems
        problems += unused_quantization_options(quantization, quantization_options)
        problems += op_types_problems(quantization, quantization_options)
        return problems

    def prepare(
        self,
        workload: Workload,
        variant: str,
        quantization: Quantization,
        options: OnnxRuntimeOptions,
        quantization_options: QuantizationOptions,
        cache_dir: str,
    ) -> Prepared:
        problems = self.check(quantization, options, quantization_options)
        if problems:
            raise UserError(problems)
        from tournament.runtimes import onnx_session
        from tournament.runtimes.onnx_build import build_artifact

        onnx_session.providers(options)  # fail fast when CUDA is missing
        entry, cache = build_artifact(
            workload, variant, quantization, quantization_options, Path(cache_dir) / self.name
        )
        return _prepared(entry, cache, quantization, options)


def _prepared(
    entry: Path, cache: dict[str, Any], quantization: Quantization, options: OnnxRuntimeOptions
) -> Prepared:
    from tournament.runtimes import onnx_session
    from tournament.runtimes.cache import artifact_files, read_recipe
    from tournament.runtimes.hashing import files_sha256
    from tournament.runtimes.onnx_export import MODEL_FILE

    session = onnx_session.open_session(entry / MODEL_FILE, options)
    sha, size = files_sha256(artifact_files(entry))
    details: dict[str, Any] = {
        "runtime": "onnxruntime",
        **read_recipe(entry),
        "quantization": quantization.value,
        "onnxruntime": onnx_session.ort.__version__,
        "graph_optimization": options.graph_optimization.value,
        "session": onnx_session.session_details(session),
        "cache": cache,
        "artifact": "sha256 of model.onnx (of name/sha256 lines when it has external data)",
    }
    return Prepared(onnx_session.OnnxPredictor(session), sha, size, details)
