"""``tourney search``: let Optuna search a workload's configurations; ``search status NAME``.

``search`` is a group whose callback runs a search when no subcommand is given, so both
``tourney search --workload W ...`` and ``tourney search status NAME`` work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from tournament.cli.app import console, fail
from tournament.errors import UserError
from tournament.signals import interrupt_code

search_app = typer.Typer(
    help="Search configurations automatically (Optuna, multi-objective, accuracy-constrained).",
    no_args_is_help=False,
    add_completion=False,
)

_OBJECTIVES = "throughput_sps,cost_usd_per_million,energy_j_per_sample"


def _names(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _ints(field: str, text: str | None) -> tuple[int, ...] | None:
    names = _names(text)
    if names is None:
        return None
    try:
        return tuple(int(n) for n in names)
    except ValueError:
        fail([f"{field}: expected comma-separated whole numbers, got {text!r}."])
    raise AssertionError("unreachable")


def _progress(event: str, number: int, text: str) -> None:
    if event in {"started", "resumed", "told", "failed", "duplicate"}:
        label = {"started": "measuring", "resumed": "resuming"}.get(event, event)
        console.print(f"trial {number} {label}: {text}", markup=False, highlight=False)


def _note(text: str) -> None:
    console.print(text, markup=False, highlight=False)


@search_app.callback(invoke_without_command=True)
def search_cmd(
    ctx: typer.Context,
    workload: str | None = typer.Option(None, help="Workload to search (e.g. digits-cnn)."),
    machine: str = typer.Option("local", help="Machine id, or several comma-separated."),
    objectives: str = typer.Option(_OBJECTIVES, help="Comma-separated result columns."),
    min_quality_ratio: float = typer.Option(
        0.99, "--min-quality-ratio", help="Accuracy constraint: quality >= ratio x fp32."
    ),
    trials: int = typer.Option(20, help="Distinct configurations to evaluate in the study."),
    sampler: str = typer.Option("tpe", help="tpe, nsga2, gp, random or grid."),
    seed: int | None = typer.Option(None, help="Sampler seed."),
    round_name: str | None = typer.Option(None, "--round", help="Enter the finds in this round."),
    study: str | None = typer.Option(None, help="Study name (default: from the settings)."),
    scenario: str = typer.Option(
        "offline", help="offline (default: throughput), single-stream or server."
    ),
    variants: str | None = typer.Option(None, help="Only these variants (comma-separated)."),
    runtimes: str | None = typer.Option(None, help="Only these runtimes."),
    quantizations: str | None = typer.Option(None, help="Only these quantizations."),
    batch_sizes: str | None = typer.Option(None, "--batch-sizes", help="e.g. 1,8,64."),
    threads: str | None = typer.Option(None, help="intra-op thread counts, e.g. 1,2."),
    graph_optimizations: str | None = typer.Option(None, "--graph-optimizations"),
    calibration_methods: str | None = typer.Option(None, "--calibration-methods"),
    per_channel: bool = typer.Option(True, "--per-channel/--no-per-channel"),
    screening_rules: Path | None = typer.Option(
        None, "--screening-rules", help="Rules file for screening (default: quick rules)."
    ),
    full_rules: Path | None = typer.Option(
        None, "--full-rules", help="Rules file for promoted trials (default: full rules)."
    ),
    no_full: bool = typer.Option(False, "--no-full", help="Screening only, no full runs."),
    eta: int = typer.Option(3, help="Promote the best ceil(trials / eta) to full rules."),
    parallel: int | None = typer.Option(None, help="Trials in flight (default: machines)."),
    backend: str = typer.Option("ray", help="ray (default) or local (subprocess, no Ray)."),
    ray_address: str | None = typer.Option(None, "--ray-address"),
    machine_wait_s: float = typer.Option(60.0, "--machine-wait"),
    export_dir: Path | None = typer.Option(
        None, "--export-dir", help="Write best-<objective>.yaml submission files here."
    ),
) -> None:
    """Search a workload's configurations with Optuna; each trial is a measured submission."""
    if ctx.invoked_subcommand is not None:
        return
    if workload is None:
        fail(["workload: expected --workload NAME (e.g. --workload digits-cnn)."])
    from pydantic import ValidationError

    from tournament.cli.runs import build_rules
    from tournament.schema.validate import pydantic_problems
    from tournament.search import (
        RunOptions,
        SearchInterrupted,
        SearchSettings,
        SpaceSpec,
        run_search,
    )
    from tournament.search.render import print_report

    try:
        settings = SearchSettings(
            workload=str(workload),
            machines=_names(machine) or ("local",),
            objectives=_names(objectives) or (),
            min_quality_ratio=min_quality_ratio,
            scenario=scenario,
            screening_rules=build_rules(screening_rules, True, {}),
            full_rules=None if no_full else build_rules(full_rules, False, {}),
            round_name=round_name or "",
            space=SpaceSpec(
                variants=_names(variants),
                runtimes=_names(runtimes),
                quantizations=_names(quantizations),
                batch_sizes=_ints("batch_sizes", batch_sizes),
                threads=_ints("threads", threads),
                graph_optimizations=_names(graph_optimizations),
                calibration_methods=_names(calibration_methods),
                per_channel=per_channel,
            ),
        )
        options = RunOptions(
            trials=trials,
            sampler=sampler,
            seed=seed,
            eta=eta,
            parallel=parallel,
            backend=backend,
            ray_address=ray_address,
            machine_wait_s=machine_wait_s,
            export_dir=export_dir,
        )
        report = run_search(settings, options, study_name=study, progress=_progress, note=_note)
    except SearchInterrupted:
        console.print("interrupted: run the same command again to resume the study.")
        raise typer.Exit(interrupt_code()) from None
    except ValidationError as exc:
        fail(pydantic_problems(exc))
    except UserError as exc:
        fail(exc.problems, exc.exit_code)
    print_report(console, report)
    _finish(report)


def _finish(report: Any) -> None:
    message = report.infeasible_message()
    if message:
        fail([message], 1)
    if report.stop_reason == "failures":
        fail(
            [
                "stopped: the last trials all failed (errors above); fix the cause and run the "
                "same command again to resume the study."
            ],
            1,
        )
    if report.evaluated and not report.feasible:
        fail(["no trial completed (errors above)."], 1)
    if report.stop_reason == "exhausted":
        console.print("the search space is exhausted: every configuration was evaluated.")
    elif report.stop_reason == "duplicates":
        console.print(
            "stopped early: the sampler kept proposing configurations already "
            "evaluated (the search has converged)."
        )


@search_app.command("status")
def status_cmd(
    name: str = typer.Argument(..., help="Study name."),
    export_dir: Path | None = typer.Option(
        None, "--export-dir", help="Write best-<objective>.yaml submission files here."
    ),
) -> None:
    """Trials done, Pareto set and hypervolume so far of a study."""
    from tournament.search import search_status
    from tournament.search.export import write_exports
    from tournament.search.render import print_report

    try:
        report = search_status(name)
        print_report(console, report)
        if export_dir is not None:
            paths = write_exports(report, export_dir)
            console.print(f"wrote {len(paths)} submission files to {export_dir}")
    except UserError as exc:
        fail(exc.problems, exc.exit_code)
    message = report.infeasible_message()
    if message:
        console.print(message, markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``search`` (run, and ``status``) to the ``tourney`` application."""
    app.add_typer(search_app, name="search")
