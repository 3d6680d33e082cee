"""Glue between machine specs (``hardware``) and the store's ``machines`` table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tournament.errors import UserError

if TYPE_CHECKING:
    from hardware.machine import MachineSpec


def register(store: Any, spec: MachineSpec) -> bool:
    """Store ``spec`` (insert or replace); True if the machine is new."""
    return bool(
        store.upsert_machine(
            spec.id,
            spec.to_dict(),
            spec.price_usd_per_hour,
            spec.tariff_usd_per_kwh,
            spec.instance_type,
            spec.notes,
        )
    )


def spec_of(store: Any, machine_id: str) -> dict[str, Any]:
    """The registered spec of ``machine_id``; ``local`` is detected and registered on first use.

    A detected ``local`` machine has no known price (0 USD/h, noted in the spec) until it is
    registered with ``tourney machines register --detect --price-per-hour P``.
    """
    row = store.machine(machine_id)
    if row is None and machine_id == "local":
        from hardware.detect import detect_local

        register(store, detect_local("local"))
        row = store.machine("local")
    if row is None:
        raise UserError(
            f"machine: {machine_id!r} is not registered; register it with "
            "`tourney machines register`."
        )
    return dict(row["spec"])
