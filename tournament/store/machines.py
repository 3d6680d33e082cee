"""Machines: the registry of where configurations run and what an hour there costs."""

from __future__ import annotations

import math
import re
from typing import Any

from sqlalchemy import func, select

from tournament.errors import NotFoundError, UserError
from tournament.schema.submission import NAME_PATTERN
from tournament.store.base import ReadBase, StoreBase
from tournament.store.models import MachineRow
from tournament.store.records import MachineRecord
from tournament.store.retry import retrying


class MachinesReads(ReadBase):
    """Reads the ``machines`` table (the writable and the read-only store)."""

    def machine(self, id: str) -> MachineRecord | None:
        """One machine; None if it is not registered."""
        with self._read() as session:
            row = session.get(MachineRow, id)
            return None if row is None else machine_of(row)

    def machines(self) -> list[MachineRecord]:
        """Every registered machine, by id."""
        with self._read() as session:
            query = select(MachineRow).order_by(MachineRow.id)
            return [machine_of(row) for row in session.scalars(query)]


def machine_of(row: MachineRow) -> MachineRecord:
    """The frozen record of a ``machines`` row."""
    return MachineRecord(
        id=row.id,
        spec=row.spec,
        price_usd_per_hour=row.price_usd_per_hour,
        tariff_usd_per_kwh=row.tariff_usd_per_kwh,
        instance_type=row.instance_type,
        notes=row.notes,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class MachinesPart(MachinesReads, StoreBase):
    """Writes the ``machines`` table (reads: :class:`MachinesReads`)."""

    @retrying
    def upsert_machine(
        self,
        id: str,
        spec: dict[str, Any],
        price_usd_per_hour: float | None,
        tariff_usd_per_kwh: float,
        instance_type: str | None = None,
        notes: str = "",
    ) -> bool:
        """Register machine ``id`` or replace its spec and prices; True if it was new.

        ``price_usd_per_hour`` None means unknown: the costs of its results are then unknown.

        Raises:
            UserError: ``id`` is not a valid name, differs only in case from a registered
                machine's, or a price is negative or not finite.
        """
        _check(id, price_usd_per_hour, tariff_usd_per_kwh)
        values = {
            "spec": spec,
            "price_usd_per_hour": price_usd_per_hour,
            "tariff_usd_per_kwh": tariff_usd_per_kwh,
            "instance_type": instance_type,
            "notes": notes,
        }
        with self._write() as session:
            row = session.get(MachineRow, id)
            if row is None:
                twin = session.scalars(
                    select(MachineRow.id).where(func.lower(MachineRow.id) == id.lower())
                ).first()
                if twin is not None:
                    raise UserError(
                        f"machine id {id!r} differs only in case from the registered machine "
                        f"{twin!r}; machine ids are case-insensitive: use {twin!r} or another id."
                    )
                session.add(MachineRow(id=id, **values))
                return True
            for key, value in values.items():
                setattr(row, key, value)
            return False

    @retrying
    def delete_machine(self, id: str) -> None:
        """Unregister a machine (its results keep the prices they were computed with).

        Raises:
            NotFoundError: no machine has this id.
        """
        with self._write() as session:
            row = session.get(MachineRow, id)
            if row is None:
                raise NotFoundError(f"machine {id} does not exist")
            session.delete(row)


def _check(id: str, price_usd_per_hour: float | None, tariff_usd_per_kwh: float) -> None:
    problems = []
    if not re.match(NAME_PATTERN, id):
        problems.append(
            f"machine id {id!r} must be 1-64 letters, digits, '_', '.' or '-', "
            "starting with a letter or digit."
        )
    for field, value in (
        ("price_usd_per_hour", price_usd_per_hour),
        ("tariff_usd_per_kwh", tariff_usd_per_kwh),
    ):
        if value is not None and not (math.isfinite(value) and value >= 0):
            problems.append(f"{field} must be a finite number >= 0, not {value!r}.")
    if problems:
        raise UserError(problems)
