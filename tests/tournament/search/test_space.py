"""The search space derived from the registries: only valid, distinct configurations."""

from __future__ import annotations

from typing import Any

import optuna
import pytest

from tournament.errors import UserError
from tournament.schema.validate import parse_submission
from tournament.search.derive import SpaceSpec, build_space
from tournament.search.space import SearchSpace, describe

CPU2 = {"local": {"cpu_threads": 2}}


def _hash(config: dict[str, Any]) -> str:
    return parse_submission({"team": "t", "name": "n", **config}).config_hash


def test_every_configuration_of_the_default_space_is_a_valid_submission() -> None:
    space = build_space("digits-cnn", CPU2)
    items = space.enumerate()
    hashes = {_hash(config) for _, config in items}  # parse_submission raises if invalid
    assert len(hashes) == len(items) == space.size()
    built_in = {"torch", "torch-compile", "onnxruntime", "openvino"}
    assert built_in <= {c["runtime"] for _, c in items}  # installed plugins may add runtimes
    assert {c["runtime_options"]["intra_op_threads"] for _, c in items} == {1, 2}
    assert all(space.config_from_params(params) == config for params, config in items)


def test_choices_come_from_runtime_checks() -> None:
    space = build_space("digits-cnn", CPU2)
    assert space.quantizations["torch"] == ("fp32", "bf16", "int8-dynamic")  # fp16 needs CUDA
    assert space.quantizations["torch-compile"] == ("fp32", "bf16")
    assert "int8-static" in space.quantizations["onnxruntime"]
    assert "torch" not in space.graph_optimizations  # no such option in torch's model
    assert len(space.graph_optimizations["onnxruntime"]) == 4
    assert space.calibration["onnxruntime"] == ("minmax", "entropy", "percentile")
    assert space.providers == {"local": ("cpu",)}


def test_a_gpu_machine_adds_the_cuda_provider_with_its_own_quantizations() -> None:
    space = build_space("digits-cnn", {**CPU2, "gpu": {"cpu_threads": 8, "gpus": [{}]}})
    assert space.providers["gpu"] == ("cpu", "cuda")
    assert "fp16" in space.quantizations["torch.cuda"]
    assert "int8-dynamic" not in space.quantizations["torch.cuda"]  # cpu only in torch
    configs = [c for _, c in space.enumerate()]
    assert all(
        c["machine"] == "gpu"
        for c in configs
        if c["runtime_options"]["execution_provider"] == "cuda"
    )
    assert space.threads["gpu"] == (1, 2, 4, 8)


def test_single_stream_fixes_the_batch_size() -> None:
    space = build_space("digits-cnn", CPU2, scenario="single-stream")
    assert set(space.batch_sizes.values()) == {(1,)}
    assert build_space("digits-cnn", CPU2).batch_sizes["small"] == (1, 2, 4, 8, 16, 32, 64)


def test_conditional_parameters_have_context_names_and_single_choices_are_fixed() -> None:
    space = build_space("digits-cnn", CPU2, SpaceSpec(threads=(1,), batch_sizes=(8,)))
    names = {name for params, _ in space.enumerate() for name in params}
    assert "quantization.torch" in names and "quantization.onnxruntime" in names
    assert "intra_op_threads" not in names and "batch_size" not in names
    assert "graph_optimization" in names  # only onnxruntime has a choice


def test_suggesting_walks_only_valid_branches() -> None:
    space = build_space("digits-cnn", CPU2, SpaceSpec(variants=("small",)))
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    for _ in range(40):
        trial = study.ask()
        config = space.walk(trial_chooser(trial))
        _hash(config)
        study.tell(trial, 0.0)


def trial_chooser(trial: optuna.trial.Trial) -> Any:
    def choose(name: str, choices: tuple[Any, ...]) -> Any:
        return trial.suggest_categorical(name, list(choices))

    return choose


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (SpaceSpec(runtimes=("tensorrt",)), "runtimes: 'tensorrt' not available"),
        (SpaceSpec(variants=("huge",)), "variants: 'huge' not available"),
        (SpaceSpec(batch_sizes=(0,)), "batch_sizes: expected sizes from 1 to 1024"),
        (
            SpaceSpec(runtimes=("torch",), quantizations=("int8-static",)),
            "the search space is empty",
        ),
    ],
)
def test_restrictions_that_cannot_work_are_user_errors(spec: SpaceSpec, message: str) -> None:
    with pytest.raises(UserError, match=message):
        build_space("digits-cnn", CPU2, spec)


def test_space_round_trips_through_json_and_describes_configs() -> None:
    space = build_space("digits-cnn", CPU2)
    assert SearchSpace.model_validate_json(space.model_dump_json()) == space
    config = next(c for _, c in space.enumerate() if c["runtime"] == "onnxruntime")
    assert describe(config) == "small onnxruntime fp32 b1 t1 g:disable"
