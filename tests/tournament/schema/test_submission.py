"""Submission model: bounds, enums, unknown keys, canonical form and config_hash."""

from __future__ import annotations

from typing import Any

import pytest

from tournament.errors import UserError
from tournament.schema.validate import parse_submission

BASE: dict[str, Any] = {
    "team": "t",
    "name": "n",
    "workload": "digits-cnn",
    "variant": "small",
    "runtime": "onnxruntime",
    "quantization": "fp32",
}


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(UserError) as info:
        parse_submission(data)
    return info.value.problems


def test_defaults_fill_in_and_hash_is_stable() -> None:
    sub = parse_submission(dict(BASE))
    spelled = parse_submission(
        {**BASE, "batch_size": 1, "machine": "local", "runtime_options": {"intra_op_threads": 1}}
    )
    assert sub.config_hash == spelled.config_hash
    assert len(sub.config_hash) == 64


def test_team_name_description_are_not_part_of_the_configuration() -> None:
    a = parse_submission(dict(BASE))
    b = parse_submission({**BASE, "team": "other", "name": "x", "description": "hello"})
    assert a.config_hash == b.config_hash


def test_any_configuration_change_changes_the_hash() -> None:
    base = parse_submission(dict(BASE)).config_hash
    for change in (
        {"batch_size": 2},
        {"quantization": "int8-dynamic"},
        {"runtime_options": {"intra_op_threads": 2}},
        {"variant": "wide"},
    ):
        assert parse_submission({**BASE, **change}).config_hash != base, change


def test_unknown_key_is_named() -> None:
    assert problems({**BASE, "batchsize": 4}) == [
        "batchsize: unknown field; remove it (see docs/submission-format.md)."
    ]


def test_nested_unknown_key_has_dotted_path() -> None:
    (line,) = problems({**BASE, "runtime_options": {"threads": 4}})
    assert line.startswith("runtime_options.threads: unknown field")


@pytest.mark.parametrize(
    "field,value",
    [("batch_size", 0), ("batch_size", 10**9), ("batch_size", "four"), ("batch_size", 1.5)],
)
def test_batch_size_bounds(field: str, value: Any) -> None:
    (line,) = problems({**BASE, field: value})
    assert line.startswith("batch_size: ")


def test_bad_enum_lists_choices() -> None:
    (line,) = problems({**BASE, "quantization": "int4"})
    assert line.startswith("quantization: expected one of")
    assert "int8-static" in line


def test_unknown_names_list_valid_choices() -> None:
    lines = problems({**BASE, "workload": "resnet", "runtime": "tensorrt"})
    assert any(
        line.startswith("workload: unknown workload 'resnet'; expected one of: digits-cnn")
        for line in lines
    )
    assert any(line.startswith("runtime: unknown runtime 'tensorrt'") for line in lines)


def test_unknown_variant() -> None:
    (line,) = problems({**BASE, "variant": "huge"})
    assert line.startswith("variant: unknown variant 'huge' of 'digits-cnn'")


def test_impossible_combination_rejected_before_running() -> None:
    lines = problems({**BASE, "runtime": "torch", "quantization": "int8-static"})
    assert any(line.startswith("quantization:") for line in lines)


def test_quantization_options_only_for_int8() -> None:
    lines = problems({**BASE, "quantization_options": {"per_channel": True}})
    assert any(line.startswith("quantization_options:") for line in lines)


def test_unknown_machine_lists_known_ones() -> None:
    with pytest.raises(UserError) as info:
        parse_submission({**BASE, "machine": "gpu-a"}, known_machines=["local", "cpu-b"])
    assert info.value.problems == [
        "machine: unknown machine 'gpu-a'; expected one of: cpu-b, local (register one with "
        "`tourney machines register`)."
    ]


@pytest.mark.parametrize("bad", ["../etc", "a/b", "x\ny", "", "a" * 65, " lead"])
def test_names_with_separators_or_controls_are_rejected(bad: str) -> None:
    (line,) = problems({**BASE, "team": bad})
    assert line.startswith("team: expected 1-64 characters")


def test_missing_required_fields_all_reported() -> None:
    lines = problems({"team": "t"})
    fields = {line.split(":")[0] for line in lines}
    assert {"name", "workload", "variant", "runtime"} <= fields


def test_runtime_options_take_the_named_runtimes_model() -> None:
    from tournament.runtimes.options import OnnxRuntimeOptions, OpenVinoOptions, TorchOptions

    assert type(parse_submission(dict(BASE)).runtime_options) is OnnxRuntimeOptions
    torch_sub = parse_submission({**BASE, "runtime": "torch"})
    assert type(torch_sub.runtime_options) is TorchOptions
    assert "graph_optimization" not in torch_sub.config()["runtime_options"]
    openvino = parse_submission(
        {**BASE, "runtime": "openvino", "runtime_options": {"num_streams": 1}}
    )
    assert type(openvino.runtime_options) is OpenVinoOptions
    assert openvino.config()["runtime_options"]["num_streams"] == 1


def test_an_option_of_another_runtime_names_the_runtime_and_its_options() -> None:
    (line,) = problems(
        {**BASE, "runtime": "torch", "runtime_options": {"graph_optimization": "all"}}
    )
    assert line == (
        "runtime_options.graph_optimization: runtime 'torch' has no option 'graph_optimization'; "
        "its options are: execution_provider, inter_op_threads, intra_op_threads."
    )
    (line,) = problems({**BASE, "runtime_options": {"num_streams": 2}})
    assert line.startswith("runtime_options.num_streams: runtime 'onnxruntime' has no option")
    assert "graph_optimization" in line


def test_runtime_options_problems_have_field_paths() -> None:
    lines = problems(
        {
            **BASE,
            "runtime": "openvino",
            "runtime_options": {"num_streams": 0, "performance_hint": "fast", "threads": 2},
        }
    )
    assert [line.split(":")[0] for line in lines] == [
        "runtime_options.performance_hint",
        "runtime_options.num_streams",
        "runtime_options.threads",
    ]
    assert "expected one of 'latency' or 'throughput'" in lines[0]
    assert lines[2].endswith("unknown field; remove it (see docs/submission-format.md).")


def test_unknown_runtime_keeps_its_options_and_reports_only_the_runtime() -> None:
    from tournament.schema import Submission

    (line,) = problems({**BASE, "runtime": "tensorrt", "runtime_options": {"builder": "x"}})
    assert line.startswith("runtime: unknown runtime 'tensorrt'")
    sub = Submission.model_validate(
        {**BASE, "runtime": "tensorrt", "runtime_options": {"builder": "x"}}
    )
    assert sub.config()["runtime_options"]["builder"] == "x"  # hashed as written


def test_options_models_built_in_python_are_revalidated_for_the_runtime() -> None:
    from pydantic import ValidationError

    from tournament.runtimes.options import GraphOptimization, OnnxRuntimeOptions
    from tournament.schema import Submission

    fields = {k: v for k, v in BASE.items() if k != "runtime"}
    options = OnnxRuntimeOptions(graph_optimization=GraphOptimization.BASIC)
    assert (
        Submission(**fields, runtime="onnxruntime", runtime_options=options).runtime_options
        is options
    )
    with pytest.raises(ValidationError, match="runtime 'torch' has no option 'graph_optimization'"):
        Submission(**fields, runtime="torch", runtime_options=options)
    defaults = Submission(**fields, runtime="torch", runtime_options=OnnxRuntimeOptions())
    assert "graph_optimization" not in defaults.config()["runtime_options"]
