"""``tourney run`` and ``results``: a real measurement, all output formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

KEYS = {
    "result_id",
    "team",
    "workload",
    "variant",
    "runtime",
    "quantization",
    "batch_size",
    "scenario",
    "machine",
    "latency_p50_ms",
    "latency_p90_ms",
    "latency_p99_ms",
    "throughput_sps",
    "quality",
    "reference_quality",
    "valid",
    "gflops_per_s",
    "model_size_mb",
    "peak_rss_mb",
    "config_hash",
    "energy_j_per_query",
    "avg_power_w",
    "power_source",
    "cost_usd_per_million",
    "roofline_fraction",
}

EXAMPLES = Path(__file__).parents[3] / "submissions" / "examples"


@pytest.fixture
def measured(tourney: Any) -> Any:
    tourney(
        "submit", str(EXAMPLES / "digits-ort-fp32.yaml"), str(EXAMPLES / "digits-torch-fp32.yaml")
    )
    tourney("run", "--backend", "local", "--quick")
    return tourney


def test_run_then_results_json(measured: Any) -> None:
    rows = json.loads(measured("results", "--format", "json").stdout)
    assert len(rows) == 2
    for row in rows:
        assert set(row) >= KEYS
        assert (
            row["latency_p50_ci_low_ms"] <= row["latency_p50_ms"] <= row["latency_p50_ci_high_ms"]
        )
        assert row["valid"] is True and row["quality"] >= 0.95
        assert row["power_source"] == "estimate-tdp"
    assert {r["runtime"] for r in rows} == {"torch", "onnxruntime"}


def test_results_csv_and_table(measured: Any) -> None:
    rows = list(csv.DictReader(io.StringIO(measured("results", "--format", "csv").stdout)))
    assert len(rows) == 2 and "latency_p99_ms" in rows[0]
    table = measured("results").stdout
    assert "VALID" in table and "digits-cnn/small" in table


def test_second_run_has_nothing_to_do(measured: Any) -> None:
    out = measured("run", "--backend", "local", "--quick").stdout
    assert "nothing to run" in out


def test_bad_rules_exit_2(tourney: Any) -> None:
    proc = tourney("run", "--min-queries", "0", check=False)
    assert proc.returncode == 2
    assert "rules.min_queries:" in proc.stderr


def test_run_through_embedded_ray(tourney: Any) -> None:
    tourney("submit", str(EXAMPLES / "digits-ort-fp32.yaml"))
    tourney("run", "--quick")
    (row,) = json.loads(tourney("results", "--format", "json").stdout)
    assert row["machine"] == "local" and row["valid"]


def test_results_with_a_price_table_recompute_cost(measured: Any, tmp_path: Path) -> None:
    prices = tmp_path / "prices.yaml"
    prices.write_text("local:\n  price_usd_per_hour: 3.6\n  tariff_usd_per_kwh: 0.5\n")
    rows = json.loads(measured("results", "--format", "json", "--prices", str(prices)).stdout)
    for row in rows:
        assert row["price_usd_per_hour"] == 3.6
        assert row["cost_usd_per_million"] == pytest.approx(1000.0 / row["throughput_sps"])
    stored = json.loads(measured("results", "--format", "json").stdout)
    assert all(r["price_usd_per_hour"] != 3.6 for r in stored), "re-pricing must not write"
