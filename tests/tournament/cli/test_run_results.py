"""``tourney run`` and ``results``: a real measurement, all output formats."""

from __future__ import annotations

import csv
import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

KEYS = {
    "result_id",
    "entry",
    "team",
    "workload",
    "variant",
    "runtime",
    "quantization",
    "batch_size",
    "scenario",
    "machine",
    "configuration",
    "quality",
    "quality_metric",
    "reference_quality",
    "valid",
    "invalid_reasons",
    "config_hash",
    "power_source",
    "rules",
    "pricing",
    "figures",
}
FIGURE_KEYS = {"value", "low", "high", "interval", "unit", "provenance", "method", "insufficient"}

EXAMPLES = Path(__file__).parents[3] / "submissions" / "examples"


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Two examples measured once for the module (the tests only read, or find nothing to do)."""
    from .conftest import Tourney

    tourney = Tourney(tmp_path_factory.mktemp("measured-home"))
    tourney(
        "submit", str(EXAMPLES / "digits-ort-fp32.yaml"), str(EXAMPLES / "digits-torch-fp32.yaml")
    )
    tourney("run", "--backend", "local", "--quick")
    return tourney


def test_run_then_results_json(measured: Any) -> None:
    from tournament.results import METRICS

    rows = json.loads(measured("results", "--format", "json").stdout)
    assert len(rows) == 2
    for row in rows:
        assert set(row) >= KEYS
        assert set(row["figures"]) == {m.name for m in METRICS}  # every metric, null if unknown
        p50 = row["figures"]["latency_p50_ms"]
        assert set(p50) == FIGURE_KEYS and p50["unit"] == "ms"
        assert p50["low"] <= p50["value"] <= p50["high"] and p50["provenance"] == "measured"
        energy = row["figures"]["energy_j_per_sample"]
        assert energy["provenance"] == "estimated" and energy["method"]
        assert row["valid"] is True and row["invalid_reasons"] == []
        assert row["quality"] >= 0.95 and row["power_source"] == "estimate-tdp"
    assert {r["runtime"] for r in rows} == {"torch", "onnxruntime"}


def test_results_csv_and_table(measured: Any) -> None:
    from tournament.store.records import FLAT_COLUMNS

    out = measured("results", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 2 and tuple(rows[0]) == FLAT_COLUMNS
    assert float(rows[0]["latency_p99_ms_low"]) <= float(rows[0]["latency_p99_ms"])
    assert rows[0]["energy_j_per_sample_provenance"] == "estimated"
    assert rows[0]["study_name"] == ""  # unknown is empty, never 0
    table = measured("results", env={"COLUMNS": "120"}).stdout
    assert "VALID" in table and "digits-cnn/small" in table
    assert "p50 latency" in table
    assert max(len(line) for line in table.splitlines()) <= 120


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
        assert row["pricing"]["price_usd_per_hour"] == 3.6
        assert row["pricing"]["tariff_usd_per_kwh"] == 0.5
        cost = row["figures"]["cost_usd_per_million"]
        throughput = row["figures"]["throughput_sps"]
        assert cost["value"] == pytest.approx(1000.0 / throughput["value"])
        assert cost["low"] == pytest.approx(1000.0 / throughput["high"])  # interval carried
        assert cost["provenance"] == "derived" and "price table" in cost["method"]
    stored = json.loads(measured("results", "--format", "json").stdout)
    assert all(r["pricing"]["price_usd_per_hour"] != 3.6 for r in stored), (
        "re-pricing must not write"
    )
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text("other:\n  price_usd_per_hour: 3.6\n")
    unlisted = json.loads(
        measured("results", "--format", "json", "--prices", str(elsewhere)).stdout
    )
    assert [r["figures"]["cost_usd_per_million"] for r in unlisted] == [
        r["figures"]["cost_usd_per_million"] for r in stored
    ]


def test_a_result_is_the_aggregate_of_its_interleaved_runs(tourney: Any) -> None:
    """``--runs 3``: three runs per entry in fresh workers, interleaved across entries, shown as
    one result each with intervals over runs (``--each-run``: the runs themselves)."""
    tourney(
        "submit", str(EXAMPLES / "digits-ort-fp32.yaml"), str(EXAMPLES / "digits-torch-fp32.yaml")
    )
    tourney("run", "--backend", "local", "--quick", "--runs", "3")
    each = json.loads(tourney("results", "--format", "json", "--each-run").stdout)
    assert len(each) == 6 and {row["runs"] for row in each} == {1}
    names = [row["name"] for row in sorted(each, key=lambda row: row["result_id"])]
    assert all(a != b for a, b in itertools.pairwise(names)), names  # A B A B A B
    rows = json.loads(tourney("results", "--format", "json").stdout)
    assert len(rows) == 2 and {row["runs"] for row in rows} == {3}
    for row in rows:
        assert len(row["result_ids"]) == 3
        p50 = row["figures"]["latency_p50_ms"]
        assert p50["interval"] == "between-runs" and "mean of 3 runs" in p50["method"]
        runs = [r for r in each if r["result_id"] in row["result_ids"]]
        values = [r["figures"]["latency_p50_ms"]["value"] for r in runs]
        assert p50["value"] == pytest.approx(sum(values) / 3)
        assert p50["low"] <= min(values) or p50["high"] >= max(values)
    table = tourney("results", env={"COLUMNS": "120"}).stdout
    assert "3 runs" in table and "over runs" in table
