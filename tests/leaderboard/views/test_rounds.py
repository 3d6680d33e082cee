"""The Rounds page in Streamlit's AppTest on the seeded database."""

from __future__ import annotations

from typing import Any


def test_rounds_page_lists_rounds_and_charts_hypervolume(app: Any, seeded: Any) -> None:
    at = app(seeded.url)  # the default page
    assert not at.exception
    assert at.title[0].value == "Rounds"
    table = at.dataframe[0].value
    assert table["round"].tolist() == ["r1", "r2"]
    assert table["status"].tolist() == ["closed", "open"]
    assert table["entries"].tolist() == [9, 2]
    assert table["hypervolume"].tolist() == ["4 frontiers", "-"]
    assert at.caption[0].value == "2 round(s), 1 closed."
    assert [e.type for e in at.main if e.type == "plotly_chart"] == ["plotly_chart"]
    per_frontier = at.dataframe[1].value
    assert len(per_frontier) == 4 and set(per_frontier["round"]) == {"r1"}
