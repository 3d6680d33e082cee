from __future__ import annotations

import numpy as np
import pytest

from tournament.harness.overhead import bare_loop, harness_overhead_ns, null_predictor


def test_overhead_report_is_consistent() -> None:
    report = harness_overhead_ns(queries=2000, repeats=2)
    assert report["queries"] == 2000 and report["repeats"] == 2
    assert report["predictor"] == "NullPredictor"
    for key in ("bare_loop_ns", "harness_loop_ns", "bare_latency_p50_ns", "null_latency_p50_ns"):
        assert np.isfinite(report[key]) and report[key] > 0
    assert report["overhead_ns"] == pytest.approx(
        report["harness_loop_ns"] - report["bare_loop_ns"]
    )
    assert report["ratio"] == pytest.approx(report["harness_loop_ns"] / report["bare_loop_ns"])
    assert report["latency_bias_ns"] == pytest.approx(
        report["null_latency_p50_ns"] - report["bare_latency_p50_ns"]
    )


def test_bare_loop_times_every_iteration() -> None:
    per_iteration, pair_p50 = bare_loop(500)
    assert per_iteration >= pair_p50 > 0


def test_null_predictor_returns_zeros_of_the_batch() -> None:
    predictor = null_predictor((3,))
    out = predictor.predict({"x": np.ones((1, 8), dtype=np.float32)})
    assert out.shape == (1, 3) and not out.any()


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        harness_overhead_ns(queries=0)
