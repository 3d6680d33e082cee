"""The Entry detail page in AppTest: configuration, environment, latency, power, reproductions."""

from __future__ import annotations

from typing import Any


def _texts(at: Any) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [s.value for s in at.subheader] + [w.value for w in at.warning]
    parts += [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def test_a_reproduced_result_in_full(app: Any, seeded: Any) -> None:
    at = app(seeded.url, "entry", result=str(seeded.reproduced_id))
    assert not at.exception
    assert at.subheader[0].value == "alpha/ort-fp32 ✓ VALID"
    assert at.number_input(key="entry_id").value == seeded.reproduced_id
    text = _texts(at)
    assert "From the 200 per-query latencies stored with the result." in text
    assert "Power source: **ESTIMATE (estimate-tdp)**." in text
    assert "ESTIMATE: these energy figures are modelled" in text
    assert "1 reproduction(s), 1 agreeing with the original." in text
    charts = [e for e in at.main if e.type == "plotly_chart"]
    assert len(charts) == 3  # histogram, CDF, power trace
    runs, reproductions = (d.value for d in at.dataframe)
    assert runs["run"].tolist() == [seeded.reproduced_id]
    assert reproductions["agrees"].tolist() == ["yes"]
    environment = [j.value for j in at.json]
    assert any("test data, not a measurement" in str(v) for v in environment)
    assert any('"runtime": "onnxruntime"' in str(v) for v in environment)
    assert [m.label for m in at.metric] == [
        "p50 latency (ms/query)",
        "p99 latency (ms/query)",
        "throughput (samples/s)",
        "top-1 accuracy",
        "energy (J/query) ESTIMATE",
        "cost (USD/M samples)",
    ]


def test_a_result_without_power_or_reproduction(app: Any, seeded: Any) -> None:
    at = app(seeded.url, "entry")
    at.number_input(key="entry_id").set_value(11).run()  # the minilm result
    assert at.subheader[0].value == "delta/minilm-ort ✓ VALID"
    assert at.query_params["result"] == "11"
    text = _texts(at)
    assert "Power source: **not recorded**." in text
    assert "No power trace was recorded for this result." in text
    assert "No reproduction of this result has been recorded." in text
    assert len([e for e in at.main if e.type == "plotly_chart"]) == 2


def test_defaults_to_the_newest_and_unknown_ids_are_explained(app: Any, seeded: Any) -> None:
    at = app(seeded.url, "entry")
    assert at.number_input(key="entry_id").value == max(seeded.result_ids)
    at.number_input(key="entry_id").set_value(999).run()
    assert at.warning[0].value == "There is no result 999; ids run from 1 to 17."
    assert not at.exception
