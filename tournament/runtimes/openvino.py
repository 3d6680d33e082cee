"""Runtime ``openvino``: the module converted to OpenVINO IR, compiled by the CPU plugin.

fp32 converts the module with ``openvino.convert_model`` (TorchScript tracing, dynamic batch
axis); bf16 compiles that same IR with ``INFERENCE_PRECISION_HINT=bf16``; int8-static
quantizes it with NNCF's post-training quantization on the workload's calibration split.
Artifacts are cached under ``<cache_dir>/openvino/<key>/`` (``model.xml``, ``model.bin``,
``recipe.json``); see :mod:`tournament.runtimes.openvino_build`. This module imports neither
openvino nor nncf: ``check`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tournament.errors import UserError
from tournament.runtimes.base import Prepared, Runtime
from tournament.runtimes.checks import unused_quantization_options
from tournament.runtimes.options import OpenVinoOptions
from tournament.schema import ExecutionProvider, Quantization, QuantizationOptions
from tournament.schema.submission import CalibrationMethod

if TYPE_CHECKING:
    from tournament.workloads.base import Workload

CACHE_FORMAT = 1
"""Bump when the way artifacts are built changes, to invalidate old cache entries."""

CALIBRATION_METHODS = frozenset({CalibrationMethod.MINMAX, CalibrationMethod.PERCENTILE})
"""Calibration methods NNCF has an equivalent for (see ``openvino_quantize.RANGE_ESTIMATORS``)."""


class OpenVino(Runtime[OpenVinoOptions]):
    """OpenVINO CPU plugin: fp32, bf16 (precision hint), int8-static (NNCF, calibrated).

    bf16 needs a CPU with bf16 instructions (AVX512-BF16 or AMX); elsewhere OpenVINO runs fp32
    without an error. ``check`` cannot know the worker's CPU, so it accepts bf16;
    ``details['compiled']['inference_precision']`` and ``details['bf16_honoured']`` record
    what the compiled model really uses.
    """

    name = "openvino"
    description = "OpenVINO CPU plugin on openvino.convert_model IR; NNCF for int8."
    quantizations = frozenset({Quantization.FP32, Quantization.BF16, Quantization.INT8_STATIC})
    options_model = OpenVinoOptions
    unsupported_hint = "use runtime 'onnxruntime' for fp16 and int8-dynamic."

    def check(
        self,
        quantization: Quantization,
        options: OpenVinoOptions,
        quantization_options: QuantizationOptions,
    ) -> list[str]:
        problems = super().check(quantization, options, quantization_options)
        if problems:
            return [f"{problems[0][:-1]}; {self.unsupported_hint}", *problems[1:]]
        problems += _option_problems(options)
        problems += unused_quantization_options(quantization, quantization_options)
        problems += _quantizer_problems(quantization_options)
        return problems

    def prepare(
        self,
        workload: Workload,
        variant: str,
        quantization: Quantization,
        options: OpenVinoOptions,
        quantization_options: QuantizationOptions,
        cache_dir: str,
    ) -> Prepared:
        problems = self.check(quantization, options, quantization_options)
        if problems:
            raise UserError(problems)
        from tournament.runtimes.openvino_build import prepare

        return prepare(workload, variant, quantization, options, quantization_options, cache_dir)


def _option_problems(options: OpenVinoOptions) -> list[str]:
    problems = []
    if options.execution_provider is not ExecutionProvider.CPU:
        problems.append(
            "runtime_options.execution_provider: runtime 'openvino' runs on cpu only (its GPU "
            "plugin is for Intel GPUs, not CUDA); expected execution_provider: cpu."
        )
    if options.inter_op_threads != 1:
        problems.append(
            "runtime_options.inter_op_threads: runtime 'openvino' has no inter-op thread pool; "
            "leave it at 1 and set runtime_options.num_streams for parallel requests."
        )
    if options.num_streams is not None and options.num_streams > options.intra_op_threads:
        problems.append(
            f"runtime_options.num_streams: {options.num_streams} streams need at least as many "
            f"threads, got intra_op_threads {options.intra_op_threads}; raise intra_op_threads "
            "or lower num_streams."
        )
    return problems


def _quantizer_problems(options: QuantizationOptions) -> list[str]:
    problems = []
    if options.op_types is not None:
        problems.append(
            "quantization_options.op_types: runtime 'openvino' quantizes the operators NNCF "
            "selects for the CPU plugin and takes no op_types; use runtime 'onnxruntime' to "
            "choose operators."
        )
    if options.calibration_method not in CALIBRATION_METHODS:
        allowed = ", ".join(sorted(m.value for m in CALIBRATION_METHODS))
        problems.append(
            f"quantization_options.calibration_method: runtime 'openvino' cannot calibrate with "
            f"{options.calibration_method.value!r} (NNCF has no equivalent); expected one of: "
            f"{allowed}."
        )
    return problems
