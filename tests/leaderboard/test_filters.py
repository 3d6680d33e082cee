"""Filters of the pages over the seeded results."""

from __future__ import annotations

import pandas as pd
import pytest

from leaderboard.filters import (
    NO_ROUND,
    Filters,
    accuracy_classes,
    apply_filters,
    choices,
    class_label,
    round_choices,
    round_value,
)
from tournament.errors import UserError


def test_no_filter_keeps_everything(results: pd.DataFrame) -> None:
    assert len(apply_filters(results, Filters())) == len(results) == 17


@pytest.mark.parametrize(
    ("filters", "count"),
    [
        (Filters(workload="minilm-embed"), 1),
        (Filters(scenario="offline"), 1),
        (Filters(machine="cloud-a"), 2),
        (Filters(round_name="r1"), 9),
        (Filters(round_name="r2"), 2),
        (Filters(round_name=""), 6),
        (Filters(league="search"), 6),
        (Filters(league="human"), 11),
        (Filters(valid_only=True), 15),
        (Filters(workload="digits-cnn", scenario="single-stream", league="human"), 9),
    ],
)
def test_each_filter_narrows_the_rows(results: pd.DataFrame, filters: Filters, count: int) -> None:
    shown = apply_filters(results, filters)
    assert len(shown) == count


def test_a_stricter_accuracy_class_regates(results: pd.DataFrame) -> None:
    stored = apply_filters(results, Filters(valid_only=True))
    strict = apply_filters(results, Filters(accuracy_class=0.999, valid_only=True))
    assert len(strict) < len(stored)
    assert (strict["quality"] >= 0.999 * strict["reference_quality"]).all()
    # re-gating is a view: the loaded frame keeps its stored gate
    assert int(results["valid"].sum()) == 15


def test_bad_values_are_user_errors(results: pd.DataFrame) -> None:
    with pytest.raises(UserError, match="league must be"):
        apply_filters(results, Filters(league="robots"))
    with pytest.raises(UserError, match="accuracy class must be in"):
        apply_filters(results, Filters(accuracy_class=1.5))


def test_choices(results: pd.DataFrame) -> None:
    assert choices(results, "workload") == ["digits-cnn", "minilm-embed"]
    assert choices(results, "scenario") == ["single-stream", "offline"]
    assert round_choices(results, ["r1", "r2"]) == ["r1", "r2", NO_ROUND]
    assert round_value(NO_ROUND) == "" and round_value("r1") == "r1"
    assert accuracy_classes(results) == [0.99, 0.999]
    assert class_label(0.999) == "99.9% of fp32 reference"
