"""The thin Plotly layer draws exactly the data it is given."""

from __future__ import annotations

import pandas as pd
import pytest

from leaderboard import plots
from leaderboard.figures.latency import latency_cdf, latency_histogram
from leaderboard.figures.pareto import pareto_data
from leaderboard.figures.power import power_trace
from leaderboard.figures.rounds import HypervolumeSeries
from leaderboard.figures.search import HypervolumeHistory


@pytest.fixture
def digits(results: pd.DataFrame) -> pd.DataFrame:
    return results[(results["workload"] == "digits-cnn") & (results["scenario"] == "single-stream")]


def test_pareto_figure_traces(digits: pd.DataFrame) -> None:
    data = pareto_data(digits, "latency_p99_ms", "throughput_sps", color="quality_ratio")
    fig = plots.pareto_figure(data, log_x=True)
    invalid, valid, line, front = fig.data
    assert len(invalid.x) == 2 and invalid.marker.color == plots.GREY
    assert len(valid.x) == len(data.valid) and list(valid.marker.color) == data.valid.colors
    assert list(line.x) == data.step_x and list(line.y) == data.step_y and line.mode == "lines"
    assert list(front.customdata) == data.frontier.result_ids
    assert "2 points" in line.name
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "linear"
    assert fig.layout.xaxis.title.text == "p99 latency (ms/query) (bars: 95% CI within one run)"
    assert "alpha/ort-int8" in "".join(valid.text)


def test_sizes_are_scaled_to_pixels_and_many_points_use_webgl(
    digits: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = pareto_data(digits, "latency_p99_ms", "throughput_sps", size="cost_usd_per_million")
    sizes = list(plots.pareto_figure(data).data[1].marker.size)
    assert min(sizes) >= plots.SIZE_PX[0] and max(sizes) <= plots.SIZE_PX[1]
    monkeypatch.setattr(plots, "WEBGL_ABOVE", 3)
    assert plots.pareto_figure(data).data[1].type == "scattergl"


def test_latency_power_rounds_and_search_figures() -> None:
    latencies = [1.0, 1.1, 1.2, 1.3, 5.0]
    hist = plots.histogram_figure(latency_histogram(latencies, bins=4))
    assert list(hist.data[0].y) == [4, 0, 0, 1, 1]  # the last count closes the step line
    assert list(hist.data[0].x) == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert hist.layout.xaxis.type == "linear"
    cdf = plots.cdf_figure(latency_cdf(latencies), {"p99": 4.8})
    assert list(cdf.data[0].y) == [0.2, 0.4, 0.6, 0.8, 1.0]
    assert cdf.layout.shapes[0].x0 == 4.8
    tail = plots.cdf_figure(latency_cdf([0.01, 0.011, 5.0]), {})
    assert tail.layout.xaxis.type == "log"
    trace = power_trace([(0.0, 3.0), (0.5, 3.2)], "estimate-tdp")
    assert trace is not None
    assert "ESTIMATE" in plots.power_figure(trace).layout.title.text
    rounds = plots.rounds_figure(HypervolumeSeries(["r1", "r2"], {"a": [1.0, None]}))
    assert list(rounds.data[0].x) == ["r1", "r2"]
    search = plots.search_figure(HypervolumeHistory([0, 1], [0.0, 0.5], 2))
    assert list(search.data[0].y) == [0.0, 0.5]
