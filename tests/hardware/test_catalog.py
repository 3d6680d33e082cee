"""The bundled price catalogue: complete, dated, sourced; lookups and errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hardware.catalog import CATALOG_PATH, load_catalog, lookup
from tournament.errors import NotFoundError, UserError


def test_catalogue_entries_are_dated_and_sourced() -> None:
    catalog = load_catalog()
    assert 10 <= len(catalog) <= 20
    assert {entry.provider for entry in catalog.values()} == {"aws", "gcp", "azure"}
    for name, entry in catalog.items():
        assert entry.instance_type == name
        assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", entry.price_date), name
        assert entry.source.startswith("https://") and "pricing" in entry.source, name
        assert entry.price_usd_per_hour > 0 and entry.cpu_max_w > entry.cpu_idle_w, name
        if entry.gpu:
            assert entry.gpu_count >= 1 and entry.gpu_max_w > entry.gpu_idle_w > 0, name


def test_file_header_says_prices_must_be_rechecked() -> None:
    text = CATALOG_PATH.read_text()
    assert "MUST BE RE-CHECKED" in text and "NOT fetched" in text


def test_lookup_exact_and_case_insensitive() -> None:
    assert lookup("g6.xlarge").gpu == "NVIDIA L4"
    assert lookup("standard_d2s_v5").instance_type == "Standard_D2s_v5"


def test_unknown_type_lists_known_ones() -> None:
    with pytest.raises(NotFoundError) as info:
        lookup("z9.huge")
    message = str(info.value)
    assert "'z9.huge'" in message and "c7i.large" in message and "g2-standard-4" in message


def test_invalid_catalogue_names_entry_and_field(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(
        "x1.small:\n  provider: aws\n  region: us-east-1\n  price_usd_per_hour: -1\n"
        "  vcpus: 2\n  memory_gb: 4\n  cpu_idle_w: 1\n  cpu_max_w: 8\n"
        "  price_date: last year\n  source: https://example.com/pricing\n"
    )
    with pytest.raises(UserError) as info:
        load_catalog(path)
    problems = info.value.problems
    assert any("entry x1.small" in p and "'price_usd_per_hour'" in p for p in problems)
    assert any("'price_date'" in p for p in problems)
