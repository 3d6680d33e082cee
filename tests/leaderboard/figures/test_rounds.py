"""The Rounds page's table and the hypervolume across rounds."""

from __future__ import annotations

from typing import Any

import pandas as pd

from leaderboard.data.queries import rounds_frame
from leaderboard.figures.rounds import (
    hypervolume_across_rounds,
    hypervolume_table,
    round_hypervolumes,
    rounds_table,
)
from tournament.store.readonly import ReadOnlyStore


def test_hypervolume_is_read_as_one_number_or_one_per_frontier() -> None:
    assert round_hypervolumes({"hypervolume": 0.5}) == {"round": 0.5}
    per = {"hypervolume": {"digits/single": 0.5, "minilm/offline": 2, "bad": None}}
    assert round_hypervolumes(per) == {"digits/single": 0.5, "minilm/offline": 2.0}
    assert round_hypervolumes(None) == {}
    assert round_hypervolumes({"hypervolume": float("nan")}) == {}
    assert round_hypervolumes({"hypervolume": True}) == {}


def test_rounds_of_the_seeded_database(seeded: Any, records: Any) -> None:
    with ReadOnlyStore(seeded.url) as store:
        rounds = rounds_frame(store, records.values())
    table = rounds_table(rounds)
    assert table["round"].tolist() == ["r1", "r2"]
    assert table["status"].tolist() == ["closed", "open"]
    assert table["entries"].tolist() == [9, 2]
    assert table["results"].tolist() == [9, 2]
    # r1 was closed by tournament.rounds: one hypervolume per frontier with valid entries
    stored = rounds["ranking"].iloc[0]["hypervolume"]
    assert table["hypervolume"].tolist() == [f"{len(stored)} frontiers", "-"]
    per_frontier = hypervolume_table(rounds)
    assert per_frontier["round"].tolist() == ["r1"] * len(stored)
    assert dict(zip(per_frontier["frontier"], per_frontier["hypervolume"], strict=True)) == stored
    assert "digits-cnn/single-stream/local/99" in stored
    series = hypervolume_across_rounds(rounds)
    assert series.rounds == ["r1"] and set(series.lines) == set(stored)


def test_series_across_rounds_skips_unranked_rounds_and_aligns_frontiers() -> None:
    rounds = pd.DataFrame(
        {
            "name": ["a", "b", "c"],
            "ranking": [{"hypervolume": {"x": 1.0}}, None, {"hypervolume": {"x": 2.0, "y": 3.0}}],
        }
    )
    series = hypervolume_across_rounds(rounds)
    assert series.rounds == ["a", "c"]
    assert series.lines == {"x": [1.0, 2.0], "y": [None, 3.0]}
    assert series.points == 3 and not series.log_scale
    wide = hypervolume_across_rounds(
        rounds.assign(ranking=[{"hypervolume": {"x": 1e-3}}, None, {"hypervolume": {"y": 1e3}}])
    )
    assert wide.log_scale
