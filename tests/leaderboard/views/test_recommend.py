"""The Recommend page in AppTest: sliders and choices change the recommendation."""

from __future__ import annotations

from typing import Any


def _best(at: Any) -> str:
    return str(at.success[0].value)


def test_default_recommendation_and_reasons(app: Any, seeded: Any) -> None:
    at = app(seeded.url, "recommend")
    assert not at.exception
    assert at.selectbox(key="rec_scenario").value == "single-stream"
    assert _best(at).startswith("Best: **search/trial-5**")
    assert at.caption[0].value.startswith(
        "How it was chosen: among results measured under the rules 3 runs · min 200 queries · "
        "0.5 s; 15 stored results of workload digits-cnn, scenario single-stream, "
        "13 configurations; 11 of them are valid (minimum rules, accuracy gate, scenario rule)"
    )
    assert "lowest cost (USD/M samples)" in at.markdown[-1].value
    table = at.dataframe[0].value
    assert table["entry"].tolist()[0] == "search/trial-5"
    assert table["choice"].tolist() == ["best", "runner-up"]


def test_constraints_change_the_answer(app: Any, seeded: Any) -> None:
    at = app(seeded.url, "recommend")
    at.selectbox(key="rec_objective").set_value("latency").run()
    assert _best(at).startswith("Best: **alpha/ort-int8**")
    at.slider(key="rec_ratio").set_value(0.995).run()  # int8 keeps 99.49%: out
    assert _best(at).startswith("Best: **gamma/ort-cloud**")
    at.selectbox(key="rec_machine").set_value("local").run()
    assert _best(at).startswith("Best: **search/trial-1**")
    at.slider(key="rec_p99").set_value(0.01).run()
    assert not at.success
    assert at.warning[0].value.startswith("No valid configuration meets these constraints")
