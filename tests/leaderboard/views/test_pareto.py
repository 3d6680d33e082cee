"""The Pareto explorer page in AppTest: point and frontier counts, axes and filters."""

from __future__ import annotations

from typing import Any

import pandas as pd

from leaderboard.figures.pareto import pareto_data


def _caption(at: Any) -> str:
    return str(at.caption[0].value)


def test_frontier_counts_match_the_figure_data(
    app: Any, seeded: Any, results: pd.DataFrame
) -> None:
    at = app(seeded.url, "pareto")
    assert not at.exception
    assert at.title[0].value == "Pareto explorer"
    digits = results[
        (results["workload"] == "digits-cnn") & (results["scenario"] == "single-stream")
    ]
    data = pareto_data(digits, "latency_p99_ms", "throughput_sps")
    assert _caption(at) == (
        f"digits-cnn, single-stream: {len(data.valid)} valid results, {len(data.invalid)} "
        f"invalid (grey), {len(data.frontier)} on the frontier, all measured under the rules "
        "3 runs · min 200 queries · 0.5 s. Error bars: 95% CI, x within one run, y within one run."
    )
    assert (len(data.valid), len(data.invalid), len(data.frontier)) == (13, 2, 2)
    front = at.dataframe[0].value
    assert front["result"].tolist() == data.frontier.result_ids
    assert "plotly_chart" in {e.type for e in at.main}


def test_axes_and_filters_change_the_frontier(app: Any, seeded: Any) -> None:
    at = app(seeded.url, "pareto")
    at.selectbox(key="px_y").set_value("quality_ratio").run()
    assert "13 valid results, 2 invalid (grey), 3 on the frontier" in _caption(at)
    at.selectbox(key="px_machine").set_value("cloud-a").run()
    assert "1 valid results, 0 invalid (grey), 1 on the frontier" in _caption(at)
    at.selectbox(key="px_scenario").set_value("offline").run()
    assert _caption(at).startswith("digits-cnn, offline, on cloud-a: 1 valid")


def test_same_metric_twice_and_missing_energy(app: Any, seeded: Any) -> None:
    at = app(seeded.url, "pareto")
    at.selectbox(key="px_x").set_value("throughput_sps").run()
    assert at.warning[0].value == "Choose two different metrics for x and y."
    at.selectbox(key="px_x").set_value("energy_j_per_query").run()
    at.selectbox(key="px_workload").set_value("minilm-embed").run()
    assert "1 result(s) lack one of the chosen figures" in _caption(at)
    assert at.warning[0].value == "No result with these figures matches the filters."


def test_log_axis_toggle_on_positive_values(app: Any, seeded: Any) -> None:
    at = app(seeded.url, "pareto")
    at.toggle(key="px_logx").set_value(True).run()
    assert not at.warning and not at.exception
