"""Machines: their contract, where they come from (``tourney.machines``), the store's table.

The core reads machines through :class:`~tournament.machines.base.Machine` and gets them from
the registered :class:`~tournament.machines.base.MachineSource` named ``default`` (``hardware``
in this distribution: detection, YAML files, the spec model).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tournament.errors import UserError
from tournament.machines.base import Machine, MachineSource
from tournament.plugins import Registry

if TYPE_CHECKING:
    from tournament.store.contract import StoreWriter

MACHINE_SOURCES: Registry[MachineSource] = Registry(
    "tourney.machines", MachineSource, kind="machine source"
)
"""Machine sources by name (entry-point group ``tourney.machines``); the core uses ``default``."""

DEFAULT_SOURCE = "default"

AUTO_MEASUREMENT_MAX_AGE_S = 86_400.0
"""The auto-registration of ``local`` reuses a measurement of this host up to a day old."""


def source() -> MachineSource:
    """The machine source the core uses (the one registered as ``default``)."""
    return MACHINE_SOURCES.get(DEFAULT_SOURCE)


def register(store: StoreWriter, spec: Machine) -> bool:
    """Store ``spec`` (insert or replace); True if the machine is new."""
    return store.upsert_machine(
        spec.id,
        spec.to_dict(),
        spec.price_usd_per_hour,
        spec.tariff_usd_per_kwh,
        spec.instance_type,
        spec.notes,
    )


def spec_of(store: StoreWriter, machine_id: str) -> dict[str, Any]:
    """The registered spec of ``machine_id``; ``local`` is detected and registered on first use.

    A detected ``local`` machine has no known price (unknown, noted in the spec) until it is
    registered with ``tourney machines register --detect --price-per-hour P``. Its peaks and
    bandwidth are measured (:meth:`MachineSource.measure`), reusing a measurement of this host
    at most :data:`AUTO_MEASUREMENT_MAX_AGE_S` old.
    """
    row = store.machine(machine_id)
    if row is None and machine_id == "local":
        chosen = source()
        register(
            store, chosen.measure(chosen.detect("local"), max_age_s=AUTO_MEASUREMENT_MAX_AGE_S)
        )
        row = store.machine("local")
    if row is None:
        raise UserError(
            f"machine: {machine_id!r} is not registered; register it with "
            "`tourney machines register`."
        )
    return dict(row.spec)


__all__ = [
    "AUTO_MEASUREMENT_MAX_AGE_S",
    "DEFAULT_SOURCE",
    "MACHINE_SOURCES",
    "Machine",
    "MachineSource",
    "register",
    "source",
    "spec_of",
]
