"""Price tables: other prices for registered machines, to recompute costs without measuring.

Format (YAML; machine id -> its price, tariff optional)::

    # prices.yaml
    local:
      price_usd_per_hour: 0.15
      tariff_usd_per_kwh: 0.30   # optional: keep the machine's tariff when left out
      note: my own server, 3-year amortisation   # optional

``tourney results --prices prices.yaml`` applies the table to the stored machine specs and
recomputes :func:`hardware.cost.costs_for`; machines not in the table keep their own prices.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, RootModel

from hardware._yaml import read_mapping, validate
from hardware.cost import costs_for
from hardware.machine import NAME_PATTERN
from tournament.errors import UserError


class MachinePrice(BaseModel):
    """The price of one machine."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    price_usd_per_hour: float = Field(ge=0, le=10_000)
    tariff_usd_per_kwh: float | None = Field(default=None, ge=0, le=10)
    note: str = Field(default="", max_length=500)


class PriceTable(RootModel[dict[str, MachinePrice]]):
    """Machine id -> :class:`MachinePrice`."""

    model_config = ConfigDict(frozen=True)

    def price_of(self, machine_id: str) -> MachinePrice | None:
        return self.root.get(machine_id)

    def apply(self, machine: dict[str, Any]) -> dict[str, Any]:
        """A copy of a machine dict with this table's price and tariff (if it lists it)."""
        price = self.price_of(str(machine.get("id")))
        if price is None:
            return dict(machine)
        updated = dict(machine, price_usd_per_hour=price.price_usd_per_hour)
        if price.tariff_usd_per_kwh is not None:
            updated["tariff_usd_per_kwh"] = price.tariff_usd_per_kwh
        return updated

    def costs_for(self, measurement: dict[str, Any], machine: dict[str, Any]) -> dict[str, Any]:
        """:func:`hardware.cost.costs_for` with this table's prices."""
        return costs_for(measurement, self.apply(machine))


def load_price_table(path: Path | str) -> PriceTable:
    """Read and validate a price table.

    Raises:
        UserError: unreadable file, invalid YAML, a machine id that is not a valid name, or an
            invalid price (naming the file, the machine and the field).
    """
    path = Path(path)
    data = read_mapping(path)
    bad = [str(key) for key in data if not _valid_id(key)]
    if bad:
        raise UserError(
            [
                f"{path}: {key!r} is not a valid machine id (1-64 letters, digits, "
                "'_', '.' or '-', starting with a letter or digit)."
                for key in bad
            ]
        )
    return validate(PriceTable, data, str(path))


def _valid_id(key: Any) -> bool:
    return isinstance(key, str) and re.fullmatch(NAME_PATTERN, key) is not None
