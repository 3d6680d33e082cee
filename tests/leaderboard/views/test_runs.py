"""The pages on results of several runs under two rules sets (``seeded_runs`` in conftest):
one row per result, rules groups kept apart, contended and insufficient figures flagged."""

from __future__ import annotations

from typing import Any

import pandas as pd

FULL_LABEL = "3 runs · min 200 queries · 0.5 s"
QUICK_LABEL = "quick rules (1 run · min 64 queries · 0.2 s · contention not judged)"


def _captions(at: Any) -> str:
    return "\n".join(str(c.value) for c in at.caption)


def test_leaderboard_one_table_per_rules_group(app: Any, seeded_runs: Any) -> None:
    at = app(seeded_runs.url, "leaderboard")
    assert not at.exception
    assert [s.value for s in at.subheader] == [f"Rules: {FULL_LABEL}", f"Rules: {QUICK_LABEL}"]
    full, quick = at.dataframe[0].value, at.dataframe[1].value
    assert quick["entry"].tolist() == ["gamma/quick"] and quick["rank"].tolist() == [1]
    assert "gamma/quick" not in full["entry"].tolist()
    assert full["rank"].min() == 1  # ranked among themselves: the quick run is not above them
    alpha = full[full["entry"] == "alpha/three-runs"].iloc[0]
    assert alpha["runs"] == 3 and alpha["interval"] == "between 3 runs"
    assert alpha["result"] == seeded_runs.runs["alpha/three-runs"][0]
    delta = full[full["entry"] == "delta/contended"].iloc[0]
    assert pd.isna(delta["rank"]) and delta["gate"].startswith("✗ INVALID: contended: other")
    few = full[full["entry"] == "epsilon/few-p99"].iloc[0]
    assert pd.isna(few["p99 ms"]) and few["p99 95% CI"].startswith("(few) 200 queries")
    assert [m.value for m in at.metric] == ["5", "4", "2", "2"]  # shown, valid, front, groups


def test_pareto_frontier_within_the_chosen_rules(app: Any, seeded_runs: Any) -> None:
    at = app(seeded_runs.url, "pareto")
    assert not at.exception
    text = _captions(at)
    assert f"all measured under the rules {FULL_LABEL}." in text
    assert "2 valid results, 1 invalid (grey), 1 on the frontier" in text
    assert "1 result(s) have one of them from too few queries (few) and are not drawn." in text
    assert "Error bars: 95% CI, x between 3 runs, y between 3 runs." in text
    assert at.dataframe[0].value["entry"].tolist() == ["alpha/three-runs"]
    quick = next(o for o in at.selectbox(key="px_rules").options if o.startswith("quick"))
    at.selectbox(key="px_rules").select(quick).run()
    assert at.dataframe[0].value["entry"].tolist() == ["gamma/quick"]
    assert "x within one run" in _captions(at)


def test_recommend_compares_one_rules_group(app: Any, seeded_runs: Any) -> None:
    at = app(seeded_runs.url, "recommend")
    assert not at.exception
    assert at.caption[0].value.startswith(
        f"How it was chosen: among results measured under the rules {FULL_LABEL} (1 more under "
        "other rules are not compared); 4 stored results"
    )
    # the quick run is the cheapest of all, but not comparable with the full-rules results
    assert not str(at.success[0].value).startswith("Best: **gamma/quick**")
    assert "gamma/quick" not in at.dataframe[0].value["entry"].tolist()


def test_entry_shows_a_result_with_its_runs(app: Any, seeded_runs: Any) -> None:
    ids = seeded_runs.runs["alpha/three-runs"]
    at = app(seeded_runs.url, "entry", result=str(ids[1]))  # addressed by its second run
    assert not at.exception
    listed = ", ".join(f"#{i}" for i in ids)
    assert at.info[0].value.startswith(
        f"Result #{ids[0]} (you opened it by its run #{ids[1]}): the aggregate of 3 runs "
        f"({listed})."
    )
    runs = at.dataframe[0].value
    assert runs["run"].tolist() == ids
    assert runs["contention"].tolist() == ["not measured"] * 3
    p50 = at.metric[0]
    assert "between 3 runs" in p50.help
    assert "From the 600 per-query latencies stored with the result of its 3 runs." in (
        _captions(at)
    )


def test_entry_opens_one_run_alone(app: Any, seeded_runs: Any) -> None:
    ids = seeded_runs.runs["delta/contended"]
    at = app(seeded_runs.url, "entry", run=str(ids[1]))
    assert not at.exception
    assert at.toggle(key="entry_alone").value is True
    assert at.info[0].value.startswith(f"Run #{ids[1]} alone: run 2 of 3 of result #{ids[0]}")
    assert "within one run" in at.metric[0].help
    assert at.error[0].value.startswith("Invalid, not ranked: contended")
    at.toggle(key="entry_alone").set_value(False).run()  # back to the whole result
    assert at.query_params["result"] == str(ids[1])
    contention = at.dataframe[0].value["contention"].tolist()
    assert contention == ["others 5% CPU", "others 80% CPU", "others 10% CPU"]


def test_entry_never_shows_an_insufficient_p99_as_a_number(app: Any, seeded_runs: Any) -> None:
    at = app(seeded_runs.url, "entry", result=str(seeded_runs.runs["epsilon/few-p99"][0]))
    p99 = at.metric[1]
    assert p99.label == "p99 latency (ms/query)" and p99.value == "(few)"
    assert p99.help.startswith("insufficient: 200 queries; MLPerf's early-stopping rule")
    assert at.metric[0].value != "(few)"  # its p50 has the queries it needs
