"""The Pareto explorer's figure data, checked against a brute-force dominance test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from leaderboard.figures.pareto import pareto_data
from tournament.errors import UserError
from tournament.results import BY_NAME


def _dominated(points: np.ndarray, i: int, signs: np.ndarray) -> bool:
    loss = points * signs
    others = np.delete(loss, i, axis=0)
    return bool(((others <= loss[i]).all(axis=1) & (others < loss[i]).any(axis=1)).any())


def _digits_single(results: pd.DataFrame) -> pd.DataFrame:
    return results[(results["workload"] == "digits-cnn") & (results["scenario"] == "single-stream")]


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ("latency_p50_ms", "throughput_sps"),
        ("latency_p99_ms", "cost_usd_per_million"),
        ("energy_j_per_query", "quality_ratio"),
    ],
)
def test_frontier_is_exactly_the_non_dominated_valid_points(
    results: pd.DataFrame, x: str, y: str
) -> None:
    frame = _digits_single(results)
    data = pareto_data(frame, x, y)
    valid = frame[frame["valid"]]
    points = valid[[x, y]].to_numpy(dtype=float)
    signs = np.array([1.0 if BY_NAME[k].direction == "min" else -1.0 for k in (x, y)])
    expected = {
        int(rid) for i, rid in enumerate(valid["result_id"]) if not _dominated(points, i, signs)
    }
    assert set(data.frontier.result_ids) == expected
    assert len(data.valid) == int(frame["valid"].sum())
    assert len(data.invalid) == int((~frame["valid"]).sum()) == 2
    assert data.dropped == 0


def test_invalid_points_never_join_the_frontier(results: pd.DataFrame) -> None:
    frame = _digits_single(results)
    data = pareto_data(frame, "latency_p50_ms", "throughput_sps")
    invalid_ids = set(frame.loc[~frame["valid"], "result_id"])
    # alpha/ort-int8s is the fastest result of all, but fails its gate
    fastest = int(frame.sort_values("latency_p50_ms")["result_id"].iloc[0])
    assert fastest in invalid_ids
    assert fastest in data.invalid.result_ids
    assert not invalid_ids & set(data.frontier.result_ids)


def test_steps_form_a_staircase_through_the_frontier(results: pd.DataFrame) -> None:
    data = pareto_data(_digits_single(results), "latency_p50_ms", "throughput_sps")
    assert len(data.frontier) == 2
    # n points give 2n - 1 vertices; every frontier point is a vertex; x never decreases
    assert len(data.step_x) == len(data.step_y) == 2 * len(data.frontier) - 1
    vertices = set(zip(data.step_x, data.step_y, strict=True))
    assert set(zip(data.frontier.xs, data.frontier.ys, strict=True)) <= vertices
    assert data.step_x == sorted(data.step_x)


def test_colour_size_and_hover_carry_the_configuration(results: pd.DataFrame) -> None:
    frame = _digits_single(results)
    data = pareto_data(
        frame, "latency_p99_ms", "throughput_sps", "quality_ratio", "cost_usd_per_million"
    )
    assert data.valid.colors is not None and len(data.valid.colors) == len(data.valid)
    assert data.valid.sizes is not None and len(data.valid.sizes) == len(data.valid)
    hover = dict(zip(data.valid.result_ids, data.valid.hover, strict=True))
    row = frame[frame["entry"] == "alpha/ort-int8"].iloc[0]
    text = hover[int(row["result_id"])]
    assert "alpha/ort-int8" in text
    assert "onnxruntime int8-dynamic b1 @local" in text
    assert "VALID" in text and "cost (USD/M samples)" in text


def test_energy_is_labelled_estimate(results: pd.DataFrame) -> None:
    data = pareto_data(_digits_single(results), "energy_j_per_query", "throughput_sps")
    assert data.labels["energy_j_per_query"].endswith("ESTIMATE")
    assert data.labels["throughput_sps"] == "throughput (samples/s)"
    assert all("ESTIMATE (estimate-tdp)" in h for h in data.valid.hover)


def test_rows_without_a_figure_are_counted_not_drawn(results: pd.DataFrame) -> None:
    minilm = results[results["workload"] == "minilm-embed"]  # no power recorded
    data = pareto_data(minilm, "energy_j_per_query", "latency_p50_ms")
    assert (len(data.valid), len(data.invalid), data.dropped) == (0, 0, 1)
    assert data.step_x == [] and len(data.frontier) == 0


def test_log_axes_are_possible_only_for_positive_values(results: pd.DataFrame) -> None:
    data = pareto_data(_digits_single(results), "latency_p50_ms", "cost_usd_per_million")
    assert data.positive == {"x": True, "y": True}
    frame = _digits_single(results).assign(cost_usd_per_million=0.0)
    assert pareto_data(frame, "latency_p50_ms", "cost_usd_per_million").positive["y"] is False


def test_unknown_metric_is_a_user_error(results: pd.DataFrame) -> None:
    with pytest.raises(UserError, match="unknown metric 'speed'"):
        pareto_data(results, "latency_p50_ms", "speed")
