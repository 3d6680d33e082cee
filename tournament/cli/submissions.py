"""``tourney workloads``, ``validate`` and ``submit``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from tournament.cli.app import console, fail
from tournament.errors import UserError

if TYPE_CHECKING:
    from tournament.store.contract import StoreReader, StoreWriter


def known_machines() -> list[str]:
    """Registered machine ids plus ``local`` (always available: detected on use)."""
    from tournament.store import Store

    return sorted({"local", *(m.id for m in Store().machines())})


def workloads_cmd() -> None:
    """List workloads, variants, metrics, runtimes and the quantizations each runtime can do."""
    from tournament import runtimes, workloads
    from tournament.schema import QuantizationOptions
    from tournament.schema.submission import Quantization

    table = Table(title="Workloads")
    for col in ("workload", "variants", "quality metric", "default target"):
        table.add_column(col)
    for name in workloads.names():
        wl = workloads.get(name)
        table.add_row(
            name,
            ", ".join(wl.variants),
            wl.metric.name,
            f"{wl.default_target_ratio:g} x fp32 reference",
        )
    console.print(table)
    matrix = Table(title="Valid runtime x quantization combinations (CPU execution provider)")
    matrix.add_column("runtime")
    for q in Quantization:
        matrix.add_column(q.value)
    for rt_name in runtimes.names():
        rt = runtimes.get(rt_name)
        cells = []
        for q in Quantization:
            ok = not rt.check(q, rt.options_model(), QuantizationOptions())
            cells.append("yes" if ok else "-")
        matrix.add_row(rt_name, *cells)
    console.print(matrix)


def validate_cmd(
    files: list[Path] = typer.Argument(..., help="Submission files (YAML or JSON)."),
) -> None:
    """Check submission files; prints FILE: field: problem lines and exits 2 on any error."""
    from tournament.schema.validate import display_path, load_submission

    machines = known_machines()
    problems: list[str] = []
    for path in files:
        try:
            sub = load_submission(path, machines)
            console.print(
                f"{display_path(path)}: ok ({sub.workload}/{sub.variant} {sub.runtime} "
                f"{sub.quantization.value} batch {sub.batch_size}, "
                f"config {sub.config_hash[:12]})",
                markup=False,
                highlight=False,
            )
        except UserError as exc:
            problems += exc.problems
    if problems:
        fail(problems)


def round_entry_problems(
    store: StoreReader, round_name: str, subs: list[tuple[Path, Any]]
) -> list[str]:
    """Why any of ``subs`` may not enter the round (checked for all before storing any)."""
    from tournament.rounds.entries import check_entry
    from tournament.rounds.lifecycle import require_round
    from tournament.rounds.load import stored_spec
    from tournament.schema.validate import display_path

    spec = stored_spec(require_round(store, round_name))
    return [f"{display_path(path)}: {p}" for path, sub in subs for p in check_entry(spec, sub)]


def entry_identity_problems(
    store: StoreWriter, round_name: str, subs: list[tuple[Path, Any]]
) -> list[str]:
    """Why any of ``subs`` may not be entered: a name its team uses for another configuration,
    or a configuration its team entered under another name (stored or among ``subs``)."""
    from tournament.schema.validate import display_path

    found = store.entry_problems([sub for _, sub in subs], round_name=round_name)
    return [f"{display_path(path)}: {p}" for (path, _), p in zip(subs, found, strict=True) if p]


def sharing_note(store: StoreReader, round_name: str, sub_id: int, config_hash: str) -> str:
    """``; measured once for it and team/name #id, ...`` when other entries share the
    configuration, else ""."""
    others = [
        f"{s.label} #{s.id}"
        for s in store.submissions(round_name=round_name)
        if s.config_hash == config_hash and s.id != sub_id
    ]
    return f"; measured once for it and {', '.join(others)}" if others else ""


def submit_cmd(
    files: list[Path] = typer.Argument(..., help="Submission files (YAML or JSON)."),
    round_name: str = typer.Option("", "--round", help="Enter the submissions into this round."),
) -> None:
    """Validate and store submissions (all or nothing); resubmitting a file is idempotent."""
    from tournament.schema.validate import display_path, load_submission
    from tournament.store import Store

    machines = known_machines()
    subs, problems = [], []
    for path in files:
        try:
            subs.append((path, load_submission(path, machines)))
        except UserError as exc:
            problems += exc.problems
    store = Store()
    if round_name and not problems:
        problems = round_entry_problems(store, round_name, subs)
    if not problems:
        problems = entry_identity_problems(store, round_name, subs)
    if problems:
        fail(problems)
    for path, sub in subs:
        if round_name:
            from tournament.rounds.entries import submit_to_round

            sub_id, created = submit_to_round(store, round_name, sub, source_file=str(path))
        else:
            sub_id, created = store.add_submission(sub, source_file=str(path))
        state = "submitted" if created else "already submitted"
        shared = sharing_note(store, round_name, sub_id, sub.config_hash)
        console.print(
            f"{display_path(path)}: {state} as #{sub_id} (config {sub.config_hash[:12]}{shared})",
            markup=False,
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    app.command("workloads")(workloads_cmd)
    app.command("validate")(validate_cmd)
    app.command("submit")(submit_cmd)
