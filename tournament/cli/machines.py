"""``tourney machines``: detect, register, measure, list, show and remove machines."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from tournament.cli.app import console, echo, fail, open_reader, plain_row

if TYPE_CHECKING:
    from tournament.machines import Machine, MachineSource

machines_app = typer.Typer(help="Registered machines: spec, price, power.", no_args_is_help=True)

PRECISIONS = ("fp32", "bf16", "int8")
"""The precisions ``list`` and ``show`` display (the ones the microbenchmark measures)."""


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
    no_measure: bool = typer.Option(
        False, "--no-measure", help="Skip the peak and bandwidth microbenchmark."
    ),
) -> None:
    """Register machines from YAML files, or this machine with --detect.

    This host is measured (GEMM peaks per precision, triad bandwidth; a few seconds) unless
    --no-measure; a file is measured only when it describes this host (same CPU model and
    threads), otherwise it keeps what it gives.
    """
    from tournament.machines import register, source
    from tournament.store import Store

    if not files and not detect:
        fail(["machines register: give machine YAML files or --detect."])
    chosen = source()
    specs = [_with_price_origin(chosen.load(p), p) for p in files or []]
    if detect:
        specs.append(
            chosen.detect(
                machine_id, instance_type=instance_type, price_usd_per_hour=price_per_hour
            )
        )
    store = Store()
    for spec in specs:
        spec, how = _measured(chosen, spec, skip=no_measure)
        new = register(store, spec)
        echo(
            f"machine {spec.id}: {'registered' if new else 'updated'} "
            f"({spec.cpu_model}, {_price(spec.price_usd_per_hour)}; {how})"
        )


def _with_price_origin(spec: Any, path: Path) -> Any:
    """``spec`` with the file named as its price's source when the file gives a price but not
    where it came from (its date stays unknown unless the file gives ``price_date``)."""
    if spec.price_usd_per_hour is None or spec.price_source:
        return spec
    return spec.model_copy(update={"price_source": f"machine file {path.name}"})


@machines_app.command("measure")
def measure_cmd(machine_id: str = typer.Argument(..., help="Machine id.")) -> None:
    """Measure a registered machine's peaks and bandwidth again, on its own host."""
    from tournament.errors import UserError
    from tournament.machines import register, source
    from tournament.store import Store

    store = Store()
    row = store.machine(machine_id)
    if row is None:
        fail([f"machine: {machine_id!r} is not registered; see `tourney machines list`."])
        return
    chosen = source()
    try:
        spec = chosen.measure(chosen.parse(row.spec, f"machine {machine_id}"))
    except UserError as exc:
        fail(exc.problems)
        return
    register(store, spec)
    console.print(f"machine {machine_id}: measured", markup=False)
    console.print(peaks_table(spec.to_dict()))


@machines_app.command("list")
def list_cmd() -> None:
    """Registered machines, with their measured and nominal fp32 peak."""

    table = Table(title="Machines")
    for col in (
        "id",
        "cpu",
        "threads",
        "memory GB",
        "GPUs",
        "USD/h",
        "USD/kWh",
        "fp32 GFLOP/s nominal",
        "fp32 GFLOP/s measured (1 / N thr)",
        "triad GB/s (N thr)",
        "measured",
    ):
        table.add_column(col)
    for row in open_reader().machines():
        spec = row.spec
        measured = spec.get("measured") or {}
        gemm = (measured.get("gemm") or {}).get("fp32")
        triad = measured.get("triad")
        plain_row(
            table,
            row.id,
            spec.get("cpu_model", "?"),
            str(spec.get("cpu_threads", "?")),
            f"{spec.get('memory_gb', 0):.1f}",
            ", ".join(g["name"] for g in spec.get("gpus", [])) or "-",
            _price(row.price_usd_per_hour),
            f"{row.tariff_usd_per_kwh:g}",
            _num((spec.get("peak_gflops") or {}).get("fp32")),
            f"{_num(gemm['gflops_1'])} / {_num(gemm['gflops_n'])}" if gemm else "not measured",
            _num(triad["gb_s_n"]) if triad else "-",
            str(measured.get("measured_at", "-")),
        )
    console.print(table)


@machines_app.command("show")
def show_cmd(machine_id: str = typer.Argument(..., help="Machine id.")) -> None:
    """One machine: its spec, and its peaks per precision, nominal against measured."""
    row = open_reader().machine(machine_id)
    if row is None:
        fail([f"machine: {machine_id!r} is not registered; see `tourney machines list`."])
        return
    spec = row.spec
    echo(
        f"machine {row.id}: {spec.get('cpu_model', '?')}, {spec.get('cpu_cores', '?')} cores, "
        f"{spec.get('cpu_threads', '?')} threads, {spec.get('memory_gb', 0):.1f} GiB, "
        f"{_price(row.price_usd_per_hour)}"
    )
    console.print(peaks_table(spec))


def peaks_table(spec: Mapping[str, Any]) -> Table:
    """Nominal against measured GEMM peaks per precision, and the triad bandwidth."""
    measured = spec.get("measured") or {}
    gemm = measured.get("gemm") or {}
    n = measured.get("threads", "N")
    nominal_source = "given" if spec.get("peak_source") == "given" else "nominal formula"
    title = (
        f"Peaks: measured {measured.get('measured_at')} (load {measured.get('load_avg_1m')})"
        if measured
        else "Peaks: not measured (the cost model uses the nominal figures)"
    )
    table = Table(title=title)
    for col in ("figure", f"nominal ({nominal_source})", "measured 1 thr", f"measured {n} thr"):
        table.add_column(col)
    table.add_column("kernel")
    nominal = spec.get("peak_gflops") or {}
    for precision in PRECISIONS:
        row = gemm.get(precision)
        unit = "GOP/s" if precision == "int8" else "GFLOP/s"
        table.add_row(
            f"{precision} {unit}",
            _num(nominal.get(precision)),
            _num(row["gflops_1"]) if row else "-",
            _num(row["gflops_n"]) if row else "-",
            f"{row['kernel']} (n={row['size']})" if row else _skipped(measured, precision),
        )
    triad = measured.get("triad")
    if triad:
        table.add_row(
            "triad GB/s",
            "-",
            _num(triad["gb_s_1"]),
            _num(triad["gb_s_n"]),
            f"{triad['kernel']} ({triad['array_mib']:g} MiB arrays)",
        )
    return table


def _measured(chosen: MachineSource, spec: Machine, *, skip: bool) -> tuple[Machine, str]:
    """``spec`` measured on this host when it describes it, and a phrase saying what was done."""
    from tournament.errors import UserError

    if skip:
        return spec, "not measured (--no-measure)"
    host = chosen.detect(spec.id)
    if (spec.cpu_model, spec.cpu_threads) != (host.cpu_model, host.cpu_threads):
        return spec, (
            "not measured: it is not this host (CPU model or threads differ); run "
            f"`tourney machines measure {spec.id}` on it"
        )
    try:
        return chosen.measure(spec), "peaks and bandwidth measured"
    except UserError as exc:
        return spec, f"not measured: {exc.problems[0]}"


def _skipped(measured: Mapping[str, Any], precision: str) -> str:
    if not measured:
        return "not measured"
    reason = (measured.get("skipped") or {}).get(precision)
    return f"failed: {reason}" if reason else "not measured"


def _num(value: Any) -> str:
    return "-" if value is None else f"{float(value):.4g}"


def _price(price: float | None) -> str:
    """A price per hour as a reader should see it; unknown when nobody gave one."""
    return "price unknown" if price is None else f"{price:g} USD/h"
