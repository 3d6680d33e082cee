"""Draw a :class:`SearchReport` with rich tables (the thin layer over :mod:`.report`)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from tournament.search.report import SearchReport, TrialInfo
from tournament.search.space import describe


def _num(value: Any) -> str:
    return "-" if value is None else f"{float(value):.4g}"


def _label(trial: TrialInfo) -> str:
    return describe(trial.config) if trial.config else "?"


def summary_line(report: SearchReport) -> str:
    """``study NAME: 12 evaluated of 1288 configurations, ...``."""
    states: dict[str, int] = {}
    for trial in report.trials:
        states[trial.state.lower()] = states.get(trial.state.lower(), 0) + 1
    duplicates = sum(1 for t in report.trials if t.source == "duplicate")
    counts = ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
    return (
        f"study {report.study_name}: {report.evaluated} configurations evaluated of "
        f"{report.space_size} in the space ({len(report.trials)} trials: {counts}; "
        f"{duplicates} duplicates); {len(report.feasible)} feasible; hypervolume "
        f"{report.hypervolume:.4f}"
    )


def pareto_table(report: SearchReport) -> Table:
    """The feasible Pareto set: screening values, and full-rule values where measured."""
    objectives = report.settings.objectives
    table = Table(
        title=f"Pareto set ({len(report.pareto)} trials, screening rules; "
        "full-rule values in brackets)"
    )
    estimated = {name for trial in report.pareto for name in trial.estimated}
    headers = [f"{o} (estimate)" if o in estimated else o for o in objectives]
    for column in ("trial", "configuration", *headers, "quality ratio"):
        table.add_column(column, justify="left" if column == "configuration" else "right")
    for trial in report.pareto:
        cells = [str(trial.number), _label(trial)]
        for i, name in enumerate(objectives):
            cell = _num((trial.values or ())[i])
            if trial.full is not None:
                cell += f" [{_num(trial.full.value(name))}]"
            cells.append(cell)
        cells.append(_num(trial.quality_ratio))
        table.add_row(*cells)
    return table


def history_table(report: SearchReport) -> Table:
    """Hypervolume after each trial that raised it (normalised; reference 1.1 per axis)."""
    table = Table(title="Hypervolume history (normalised objectives, reference 1.1)")
    table.add_column("after trial", justify="right")
    table.add_column("evaluated", justify="right")
    table.add_column("hypervolume", justify="right")
    last = -1.0
    for i, (number, value) in enumerate(report.history, start=1):
        if value > last or i == len(report.history):
            table.add_row(str(number), str(i), f"{value:.4f}")
            last = value
    return table


def best_table(report: SearchReport) -> Table:
    """The best feasible trial of each objective."""
    table = Table(title="Best feasible configuration per objective")
    for column in ("objective", "trial", "configuration", "screening", "full rules", "submission"):
        table.add_column(
            column, justify="left" if column in ("objective", "configuration") else "right"
        )
    for name, trial in report.best.items():
        index = report.settings.objectives.index(name)
        full = trial.full.value(name) if trial.full is not None else None
        table.add_row(
            name,
            str(trial.number),
            _label(trial),
            _num((trial.values or ())[index]),
            _num(full),
            str(trial.submission_id or "-"),
        )
    return table


def print_report(console: Console, report: SearchReport) -> None:
    """Summary, Pareto set, hypervolume history, bests, and notes."""
    for note in report.notes:
        console.print(f"note: {note}", markup=False, highlight=False)
    console.print(summary_line(report), markup=False, highlight=False)
    if report.pareto:
        console.print(pareto_table(report))
    if report.history:
        console.print(history_table(report))
    if report.best:
        console.print(best_table(report))
    for trial in report.trials:
        if trial.state == "FAIL" and trial.counted and trial.error:
            console.print(
                f"trial {trial.number} failed: {trial.error.splitlines()[0]}",
                markup=False,
                highlight=False,
            )
