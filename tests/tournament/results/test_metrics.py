"""The metric table: one definition every column, label and objective derives from."""

from __future__ import annotations

from pathlib import Path

import pytest

from tournament.errors import UserError
from tournament.results import METRICS, Direction, metric
from tournament.results.metrics import markdown_table

DOCS = Path(__file__).resolve().parents[3] / "docs" / "measurement.md"


def test_docs_hold_the_generated_metric_table() -> None:
    text = DOCS.read_text()
    begin, end = "<!-- metrics:begin -->\n", "\n<!-- metrics:end -->"
    table = text[text.index(begin) + len(begin) : text.index(end)]
    assert table == markdown_table(), "regenerate docs/measurement.md's metric table"


def test_names_are_unique_and_carry_their_unit() -> None:
    names = [m.name for m in METRICS]
    assert len(names) == len(set(names))
    suffix = {"ms": "_ms", "samples/s": "_sps", "W": "_w", "MiB": "_mb", "J": "energy_j"}
    for m in METRICS:
        if m.unit in suffix:
            assert suffix[m.unit] in m.name, m.name


def test_unknown_metric_names_the_known_ones() -> None:
    with pytest.raises(UserError, match="unknown metric 'speed'; expected one of: latency_p50_ms"):
        metric("speed")


def test_directions_and_formatting() -> None:
    assert metric("throughput_sps").direction is Direction.MAX
    assert metric("cost_usd_per_million").better(1.0, 2.0)
    assert not metric("quality_ratio").better(0.9, 1.0)
    assert metric("latency_p99_ms").format(None) == "—"
    assert metric("latency_p99_ms").format(float("nan")) == "—"
    assert metric("latency_p99_ms").format(12.34567) == "12.35"
    assert metric("throughput_sps").format(10342.7) == "10,343"
    assert metric("throughput_sps").format(1473.2) == "1,473"
    assert metric("energy_j_per_sample").format(0.00024912) == "0.0002491"
