"""``tourney machines``: detect, register, list and remove machines."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from tournament.cli.app import console, fail

machines_app = typer.Typer(help="Registered machines: spec, price, power.", no_args_is_help=True)


@machines_app.command("detect")
def detect_cmd(
    machine_id: str = typer.Option("local", "--id", help="Id to give this machine."),
    price_per_hour: float | None = typer.Option(None, "--price-per-hour", help="USD/hour."),
    instance_type: str | None = typer.Option(
        None, "--instance-type", help="Take price and power from the catalogue."
    ),
) -> None:
    """Print this machine's spec as YAML (CPU model, cores, flags, memory, GPUs, peak FLOP/s)."""
    import yaml

    from tournament.machines import source

    spec = source().detect(
        machine_id, instance_type=instance_type, price_usd_per_hour=price_per_hour
    )
    typer.echo(yaml.safe_dump(spec.to_dict(), sort_keys=False))


@machines_app.command("register")
def register_cmd(
    files: list[Path] = typer.Argument(None, help="Machine YAML files."),
    detect: bool = typer.Option(False, "--detect", help="Register this machine as detected."),
    machine_id: str = typer.Option("local", "--id", help="Id for --detect."),
    price_per_hour: float | None = typer.Option(None, "--price-per-hour", help="USD/hour."),
    instance_type: str | None = typer.Option(
        None, "--instance-type", help="Catalogue entry for price and power."
    ),
) -> None:
    """Register machines from YAML files, or this machine with --detect."""
    from tournament.machines import register, source
    from tournament.store import Store

    if not files and not detect:
        fail(["machines register: give machine YAML files or --detect."])
    specs = [source().load(p) for p in files or []]
    if detect:
        specs.append(
            source().detect(
                machine_id, instance_type=instance_type, price_usd_per_hour=price_per_hour
            )
        )
    store = Store()
    for spec in specs:
        new = register(store, spec)
        console.print(
            f"machine {spec.id}: {'registered' if new else 'updated'} "
            f"({spec.cpu_model}, {_price(spec.price_usd_per_hour)})",
            markup=False,
        )


@machines_app.command("list")
def list_cmd() -> None:
    """Registered machines."""
    from tournament.store import Store

    table = Table(title="Machines")
    for col in (
        "id",
        "cpu",
        "threads",
        "memory GB",
        "GPUs",
        "USD/h",
        "USD/kWh",
        "peak fp32 GFLOP/s",
    ):
        table.add_column(col)
    for row in Store().machines():
        spec = row.spec
        table.add_row(
            row.id,
            spec.get("cpu_model", "?"),
            str(spec.get("cpu_threads", "?")),
            f"{spec.get('memory_gb', 0):.1f}",
            ", ".join(g["name"] for g in spec.get("gpus", [])) or "-",
            _price(row.price_usd_per_hour),
            f"{row.tariff_usd_per_kwh:g}",
            f"{spec.get('peak_gflops', {}).get('fp32', 0):.0f}",
        )
    console.print(table)


@machines_app.command("remove")
def remove_cmd(machine_id: str = typer.Argument(..., help="Machine id.")) -> None:
    """Unregister a machine (stored results keep their figures)."""
    from tournament.store import Store

    Store().delete_machine(machine_id)
    console.print(f"machine {machine_id}: removed")


def _price(price: float | None) -> str:
    """A price per hour as a reader should see it; unknown when nobody gave one."""
    return "price unknown" if price is None else f"{price:g} USD/h"
