"""Round specs: the shipped files, validation sentences, entries, due times."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tournament.errors import UserError
from tournament.rounds.entries import check_entry
from tournament.rounds.load import load_round_spec, parse_round_spec
from tournament.rounds.spec import close_time, closes_due, opens_due
from tournament.store import Store

from .conftest import REPO, entry, spec_data


@pytest.mark.parametrize("name", ["2026-12-cpu-inference.yaml", "demo.yaml"])
def test_shipped_round_specs_are_valid(name: str) -> None:
    spec = load_round_spec(REPO / "submissions" / "rounds" / name, ["local"])
    assert spec.name == Path(name).stem
    assert "digits-cnn" in spec.workloads
    scenario, rules = spec.plan()[0]
    assert scenario == "single-stream" and rules["seed"] == spec.seeds[0]


def test_problems_name_their_fields() -> None:
    bad = spec_data(
        name="bad name",
        division="open",
        workloads={"nope": {}, "digits-cnn": {"variants": ["huge"], "target_ratios": 1.5}},
        scenarios={"server": {"seed": 3}},
        seeds=[1, 1],
        schedule="every day",
    )
    with pytest.raises(UserError) as err:
        parse_round_spec(bad, ["local"])
    text = "\n".join(err.value.problems)
    for field in ("name:", "workloads.digits-cnn.target_ratios", "seeds:", "schedule:"):
        assert field in text
    good_structure = spec_data(
        division="open",
        workloads={"nope": {}, "digits-cnn": {"variants": ["huge"]}},
        scenarios={"server": {"seed": 3}},
        machines=["local", "rack-1"],
        prices={"other": {"price_usd_per_hour": 1.0}},
        opens_at="2026-02-01T00:00:00Z",
        closes_at="2026-01-01T00:00:00Z",
    )
    with pytest.raises(UserError) as err:
        parse_round_spec(good_structure, ["local"])
    assert err.value.problems == [
        "runtimes: an open division accepts any valid configuration; remove runtimes or make "
        "the division closed.",
        "quantizations: an open division accepts any valid configuration; remove "
        "quantizations or make the division closed.",
        "scenarios.server.seed: set seeds at the top level (seeds: [...]).",
        "scenarios.server.server_target_qps: the server scenario needs a target QPS or "
        "server_find_peak: true.",
        "closes_at: expected a time later than opens_at.",
        "prices.other: machine 'other' is not one of the round's machines.",
        "workloads.nope: unknown workload; expected one of: digits-cnn, minilm-embed.",
        "workloads.digits-cnn.variants: unknown variant 'huge'; expected one of: small, wide.",
        "machines: unknown machine 'rack-1'; expected one of: local (register one with "
        "`tourney machines register`).",
    ]


def test_naive_datetimes_and_missing_division_are_refused() -> None:
    data = spec_data(opens_at="2026-01-01T00:00:00")
    del data["division"]
    with pytest.raises(UserError) as err:
        parse_round_spec(data)
    assert any(p.startswith("division: required field") for p in err.value.problems)
    assert any(p.startswith("opens_at:") for p in err.value.problems)


def test_check_entry_closed_division() -> None:
    spec = parse_round_spec(spec_data(runtimes=["onnxruntime"]))
    assert check_entry(spec, entry("digits-ort-fp32")) == []
    assert check_entry(spec, entry("digits-torch-fp32")) == [
        "runtime: the closed division of round flow allows onnxruntime, not 'torch'."
    ]
    problems = check_entry(spec, entry("minilm-ort-int8"))
    assert problems[0] == "workload: round flow measures digits-cnn, not 'minilm-embed'."
    assert problems[-1] == (
        "quantization: the closed division of round flow allows fp32, not 'int8-dynamic'."
    )


def test_due_times_from_dates_and_cron() -> None:
    created = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)
    dated = parse_round_spec(
        spec_data(opens_at="2026-12-01T01:00:00Z", closes_at="2026-12-02T00:00:00Z")
    )
    assert not opens_due(dated, created, datetime(2026, 12, 1, 0, 59, tzinfo=UTC))
    assert opens_due(dated, created, datetime(2026, 12, 1, 1, 0, tzinfo=UTC))
    assert not opens_due(dated, created, datetime(2026, 12, 3, tzinfo=UTC))  # missed: stays shut
    assert closes_due(dated, created, datetime(2026, 12, 2, tzinfo=UTC))
    cron = parse_round_spec(spec_data(schedule="0 6 * * *"))  # opens 06:00, closes next 06:00
    assert not opens_due(cron, created, datetime(2026, 12, 1, 5, 59, tzinfo=UTC))
    assert opens_due(cron, created, datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    opened = datetime(2026, 12, 1, 6, 0, 5, tzinfo=UTC)
    assert close_time(cron, opened) == datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
    assert not closes_due(cron, None, datetime(2030, 1, 1, tzinfo=UTC))


def test_scenarios_and_objectives_come_from_the_registries() -> None:
    from tournament import harness

    bad = spec_data(scenarios={"batch": {}, "single-stream": {}})
    with pytest.raises(UserError) as err:
        parse_round_spec(bad)
    assert err.value.problems == [
        f"scenarios.batch: unknown scenario; expected one of: {', '.join(harness.names())}."
    ]
    workloads = {"digits-cnn": {"hypervolume_reference": {"quality": 0.9}}}
    with pytest.raises(UserError) as err:
        parse_round_spec(spec_data(workloads=workloads))
    (problem,) = err.value.problems
    assert problem.startswith(
        "workloads.digits-cnn.hypervolume_reference: unknown objective(s) quality; expected"
    )
    assert "quality_ratio" in problem and "peak_rss_mb" not in problem


def test_a_stored_spec_with_the_old_quality_objective_still_reads(store: Store) -> None:
    from tournament.rounds.lifecycle import require_round
    from tournament.rounds.load import stored_spec

    data = spec_data("old-round")
    data["workloads"]["digits-cnn"]["hypervolume_reference"] = {"quality": 0.9}
    store.create_round("old-round", data)
    spec = stored_spec(require_round(store, "old-round"))
    assert spec.workloads["digits-cnn"].hypervolume_reference == {"quality_ratio": 0.9}
    with pytest.raises(UserError, match="unknown objective"):
        parse_round_spec(data)  # a new spec file must use today's names


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            {"schedule": "0 0 30 2 *"},
            "schedule: the cron expression '0 0 30 2 *' never fires (no date matches it)",
        ),
        (
            {"workloads": {"digits-cnn": {"hypervolume_reference": {"latency_p90_ms": "nan"}}}},
            "workloads.digits-cnn.hypervolume_reference.latency_p90_ms: input should be a valid "
            "number",
        ),
        (
            {"workloads": {"digits-cnn": {"hypervolume_reference": {"latency_p90_ms": math.inf}}}},
            "workloads.digits-cnn.hypervolume_reference.latency_p90_ms: input should be a finite "
            "number",
        ),
        ({"repeats": True}, "repeats: input should be a valid integer, got True."),
        ({"repeats": "3"}, "repeats: input should be a valid integer, got '3'."),
        ({"seeds": [0, 1.5]}, "seeds.1: input should be a valid integer"),
        (
            {"scenarios": {"offline": {"min_duration_s": 86400, "max_duration_s": 5}}},
            "scenarios.offline: max_duration_s: expected at least min_duration_s (86400 s), got "
            "5 s",
        ),
        (
            {"scenarios": {"offline": {"max_duration_s": 5000, "timeout_s": 5}}},
            "scenarios.offline: timeout_s: expected at least max_duration_s (5000 s), got 5 s",
        ),
        (
            {"scenarios": {"offline": {"min_queries": "1024"}}},
            "scenarios.offline.min_queries: input should be a valid integer, got '1024'.",
        ),
        (
            {"scenarios": {"server": {"server_find_peak": "yes"}}},
            "scenarios.server.server_find_peak: input should be a valid boolean, got 'yes'.",
        ),
    ],
)
def test_specs_are_strict_finite_and_consistent(change: dict[str, Any], problem: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_round_spec({**spec_data(name="strict"), **change})
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems
