"""Cost: one cost model (machine time and energy per million samples, roofline) and prices."""

from __future__ import annotations

from tournament.cost.model import (
    COST_FIGURES,
    cost_usd_per_million,
    costs,
    energy_cost_usd_per_million,
    precision_of,
    priced,
    pricing_for,
)
from tournament.cost.roofline import Bound, bound_of, interpolate

__all__ = [
    "COST_FIGURES",
    "Bound",
    "bound_of",
    "cost_usd_per_million",
    "costs",
    "energy_cost_usd_per_million",
    "interpolate",
    "precision_of",
    "priced",
    "pricing_for",
]
