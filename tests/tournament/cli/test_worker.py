"""``tourney worker``: the ``ray start`` command that joins a node as a machine."""

from __future__ import annotations

import json

import pytest
import typer

from tournament.cli.worker import ray_start_command


def resources(cmd: list[str]) -> dict[str, float]:
    (arg,) = [a for a in cmd if a.startswith("--resources=")]
    return dict(json.loads(arg.split("=", 1)[1]))


def test_worker_advertises_its_machine_resource() -> None:
    cmd = ray_start_command(
        machine="gpu-a",
        address="10.0.0.1:6379",
        port=0,
        num_cpus=None,
        num_gpus=1,
        host="",
        block=True,
    )
    assert cmd[1] == "start" and "--address=10.0.0.1:6379" in cmd
    assert resources(cmd) == {"machine:gpu-a": 1}
    assert "--num-gpus=1" in cmd and "--block" in cmd and "--head" not in cmd


def test_head_listens_on_the_given_host() -> None:
    cmd = ray_start_command(
        machine="cpu-a",
        address=None,
        port=6380,
        num_cpus=2,
        num_gpus=None,
        host="127.0.0.1",
        block=False,
    )
    assert "--head" in cmd and "--port=6380" in cmd and "--node-ip-address=127.0.0.1" in cmd
    assert resources(cmd) == {"machine:cpu-a": 1}


def test_bad_machine_id_is_refused() -> None:
    with pytest.raises(typer.Exit):
        ray_start_command(
            machine="../x",
            address=None,
            port=1,
            num_cpus=None,
            num_gpus=None,
            host="127.0.0.1",
            block=False,
        )
