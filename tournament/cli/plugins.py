"""``tourney plugins``: every registered implementation, its target and where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from tournament.cli.app import console, err_console, fail
from tournament.errors import UserError

if TYPE_CHECKING:
    from tournament.plugins import Registry


@dataclass(frozen=True)
class Row:
    """One name of one group, as listed."""

    group: str
    name: str
    target: str
    origin: str
    problem: str | None = None


def plugin_rows(check: bool) -> list[Row]:
    """Every entry of every group; with ``check``, each loaded and its problem (if any) kept.

    Raises:
        PluginError: a ``TOURNEY_PLUGINS`` module does not import.
    """
    from tournament.plugins import import_plugin_modules, registries

    import_plugin_modules()
    rows = []
    for registry in registries():
        problems: dict[str, str | None] = {}
        for entry in registry.entries():
            if check and entry.name not in problems:
                problems[entry.name] = _problem(registry, entry.name)
            rows.append(
                Row(
                    registry.group, entry.name, entry.target, entry.origin, problems.get(entry.name)
                )
            )
    return rows


def _problem(registry: Registry[Any], name: str) -> str | None:
    try:
        registry.load(name)
    except UserError as exc:
        return " ".join(exc.problems)
    return None


def unread_groups() -> list[str]:
    """Sentences for ``tourney.*`` entry-point groups that no registry reads (typos)."""
    from tournament.plugins import GROUPS, declared_groups

    found = sorted(g for g in declared_groups() if g.startswith("tourney."))
    return [
        f"{group}: no registry reads this entry-point group; expected one of: {', '.join(GROUPS)}."
        for group in found
        if group not in GROUPS
    ]


def plugins_cmd(
    check: bool = typer.Option(False, "--check", help="Import every plugin; exit 1 on failure."),
) -> None:
    """List every group's names, their targets and where they came from (distribution or run time).

    With --check, each is imported and checked against its contract; every failure is one sentence
    and the exit code is 1.
    """
    from tournament.plugins import plugin_modules

    try:
        rows = plugin_rows(check)
    except UserError as exc:
        fail(exc.problems, code=1)
    if plugin_modules():
        console.print(f"TOURNEY_PLUGINS: {', '.join(plugin_modules())}", markup=False)
    for group in dict.fromkeys(row.group for row in rows):
        table = Table(title=group, title_justify="left")
        for column in ("name", "target", "from", *(["loads"] if check else [])):
            table.add_column(column, overflow="fold")
        for row in (r for r in rows if r.group == group):
            loads = ["no" if row.problem else "yes"] if check else []
            table.add_row(row.name, row.target, row.origin, *loads)
        console.print(table)
    problems = [row.problem for row in rows if row.problem]
    if not check:
        for line in unread_groups():
            err_console.print(line, markup=False, highlight=False, soft_wrap=True)
    elif problems or unread_groups():
        fail([*dict.fromkeys(problems), *unread_groups()], code=1)


def register(app: typer.Typer) -> None:
    app.command("plugins")(plugins_cmd)
