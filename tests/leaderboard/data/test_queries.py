"""The records and frames the pages read."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from leaderboard.data.queries import EXTRA_COLUMNS, result_detail, results_frame
from leaderboard.filters import class_column
from tournament.store import FLAT_COLUMNS, ResultRecord, flat_row
from tournament.store.readonly import ReadOnlyStore


def test_results_frame_has_one_flat_row_per_result(results: pd.DataFrame, seeded: Any) -> None:
    assert results["result_id"].tolist() == seeded.result_ids
    assert list(results.columns[: len(FLAT_COLUMNS)]) == list(FLAT_COLUMNS)
    for column in (*EXTRA_COLUMNS, class_column(0.99), class_column(0.999)):
        assert column in results.columns
    assert results["valid"].dtype == bool
    row = results[results["entry"] == "alpha/ort-int8"].iloc[0]
    assert row["configuration"] == "digits-cnn/small onnxruntime int8-dynamic b1 @local"
    assert row["quality_ratio"] == pytest.approx(0.979 / 0.984)
    assert row["latency_p50_ms_low"] == pytest.approx(0.012 * 0.98)
    assert row["energy_j_per_query_provenance"] == "estimated"
    assert row["round_name"] == "r1" and row["origin"] == "human"
    assert int((results["origin"] == "search").sum()) == 6
    assert results["power_source"].isna().sum() == 1  # the minilm entry recorded no power
    assert bool(row[class_column(0.99)]) and not bool(row[class_column(0.999)])


def test_rows_are_the_records_flat_rows(records: dict[int, ResultRecord]) -> None:
    first = next(iter(records.values()))
    row = results_frame([first]).iloc[0].to_dict()
    expected = flat_row(first)
    assert {k: row[k] for k in ("entry", "scenario", "valid", "latency_p99_ms_high")} == {
        k: expected[k] for k in ("entry", "scenario", "valid", "latency_p99_ms_high")
    }
    assert row["rules"] == dict(first.result.rules)


def test_result_detail_has_everything_of_one_result(seeded: Any) -> None:
    with ReadOnlyStore(seeded.url) as store:
        detail = result_detail(store, seeded.reproduced_id)
        assert detail is not None
        result = detail.result
        assert len(result.latencies_ms) == 200
        assert result.latencies_ms[0] == pytest.approx(0.018, rel=1e-6)
        assert result.environment["note"] == "test data, not a measurement"
        assert result.power_trace == ((0.0, 3.0), (0.1, 3.2), (0.2, 2.9))
        assert detail.config is not None and detail.config["runtime"] == "onnxruntime"
        assert [r.agrees for r in detail.reproductions] == [True]
        assert result_detail(store, 10_000) is None
        machine = store.machine(detail.entry.machine)
        assert machine is not None and machine.price_usd_per_hour == 0.5
