"""Filters of the pages over the seeded results."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pytest

from leaderboard.filters import (
    NO_ROUND,
    Filters,
    accuracy_classes,
    apply_filters,
    choices,
    class_label,
    most_results,
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
    assert (strict["quality_ratio"] >= 0.999).all()
    # re-gating is a view: the loaded frame keeps its stored gate
    assert int(results["valid"].sum()) == 15


def test_regating_honours_a_lower_is_better_quality_metric(make_result: Any) -> None:
    """A perplexity of 10.05 against a reference of 10.0 keeps 99.5 % (10 / 10.05): valid at
    the 99 % class, invalid at 99.9 %; raw quality >= class x reference would say the reverse."""
    from leaderboard.data.queries import results_frame
    from tournament.results import Quality
    from tournament.store import EntryRef, ResultRecord

    quality = Quality(10.05, "perplexity", False, 10.0, 0.99, "perplexity")
    measured = make_result(quality=quality, figures={"quality_ratio": quality.ratio})
    entry = EntryRef(1, "t", "lm", "tiny-lm", "small", "torch", "fp32", 1, "local", "c" * 64)
    record = ResultRecord(1, 1, 0, None, datetime.now(UTC), entry, measured)
    frame = results_frame([record])
    assert frame["quality_ratio"].item() == pytest.approx(10.0 / 10.05)
    assert bool(apply_filters(frame, Filters(accuracy_class=0.99))["valid"].item())
    assert not bool(apply_filters(frame, Filters(accuracy_class=0.999))["valid"].item())


def test_bad_values_are_user_errors(results: pd.DataFrame) -> None:
    with pytest.raises(UserError, match="league must be"):
        apply_filters(results, Filters(league="robots"))
    with pytest.raises(UserError, match="accuracy class must be in"):
        apply_filters(results, Filters(accuracy_class=1.5))
    with pytest.raises(UserError, match=r"accuracy class must be one of 0\.99, 0\.999"):
        apply_filters(results, Filters(accuracy_class=0.5))


def test_choices(results: pd.DataFrame) -> None:
    assert choices(results, "workload") == ["digits-cnn", "minilm-embed"]
    from tournament import harness

    measured = set(results["scenario"])
    assert choices(results, "scenario") == [n for n in harness.names() if n in measured]
    assert most_results(results, "scenario") == "single-stream"  # 16 of the 17 results
    assert most_results(results.iloc[:0], "scenario") is None
    assert round_choices(results, ["r1", "r2"]) == ["r1", "r2", NO_ROUND]
    assert round_value(NO_ROUND) == "" and round_value("r1") == "r1"
    assert accuracy_classes(results) == [0.99, 0.999]
    assert class_label(0.999) == "99.9% of fp32 reference"
