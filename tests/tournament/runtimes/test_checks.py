"""check(): cheap validation with one sentence per problem, naming the field."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from tournament import runtimes
from tournament.runtimes.op_types import DYNAMIC_OP_TYPES, STATIC_OP_TYPES
from tournament.runtimes.options import GraphOptimization
from tournament.schema import (
    ExecutionProvider,
    Quantization,
    QuantizationOptions,
    RuntimeOptionsBase,
)
from tournament.schema.submission import CalibrationMethod

Q = Quantization
Options = dict[str, Any]
CPU: Options = {}
CUDA: Options = {"execution_provider": ExecutionProvider.CUDA}
DEFAULT = QuantizationOptions()


def _check(
    runtime: str,
    quantization: Quantization,
    options: Options = CPU,
    quantization_options: QuantizationOptions = DEFAULT,
) -> list[str]:
    """``check`` with ``options`` as the runtime's own options model."""
    rt = runtimes.get(runtime)
    return rt.check(quantization, rt.options_model(**options), quantization_options)


def test_registry_builds_every_runtime_under_its_name() -> None:
    built_in = [n for n in runtimes.names() if runtimes.RUNTIMES.entry(n).distribution == "tourney"]
    assert built_in == ["onnxruntime", "openvino", "torch", "torch-compile"]  # plugins may add more
    for name in runtimes.names():
        assert runtimes.get(name).name == name


@pytest.mark.parametrize(
    ("runtime", "quantization", "options"),
    [
        ("torch", Q.FP32, CPU),
        ("torch", Q.BF16, CPU),
        ("torch", Q.INT8_DYNAMIC, CPU),
        ("torch", Q.FP16, CUDA),
        ("torch", Q.BF16, CUDA),
        ("torch-compile", Q.FP32, CPU),
        ("torch-compile", Q.BF16, CPU),
        ("onnxruntime", Q.FP32, CPU),
        ("onnxruntime", Q.FP16, CPU),
        ("onnxruntime", Q.INT8_DYNAMIC, CPU),
        ("onnxruntime", Q.INT8_STATIC, CPU),
        ("onnxruntime", Q.FP32, CUDA),
        ("onnxruntime", Q.FP32, {"graph_optimization": GraphOptimization.BASIC}),
        ("openvino", Q.FP32, CPU),
        ("openvino", Q.BF16, CPU),
        ("openvino", Q.INT8_STATIC, CPU),
    ],
)
def test_supported_combinations_have_no_problem(
    runtime: str, quantization: Quantization, options: Options
) -> None:
    assert _check(runtime, quantization, options) == []


@pytest.mark.parametrize(
    ("runtime", "quantization", "options", "field", "words"),
    [
        ("torch", Q.FP16, CPU, "quantization:", "execution_provider: cuda"),
        ("torch", Q.INT8_STATIC, CPU, "quantization:", "runtime 'onnxruntime'"),
        ("torch", Q.INT8_DYNAMIC, CUDA, "runtime_options.execution_provider:", "cpu only"),
        ("torch-compile", Q.INT8_DYNAMIC, CPU, "quantization:", "expected one of: bf16, fp32"),
        ("torch-compile", Q.FP16, CUDA, "quantization:", "cannot run 'fp16'"),
        ("onnxruntime", Q.BF16, CPU, "quantization:", "cannot run 'bf16'"),
    ],
)
def test_impossible_combinations_name_the_field(
    runtime: str, quantization: Quantization, options: Options, field: str, words: str
) -> None:
    problems = _check(runtime, quantization, options)
    assert len(problems) == 1
    assert problems[0].startswith(field)
    assert words in problems[0]
    assert problems[0].endswith(".")


@pytest.mark.parametrize("runtime", ["torch", "torch-compile", "onnxruntime", "openvino"])
def test_quantization_options_are_rejected_for_float_formats(runtime: str) -> None:
    options = QuantizationOptions(per_channel=True, calibration_samples=16)
    (problem,) = _check(runtime, Q.FP32, quantization_options=options)
    assert problem.startswith("quantization_options: per_channel, calibration_samples only apply")
    assert "int8 quantizations" in problem


@pytest.mark.parametrize("runtime", ["torch", "onnxruntime"])
def test_calibration_options_are_rejected_for_int8_dynamic(runtime: str) -> None:
    options = QuantizationOptions(per_channel=True, calibration_method=CalibrationMethod.ENTROPY)
    (problem,) = _check(runtime, Q.INT8_DYNAMIC, quantization_options=options)
    assert problem.startswith("quantization_options: calibration_method only apply")
    assert "'int8-static'" in problem


def test_torch_takes_no_op_types() -> None:
    options = QuantizationOptions(op_types=("MatMul",))
    (problem,) = _check("torch", Q.INT8_DYNAMIC, quantization_options=options)
    assert problem.startswith("quantization_options.op_types:")
    assert "nn.Linear" in problem


@pytest.mark.parametrize(
    ("quantization", "op_types", "ok"),
    [
        (Q.INT8_DYNAMIC, ("MatMul", "Conv"), True),
        (Q.INT8_DYNAMIC, ("Gemm",), False),  # quantize_dynamic ignores Gemm
        (Q.INT8_DYNAMIC, ("matmul",), False),
        (Q.INT8_STATIC, ("Gemm", "Add", "Mul"), True),
        (Q.INT8_STATIC, ("Attention",), False),
        (Q.INT8_STATIC, (), False),
    ],
)
def test_onnxruntime_op_types_allowlist(
    quantization: Quantization, op_types: tuple[str, ...], ok: bool
) -> None:
    options = QuantizationOptions(op_types=op_types)
    problems = _check("onnxruntime", quantization, quantization_options=options)
    assert (problems == []) is ok
    if not ok:
        assert problems[0].startswith("quantization_options.op_types:")


def test_op_type_allowlists_match_onnxruntime_registries() -> None:
    from onnxruntime.quantization.registry import (
        IntegerOpsRegistry,
        QDQRegistry,
        QLinearOpsRegistry,
    )

    assert set(IntegerOpsRegistry) == DYNAMIC_OP_TYPES
    assert set(QDQRegistry) | set(QLinearOpsRegistry) == STATIC_OP_TYPES


def test_check_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from tournament import runtimes\n"
        "from tournament.schema import Quantization, QuantizationOptions\n"
        "for name in runtimes.names():\n"
        "    rt = runtimes.get(name)\n"
        "    for q in Quantization:\n"
        "        rt.check(q, rt.options_model(), QuantizationOptions())\n"
        "heavy = {'torch', 'onnxruntime', 'onnx', 'openvino', 'nncf', 'transformers', 'sklearn'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_every_runtime_declares_a_frozen_strict_options_model() -> None:
    for name in runtimes.names():
        model = runtimes.get(name).options_model
        assert issubclass(model, RuntimeOptionsBase), name
        assert model.model_config.get("frozen") is True, name
        assert model.model_config.get("extra") == "forbid", name
        assert {"intra_op_threads", "inter_op_threads", "execution_provider"} <= set(
            model.model_fields
        ), name
    assert "graph_optimization" in runtimes.get("onnxruntime").options_model.model_fields
    assert "graph_optimization" not in runtimes.get("torch").options_model.model_fields
