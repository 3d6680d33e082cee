"""The official standings of a closed round, flattened from its stored ranking."""

from __future__ import annotations

from typing import Any

import pytest

from leaderboard.data.queries import rounds_frame
from leaderboard.filters import Filters
from leaderboard.standings import has_standings, standings_table
from tournament.store.readonly import ReadOnlyStore


@pytest.fixture(scope="module")
def ranking(seeded: Any, records: Any) -> dict[str, Any]:
    with ReadOnlyStore(seeded.url) as store:
        frame = rounds_frame(store, records.values())
    stored: dict[str, Any] = frame.set_index("name").loc["r1", "ranking"]
    return stored


def test_only_rankings_with_groups_have_standings(ranking: dict[str, Any]) -> None:
    assert has_standings(ranking)
    assert not has_standings(None) and not has_standings({"hypervolume": 0.4})


def test_every_entry_of_every_group_is_listed_as_stored(ranking: dict[str, Any]) -> None:
    table = standings_table(ranking, Filters())
    assert len(table) == sum(len(g["entries"]) for g in ranking["groups"])
    group = next(
        g for g in ranking["groups"] if g["frontier"] == "digits-cnn/single-stream/local/99"
    )
    mine = table[table["frontier"] == group["frontier"]]
    assert mine["entry"].tolist() == [f"{e['team']}/{e['name']}" for e in group["entries"]]
    assert mine["rank"].tolist()[:1] == [1]
    assert set(mine["ranked on"]) == {"p90 latency (ms/query)"}  # single-stream's primary
    invalid = mine[mine["gate"].str.startswith("✗ INVALID")]
    assert invalid["entry"].tolist() == ["alpha/ort-int8s"]
    assert "quality" in invalid["gate"].iloc[0]  # the stored reason


def test_filters_pick_groups(ranking: dict[str, Any]) -> None:
    everything = standings_table(ranking, Filters())
    local = standings_table(ranking, Filters(workload="digits-cnn", machine="local"))
    assert 0 < len(local) < len(everything)
    assert set(local["frontier"].str.split("/").str[2]) == {"local"}
    strict = standings_table(ranking, Filters(accuracy_class=0.999))
    assert set(strict["frontier"].str.endswith("/99.9")) == {True}
    assert standings_table(ranking, Filters(valid_only=True))["gate"].eq("✓ VALID").all()
