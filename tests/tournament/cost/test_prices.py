"""Price tables: loading, validation sentences, pricing with the table's prices."""

from __future__ import annotations

from pathlib import Path

import pytest

from tournament.cost.prices import load_price_table
from tournament.errors import UserError
from tournament.results.result import Pricing

REPO = Path(__file__).resolve().parents[3]
MACHINE = {
    "id": "test-vm",
    "price_usd_per_hour": 0.15,
    "tariff_usd_per_kwh": 0.15,
    "peak_gflops": {"fp32": 192.0},
}


def test_price_table_prices_the_machines_it_lists(tmp_path: Path) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text(
        "test-vm:\n  price_usd_per_hour: 0.72\n  tariff_usd_per_kwh: 0.30\n  note: owned\n"
        "other:\n  price_usd_per_hour: 9\n"
    )
    table = load_price_table(path)
    pricing = table.pricing(MACHINE, {"quantization": "fp32"})
    assert (pricing.price_usd_per_hour, pricing.tariff_usd_per_kwh) == (0.72, 0.30)
    assert pricing.peak_gflops == 192.0 and pricing.source == "price table: owned"
    assert pricing.price_date is None  # the table did not say when
    unlisted = MACHINE | {"id": "unlisted"}
    assert table.apply(unlisted) == unlisted
    assert table.pricing(unlisted, {}).price_usd_per_hour == 0.15


def test_a_dated_price_carries_its_date_to_the_result(tmp_path: Path) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text("test-vm:\n  price_usd_per_hour: 0.72\n  date: 2026-11-30\n  note: list\n")
    pricing = load_price_table(path).pricing(MACHINE, {"quantization": "fp32"})
    assert (pricing.source, pricing.price_date) == ("price table: list", "2026-11-30")
    assert Pricing.from_dict(pricing.to_dict()) == pricing
    path.write_text("test-vm:\n  price_usd_per_hour: 0.72\n  date: last week\n")
    with pytest.raises(UserError, match="date"):
        load_price_table(path)


def test_a_table_without_tariff_keeps_the_machines(tmp_path: Path) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text("test-vm:\n  price_usd_per_hour: 1.0\n")
    pricing = load_price_table(path).pricing(MACHINE, {})
    assert (pricing.price_usd_per_hour, pricing.tariff_usd_per_kwh) == (1.0, 0.15)


def test_committed_price_table_example_loads() -> None:
    path = REPO / "hardware" / "prices.example.yaml"
    assert load_price_table(path).price_of("local") is not None


def test_invalid_price_table(tmp_path: Path) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text("local:\n  price_usd_per_hour: -2\n  currency: EUR\n")
    with pytest.raises(UserError) as info:
        load_price_table(path)
    text = " ".join(info.value.problems)
    assert "local.price_usd_per_hour:" in text and "local.currency:" in text
    path.write_text("bad id:\n  price_usd_per_hour: 1\n")
    with pytest.raises(UserError, match="'bad id' is not a valid machine id"):
        load_price_table(path)
