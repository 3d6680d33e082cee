"""``tourney run``: measure every queued submission."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from tournament.cli.app import console, fail
from tournament.errors import UserError
from tournament.signals import interrupt_code


def build_rules(rules_file: Path | None, quick: bool, overrides: dict[str, Any]) -> dict[str, Any]:
    """Rules from defaults, ``--quick``, a rules file and command-line overrides, validated."""
    from pydantic import ValidationError

    from tournament.harness import Rules
    from tournament.schema.loading import load_document
    from tournament.schema.validate import pydantic_problems

    data: dict[str, Any] = Rules.quick().model_dump() if quick else {}
    if rules_file is not None:
        try:
            data.update(load_document(rules_file))
        except UserError as exc:
            fail([f"{rules_file}: {p}" for p in exc.problems])
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Rules.model_validate(data).model_dump(mode="json")
    except ValidationError as exc:
        fail([f"rules.{p}" for p in pydantic_problems(exc)])
    raise AssertionError("unreachable")


def run_cmd(
    scenario: str = typer.Option("single-stream", help="single-stream, offline or server."),
    quick: bool = typer.Option(False, "--quick", help="Short rules for smoke tests."),
    rules_file: Path | None = typer.Option(None, "--rules", help="Rules YAML/JSON file."),
    min_duration_s: float | None = typer.Option(None, "--min-duration", help="Seconds."),
    min_queries: int | None = typer.Option(None, "--min-queries"),
    runs: int | None = typer.Option(
        None, "--runs", help="Independent runs per result (default 3; --quick: 1)."
    ),
    target_qps: float | None = typer.Option(None, "--target-qps", help="Server scenario QPS."),
    latency_bound_ms: float | None = typer.Option(
        None, "--latency-bound-ms", help="Server p99 bound."
    ),
    find_peak: bool = typer.Option(False, "--find-peak", help="Server: search the peak QPS."),
    backend: str = typer.Option("ray", help="ray (default) or local (subprocess, no Ray)."),
    ray_address: str | None = typer.Option(
        None, "--ray-address", help="Join an existing Ray cluster ('auto' or HOST:PORT)."
    ),
    machine_wait_s: float = typer.Option(
        60.0,
        "--machine-wait",
        help="Seconds to wait for a machine's worker before failing its runs.",
    ),
    reuse_workers: bool = typer.Option(
        False,
        "--reuse-workers",
        help="Ray: keep worker processes between runs (faster; peak RSS is then the worker's "
        "lifetime peak and a leaked setting could reach the next run).",
    ),
    round_name: str | None = typer.Option(
        None, "--round", help="Run this round's entries under its rules (= `round run`)."
    ),
) -> None:
    """Measure every queued submission under a scenario, and store the results."""
    from tournament import harness
    from tournament.runner.session import execute
    from tournament.store import Store

    if scenario not in harness.names():
        fail(
            [
                f"scenario: unknown scenario {scenario!r}; expected one of: "
                f"{', '.join(harness.names())}."
            ]
        )
    if backend not in {"ray", "local"}:
        fail([f"backend: expected 'ray' or 'local', got {backend!r}."])
    rules = build_rules(
        rules_file,
        quick,
        {
            "min_duration_s": min_duration_s,
            "min_queries": min_queries,
            "runs": runs,
            "server_target_qps": target_qps,
            "server_latency_bound_ms": latency_bound_ms,
            "server_find_peak": find_peak or None,
        },
    )
    from tournament.harness import Rules

    problems = harness.get(scenario).check(Rules.model_validate(rules))
    if problems:
        fail(problems)
    store = Store()
    if round_name:
        from tournament.rounds.run import run_round

        done = run_round(
            store,
            round_name,
            backend=backend,
            ray_address=ray_address,
            machine_wait_s=machine_wait_s,
            console=console,
        )
        console.print(
            f"round {round_name}: done {len(done.done)}, failed {len(done.failed)}, "
            f"still pending {done.pending}"
        )
        raise typer.Exit(1 if done.failed else 0)
    summary = execute(
        store,
        scenario=scenario,
        rules=rules,
        backend=backend,
        ray_address=ray_address,
        round_name="",  # submissions outside rounds; rounds run with their own rules
        machine_wait_s=machine_wait_s,
        console=console,
        reuse_workers=reuse_workers,
    )
    console.print(
        f"done: {len(summary.done)}, failed: {len(summary.failed)}"
        + (", interrupted: unfinished runs are queued again" if summary.interrupted else "")
    )
    for run_id, error in summary.failed.items():
        console.print(f"run #{run_id} failed: {error.splitlines()[0]}", markup=False)
    if summary.interrupted:
        raise typer.Exit(interrupt_code())
    if summary.failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("run")(run_cmd)
