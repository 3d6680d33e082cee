"""The frames and records the pages read."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from leaderboard.data.queries import RESULT_COLUMNS, SUBMISSION_COLUMNS, result_detail
from leaderboard.data.source import open_read_only


def test_results_frame_has_one_flat_row_per_result(results: pd.DataFrame, seeded: Any) -> None:
    assert results["result_id"].tolist() == seeded.result_ids
    for column in (*RESULT_COLUMNS, *SUBMISSION_COLUMNS, "quality_ratio", "entry", "rules"):
        assert column in results.columns
    assert results["valid"].dtype == bool
    row = results[results["entry"] == "alpha/ort-int8"].iloc[0]
    assert row["configuration"] == "digits-cnn/small onnxruntime int8-dynamic b1 on local"
    assert row["quality_ratio"] == pytest.approx(0.979 / 0.984)
    assert row["round_name"] == "r1" and row["origin"] == "human"
    assert int((results["origin"] == "search").sum()) == 6
    assert results["power_source"].isna().sum() == 1  # the minilm entry recorded no power


def test_result_detail_has_everything_of_one_result(seeded: Any) -> None:
    engine = open_read_only(seeded.url)
    try:
        detail = result_detail(engine, seeded.reproduced_id)
        assert detail is not None
        assert len(detail["latencies_ms"]) == 200
        assert detail["latencies_ms"][0] == pytest.approx(0.018, rel=1e-6)
        assert detail["environment"]["note"] == "test data, not a measurement"
        assert detail["power_trace"] == [[0.0, 3.0], [0.1, 3.2], [0.2, 2.9]]
        assert detail["submission"]["config"]["runtime"] == "onnxruntime"
        assert detail["machine_row"]["price_usd_per_hour"] == 0.5
        assert [r["agrees"] for r in detail["reproductions"]] == [True]
        assert result_detail(engine, 10_000) is None
    finally:
        engine.dispose()
