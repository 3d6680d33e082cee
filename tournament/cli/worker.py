"""``tourney worker``: join this node to a Ray cluster as a registered machine.

A node advertises the custom resource ``machine:<id>`` with quantity 1, so the runner sends it
exactly the runs of that machine, one at a time. Token authentication, when the cluster uses
it, is configured through Ray's own environment (``RAY_AUTH_MODE``, ``RAY_AUTH_TOKEN``), which
these commands pass through unchanged.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import typer

from tournament.cli.app import console, fail
from tournament.signals import run_child

worker_app = typer.Typer(help="Join Ray clusters as registered machines.", no_args_is_help=True)


def ray_start_command(
    *,
    machine: str,
    address: str | None,
    port: int,
    num_cpus: int | None,
    num_gpus: int | None,
    host: str,
    block: bool,
) -> list[str]:
    """The ``ray start`` command line for a head (no address) or a worker node."""
    from tournament.schema.submission import NAME_PATTERN

    if not re.fullmatch(NAME_PATTERN, machine):
        fail([f"machine: expected 1-64 letters, digits, '_', '.' or '-', got {machine!r}."])
    ray = shutil.which("ray", path=os.path.dirname(sys.executable)) or shutil.which("ray")
    if ray is None:
        fail(["ray: the `ray` command is not installed in this environment."])
    cmd = [
        str(ray),
        "start",
        "--disable-usage-stats",
        f"--resources={json.dumps({f'machine:{machine}': 1})}",
    ]
    if address:
        cmd.append(f"--address={address}")
    else:
        cmd += [
            "--head",
            f"--port={port}",
            f"--node-ip-address={host}",
            "--include-dashboard=false",
        ]
    if num_cpus is not None:
        cmd.append(f"--num-cpus={num_cpus}")
    if num_gpus is not None:
        cmd.append(f"--num-gpus={num_gpus}")
    if block:
        cmd.append("--block")
    return cmd


def ray_env() -> dict[str, str]:
    """The environment for ``ray start``: token authentication on unless the user chose."""
    env = dict(os.environ)
    env.setdefault("RAY_AUTH_MODE", "token")
    return env


@worker_app.command("start")
def start_cmd(
    machine: str = typer.Option(..., "--machine", help="Registered machine id of this node."),
    address: str = typer.Option(..., "--address", help="Head node HOST:PORT."),
    num_cpus: int | None = typer.Option(None, "--num-cpus"),
    num_gpus: int | None = typer.Option(None, "--num-gpus"),
    block: bool = typer.Option(True, "--block/--no-block", help="Stay in the foreground."),
) -> None:
    """Join an existing Ray cluster as machine ID (advertises ``machine:ID``)."""
    cmd = ray_start_command(
        machine=machine,
        address=address,
        port=0,
        num_cpus=num_cpus,
        num_gpus=num_gpus,
        host="",
        block=block,
    )
    console.print(f"joining {address} as machine {machine}: {' '.join(cmd)}", markup=False)
    raise typer.Exit(run_child(cmd, env=ray_env()))


@worker_app.command("head")
def head_cmd(
    machine: str = typer.Option(..., "--machine", help="Registered machine id of this node."),
    port: int = typer.Option(6379, "--port"),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    num_cpus: int | None = typer.Option(None, "--num-cpus"),
    num_gpus: int | None = typer.Option(None, "--num-gpus"),
    block: bool = typer.Option(True, "--block/--no-block", help="Stay in the foreground."),
) -> None:
    """Start a Ray head node that is also machine ID; others join with ``worker start``."""
    cmd = ray_start_command(
        machine=machine,
        address=None,
        port=port,
        num_cpus=num_cpus,
        num_gpus=num_gpus,
        host=host,
        block=block,
    )
    console.print(f"head node on {host}:{port} as machine {machine}: {' '.join(cmd)}", markup=False)
    env = ray_env()
    if env["RAY_AUTH_MODE"] == "token" and not env.get("RAY_AUTH_TOKEN"):
        # Creates ~/.ray/auth_token once; copy it (or set RAY_AUTH_TOKEN) on every worker node.
        subprocess.run(
            [cmd[0], "get-auth-token", "--generate"],
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
        )
    raise typer.Exit(run_child(cmd, env=env))
