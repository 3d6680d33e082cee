"""The Round leaderboard page in AppTest: rows shown, filters changing them, ranks, download."""

from __future__ import annotations

from typing import Any


def _open(app: Any, seeded: Any) -> Any:
    at = app(seeded.url, "leaderboard")
    assert not at.exception
    assert at.title[0].value == "Round leaderboard"
    at.selectbox(key="lb_round").set_value("(any)").run()
    return at


def test_opens_on_the_newest_round_with_results(app: Any, seeded: Any) -> None:
    at = app(seeded.url, "leaderboard")
    assert at.selectbox(key="lb_round").value == "r2"
    assert sorted(at.dataframe[0].value["entry"]) == ["alpha/ort-fp32-r2", "beta/torch-fp16-r2"]
    assert at.caption[0].value == "round r2: 2 of 17 results shown."


def test_all_results_are_listed_with_badges_and_ranks(app: Any, seeded: Any) -> None:
    at = _open(app, seeded)
    table = at.dataframe[0].value
    assert len(table) == 17
    assert set(table["result"]) == set(seeded.result_ids)
    invalid = table["gate"].str.startswith("✗ INVALID: quality ")
    assert invalid.sum() == 2
    assert table.loc[invalid, "rank"].isna().all()
    assert (table["tie group"] != "").sum() == 2
    assert at.caption[0].value == "all results: 17 of 17 results shown."
    assert [m.value for m in at.metric][:2] == ["17", "15"]
    assert at.download_button[0].label == "Download CSV of this table"


def test_filters_change_the_rows(app: Any, seeded: Any) -> None:
    at = _open(app, seeded)
    at.selectbox(key="lb_workload").set_value("minilm-embed").run()
    assert at.dataframe[0].value["entry"].tolist() == ["delta/minilm-ort"]
    at.selectbox(key="lb_workload").set_value("(any)").run()
    at.selectbox(key="lb_league").set_value("search").run()
    assert len(at.dataframe[0].value) == 6
    at.selectbox(key="lb_round").set_value("(outside rounds)").run()
    assert len(at.dataframe[0].value) == 6
    at.selectbox(key="lb_league").set_value("human").run()
    assert at.warning[0].value == "No result matches these filters."
    at.selectbox(key="lb_round").set_value("r2").run()
    assert sorted(at.dataframe[0].value["entry"]) == ["alpha/ort-fp32-r2", "beta/torch-fp16-r2"]


def test_accuracy_class_and_valid_only(app: Any, seeded: Any) -> None:
    at = _open(app, seeded)
    at.checkbox(key="lb_valid").check().run()
    assert len(at.dataframe[0].value) == 15
    at.selectbox(key="lb_class").set_value("99.9% of fp32 reference").run()
    strict = at.dataframe[0].value
    # only the minilm result is within 0.1% of its reference (0.9999 of 1.0)
    assert strict["entry"].tolist() == ["delta/minilm-ort"]
    at.checkbox(key="lb_valid").uncheck().run()
    regated = at.dataframe[0].value
    assert len(regated) == 17 and (regated["gate"] == "✓ VALID").sum() == 1


def test_rank_by_throughput(app: Any, seeded: Any) -> None:
    at = _open(app, seeded)
    at.selectbox(key="lb_scenario").set_value("single-stream").run()
    at.selectbox(key="lb_machine").set_value("local").run()
    at.selectbox(key="lb_rank").set_value("throughput_sps").run()
    table = at.dataframe[0].value
    digits = table[table["configuration"].str.startswith("digits-cnn")]
    assert digits.loc[digits["rank"] == 1, "entry"].tolist() == ["search/trial-5"]


def test_a_closed_round_shows_its_official_standings_first(app: Any, seeded: Any) -> None:
    at = _open(app, seeded)
    at.selectbox(key="lb_round").set_value("r1").run()
    assert [s.value for s in at.subheader] == [
        "Official standings of round r1",
        "Every result of the round, ranked live",
        "Rules: 3 runs · min 200 queries · 0.5 s",
    ]
    official, live = at.dataframe[0].value, at.dataframe[1].value
    assert len(live) == 9
    assert official["frontier"].str.startswith("digits-cnn/").sum() > 0
    at.selectbox(key="lb_machine").set_value("cloud-a").run()
    official = at.dataframe[0].value
    assert set(official["frontier"].str.split("/").str[2]) == {"cloud-a"}
    assert sorted(at.dataframe[1].value["entry"]) == ["gamma/ort-cloud", "gamma/ort-cloud-b8"]
