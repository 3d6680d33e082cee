"""Tie groups: entries whose intervals overlap the group leader's share its rank."""

from __future__ import annotations

import pytest

from tournament.ranking.ties import tie_groups
from tournament.results import Estimate


def estimates(values: list[float], lows: list[float], highs: list[float]) -> list[Estimate]:
    return [Estimate(v, lo, hi) for v, lo, hi in zip(values, lows, highs, strict=True)]


def test_lower_is_better_with_overlaps() -> None:
    values = [10.0, 5.0, 5.5, 8.0, 20.0]
    lows = [9.0, 4.0, 5.2, 5.8, 19.0]
    highs = [11.0, 6.0, 6.5, 9.0, 21.0]
    # sorted: 5.0 (leader, rank 1), 5.5 overlaps -> 1, 8.0 overlaps 5.0's [4, 6] -> 1,
    # 10.0 does not overlap [4, 6] -> leads at position 4, 20.0 -> 5.
    assert tie_groups(estimates(values, lows, highs), higher_is_better=False) == [4, 1, 1, 1, 5]


def test_leader_only_no_chains() -> None:
    chain = estimates([1.0, 2.0, 3.0], [0.5, 1.4, 2.4], [1.5, 2.6, 3.5])
    # B overlaps A; C overlaps B but not A: C leads a new group.
    assert tie_groups(chain, higher_is_better=False) == [1, 1, 3]


def test_higher_is_better_and_missing_intervals() -> None:
    exact = [Estimate(v) for v in (100.0, 300.0, 300.0, 200.0)]
    assert tie_groups(exact, higher_is_better=True) == [4, 1, 1, 3]


def test_touching_intervals_tie() -> None:
    assert tie_groups(estimates([1.0, 1.2], [0.9, 1.1], [1.1, 1.3]), False) == [1, 1]


def test_errors() -> None:
    with pytest.raises(ValueError, match="NaN"):
        tie_groups([Estimate(float("nan"))], higher_is_better=True)
    assert tie_groups([], higher_is_better=True) == []
