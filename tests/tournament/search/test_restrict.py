"""A round's division limits the search (its frozen spec, read from the store)."""

from __future__ import annotations

from typing import Any

import pytest

from tournament.errors import NotFoundError, StateError, UserError
from tournament.rounds.lifecycle import close_round, create_round, open_round
from tournament.rounds.load import parse_round_spec
from tournament.search import SearchSettings, SpaceSpec
from tournament.search.restrict import restrict, round_limits
from tournament.search.session import with_round
from tournament.store import Store

CLOSED: dict[str, Any] = {
    "name": "r1",
    "division": "closed",
    "runtimes": ["onnxruntime"],
    "quantizations": ["fp32", "int8-static"],
    "workloads": {"digits-cnn": {"variants": ["small"]}},
    "scenarios": {"offline": {"min_duration_s": 5.0, "min_queries": 64}},
    "seeds": [7],
}


def _round(store: Store, data: dict[str, Any], *, opened: bool = True) -> None:
    create_round(store, parse_round_spec(data))
    if opened:
        open_round(store, data["name"])


def test_closed_division_narrows_the_space_and_sets_full_rules() -> None:
    store = Store()
    _round(store, CLOSED)
    settings = with_round(store, SearchSettings(workload="digits-cnn", round_name="r1"))
    assert settings.space.runtimes == ("onnxruntime",)
    assert settings.space.quantizations == ("fp32", "int8-static")
    assert settings.space.variants == ("small",)
    full = settings.full_rules or {}
    assert (full["min_duration_s"], full["min_queries"], full["seed"]) == (5.0, 64, 7)


def test_an_open_division_leaves_runtimes_and_quantizations_free() -> None:
    store = Store()
    data = {k: v for k, v in CLOSED.items() if k not in ("runtimes", "quantizations")}
    _round(store, {**data, "name": "o1", "division": "open", "workloads": {"digits-cnn": {}}})
    settings = with_round(store, SearchSettings(workload="digits-cnn", round_name="o1"))
    assert settings.space == SpaceSpec()


def test_choices_outside_the_round_are_refused() -> None:
    store = Store()
    _round(store, CLOSED)
    limits = round_limits(store, "r1", "digits-cnn", "offline")
    with pytest.raises(UserError, match=r"runtimes: 'torch' not allowed in round 'r1' \(closed"):
        restrict(SpaceSpec(runtimes=("torch",)), limits, "digits-cnn", ("local",), "offline")
    with pytest.raises(UserError, match="workload: 'minilm-embed' not allowed"):
        restrict(SpaceSpec(), limits, "minilm-embed", ("local",), "offline")
    with pytest.raises(UserError, match="scenario: 'single-stream' not allowed"):
        restrict(SpaceSpec(), limits, "digits-cnn", ("local",), "single-stream")


def test_rounds_that_take_no_entries_are_refused() -> None:
    store = Store()
    with pytest.raises(NotFoundError, match="round: 'nope' does not exist"):
        round_limits(store, "nope", "digits-cnn", "offline")
    _round(store, {**CLOSED, "name": "draft"}, opened=False)
    with pytest.raises(StateError, match="is draft"):
        round_limits(store, "draft", "digits-cnn", "offline")
    _round(store, {**CLOSED, "name": "old"})
    close_round(store, "old")
    with pytest.raises(StateError, match="is closed"):
        round_limits(store, "old", "digits-cnn", "offline")
