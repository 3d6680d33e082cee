"""The round life cycle in the database: transitions, frozen specs, entries, closing."""

from __future__ import annotations

from typing import Any

import pytest

from tournament.errors import NotFoundError, StateError, UserError
from tournament.rounds import (
    close_round,
    create_round,
    open_round,
    parse_round_spec,
    require_round,
    submit_to_round,
)
from tournament.store import Store

from .conftest import Cli, entry, spec_data


def test_create_replace_open_freeze(store: Store) -> None:
    spec = parse_round_spec(spec_data())
    assert create_round(store, spec) == "created"
    assert create_round(store, spec) == "unchanged"
    changed = parse_round_spec(spec_data(description="second thoughts"))
    assert create_round(store, changed) == "replaced"  # a draft is not frozen yet
    open_round(store, "flow")
    row = store.round("flow")
    assert row is not None and row.status == "open" and row.opened_at is not None
    with pytest.raises(StateError, match="round flow is open; only a draft round can be opened"):
        open_round(store, "flow")
    with pytest.raises(StateError, match="frozen when it opened"):
        create_round(store, parse_round_spec(spec_data(description="too late")))
    assert store.round("flow").spec["description"] == "second thoughts"  # type: ignore[union-attr]


def test_concurrent_opens_only_one_wins(store: Store) -> None:
    create_round(store, parse_round_spec(spec_data()))
    other = Store(store.url)
    assert store.transition_round("flow", ["draft"], "open")
    assert not other.transition_round("flow", ["draft"], "open")
    with pytest.raises(NotFoundError, match="round nope does not exist"):
        open_round(store, "nope")


def test_entries_need_an_open_round_that_fits(store: Store) -> None:
    create_round(store, parse_round_spec(spec_data()))
    with pytest.raises(StateError, match="round flow is draft"):
        submit_to_round(store, "flow", entry("digits-ort-fp32"))
    open_round(store, "flow")
    first = submit_to_round(store, "flow", entry("digits-ort-fp32"))
    assert first[1] and submit_to_round(store, "flow", entry("digits-ort-fp32")) == (
        first[0],
        False,
    )
    with pytest.raises(UserError, match="workload: round flow measures digits-cnn"):
        submit_to_round(store, "flow", entry("minilm-ort-fp32"))
    ranking = close_round(store, "flow")
    (single, strict) = ranking["groups"]
    assert [g["accuracy_class"] for g in (single, strict)] == ["99", "99.9"]
    assert single["entries"] == [] and single["missing"][0]["reason"] == "never run"
    assert single["hypervolume"] is None and ranking["hypervolume"] == {}
    with pytest.raises(StateError, match="round flow is closed"):
        submit_to_round(store, "flow", entry("digits-torch-fp32"))
    with pytest.raises(StateError, match="round flow is closed"):
        store.add_round_entry(entry("digits-torch-fp32"), "flow")  # the database refuses too
    with pytest.raises(StateError, match="closed already"):
        close_round(store, "flow")


def test_entries_after_closes_at_are_refused(store: Store) -> None:
    spec = parse_round_spec(
        spec_data(opens_at="2020-01-01T00:00:00Z", closes_at="2020-02-01T00:00:00Z")
    )
    create_round(store, spec)
    open_round(store, "flow")
    with pytest.raises(StateError, match="stopped taking entries at 2020-02-01 00:00 UTC"):
        submit_to_round(store, "flow", entry("digits-ort-fp32"))


def test_cli_lifecycle_messages(cli: Cli, tmp_path: Any) -> None:
    import yaml

    path = tmp_path / "flow.yaml"
    path.write_text(yaml.safe_dump(spec_data()))
    assert "round flow: created" in cli("round", "create", str(path)).output
    assert "open (spec sha256" in cli("round", "open", "flow").output
    second = cli("round", "open", "flow", code=1)
    assert isinstance(second.exception, StateError)
    refused = cli("round", "submit", "flow", str(path.parent / "missing.yaml"), code=2)
    assert "missing.yaml: file: no such file." in refused.output
    assert "round flow: open (closed division)" in cli("round", "status", "flow").output
    assert "flow" in cli("round", "list").output


def test_play_round_skips_what_does_not_fit(store: Store) -> None:
    from tournament.rounds import load_round_spec, play_round

    from .conftest import REPO

    demo = load_round_spec(REPO / "submissions" / "rounds" / "demo.yaml")
    spec = demo.model_copy(update={"workloads": {"digits-cnn": demo.workloads["digits-cnn"]}})
    first = play_round(store, spec, [entry("minilm-ort-fp32")], backend="local")
    assert first.name == "demo" and first.entered == []
    assert first.skipped == {
        "baseline/minilm-ort-fp32": [
            "workload: round demo measures digits-cnn, not 'minilm-embed'."
        ]
    }
    assert require_round(store, "demo").status == "closed"
    assert len(first.ranking["groups"]) == 2  # single-stream and offline, one class
    assert play_round(store, spec, [], backend="local").name == "demo-2"
