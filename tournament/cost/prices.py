"""Price tables: other prices for registered machines, to recompute costs without measuring.

Format (YAML or JSON; machine id -> its price, tariff optional)::

    # prices.yaml
    local:
      price_usd_per_hour: 0.15
      tariff_usd_per_kwh: 0.30   # optional: keep the machine's tariff when left out
      note: my own server, 3-year amortisation   # optional
      date: 2026-12-01          # optional: when the price was read (stored with the costs)

``tourney results --prices prices.yaml`` and a round's ``prices:`` apply the table to the
stored machine specs and recompute the cost figures with :func:`tournament.cost.priced`;
machines not in the table keep their own prices. Files are read by the same safe loader as
submissions (size-bounded, no aliases, no duplicate keys, no NaN).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError, field_validator

from tournament.cost.model import pricing_for
from tournament.errors import UserError
from tournament.results.result import Pricing
from tournament.schema.loading import load_document
from tournament.schema.submission import NAME_PATTERN


class MachinePrice(BaseModel):
    """The price of one machine."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    price_usd_per_hour: float = Field(ge=0, le=10_000, allow_inf_nan=False)
    tariff_usd_per_kwh: float | None = Field(default=None, ge=0, le=10, allow_inf_nan=False)
    note: str = Field(default="", max_length=500)
    date: str | None = Field(
        default=None,
        pattern=r"^\d{4}-\d{2}(-\d{2})?$",
        description="When the price was read (YYYY-MM or YYYY-MM-DD).",
    )

    @field_validator("date", mode="before")
    @classmethod
    def _iso(cls, value: Any) -> Any:
        """A YAML date (``2026-11-30`` unquoted) as its ISO text."""
        return value.isoformat() if isinstance(value, datetime.date) else value


class PriceTable(RootModel[dict[str, MachinePrice]]):
    """Machine id -> :class:`MachinePrice`."""

    model_config = ConfigDict(frozen=True)

    def price_of(self, machine_id: str) -> MachinePrice | None:
        """The table's price of ``machine_id``, if it lists it."""
        return self.root.get(machine_id)

    def apply(self, machine: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of a machine dict with this table's price and tariff (if it lists it)."""
        price = self.price_of(str(machine.get("id")))
        if price is None:
            return dict(machine)
        updated = dict(machine, price_usd_per_hour=price.price_usd_per_hour)
        updated["price_source"] = f"price table{': ' + price.note if price.note else ''}"
        updated["price_date"] = price.date
        if price.tariff_usd_per_kwh is not None:
            updated["tariff_usd_per_kwh"] = price.tariff_usd_per_kwh
        return updated

    def pricing(self, machine: Mapping[str, Any], config: Mapping[str, Any]) -> Pricing:
        """:func:`tournament.cost.pricing_for` with this table's prices."""
        return pricing_for(self.apply(machine), config)


def load_price_table(path: Path | str) -> PriceTable:
    """Read and validate a price table.

    Raises:
        UserError: unreadable file, invalid YAML, a machine id that is not a valid name, or an
            invalid price (naming the file, the machine and the field).
    """
    data = load_document(path)
    bad = [str(key) for key in data if not re.fullmatch(NAME_PATTERN, str(key))]
    if bad:
        raise UserError(
            [
                f"{path}: {key!r} is not a valid machine id (1-64 letters, digits, "
                "'_', '.' or '-', starting with a letter or digit)."
                for key in bad
            ]
        )
    try:
        return PriceTable.model_validate(data)
    except ValidationError as exc:
        raise UserError(_problems(exc, str(path))) from None


def _problems(exc: ValidationError, where: str) -> list[str]:
    out = []
    for err in exc.errors(include_url=False):
        field = ".".join(str(p) for p in err["loc"])
        out.append(f"{where}: {field}: {err['msg'][0].lower()}{err['msg'][1:]}.")
    return out
