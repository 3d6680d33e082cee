"""Objectives, settings, study names and run options."""

from __future__ import annotations

import pytest

from tournament.errors import UserError
from tournament.search import RunOptions, SearchSettings, parse_objectives
from tournament.search.samplers import SAMPLERS, make_sampler
from tournament.search.settings import check_study_name


def test_objectives_have_fixed_directions() -> None:
    objectives = parse_objectives("throughput_sps, cost_usd_per_million")
    assert [(o.name, o.maximize) for o in objectives] == [
        ("throughput_sps", True),
        ("cost_usd_per_million", False),
    ]
    with pytest.raises(UserError, match="given more than once"):
        parse_objectives("latency_p50_ms,latency_p50_ms")
    with pytest.raises(UserError, match="at least one"):
        parse_objectives(" , ")


def test_default_study_name_follows_the_settings() -> None:
    a = SearchSettings(workload="digits-cnn")
    assert a.default_study_name() == SearchSettings(workload="digits-cnn").default_study_name()
    b = SearchSettings(workload="digits-cnn", min_quality_ratio=0.995)
    assert a.default_study_name() != b.default_study_name()
    assert a.default_study_name().startswith("digits-cnn-")
    assert a.screening_rules["min_duration_s"] < (a.full_rules or {})["min_duration_s"]


def test_scenarios_are_checked() -> None:
    with pytest.raises(UserError, match="scenario: unknown scenario 'batch'"):
        SearchSettings(workload="digits-cnn", scenario="batch")
    with pytest.raises(UserError) as caught:
        SearchSettings(workload="digits-cnn", scenario="server")
    assert [p.split(":")[0] for p in caught.value.problems] == [
        "screening_rules.server_target_qps",
        "full_rules.server_target_qps",
    ]
    loaded = {"server_target_qps": 50.0}
    SearchSettings(
        workload="digits-cnn", scenario="server", screening_rules=loaded, full_rules=None
    )


def test_study_names_keep_trial_names_valid() -> None:
    assert check_study_name("a" * 48) == "a" * 48
    for bad in ("a" * 49, "-x", "with space", ""):
        with pytest.raises(UserError, match="study: expected 1-48"):
            check_study_name(bad)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"trials": 0}, "trials"),
        ({"eta": 1}, "eta"),
        ({"parallel": 0}, "parallel"),
        ({"backend": "slurm"}, "backend"),
    ],
)
def test_run_options_are_checked(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(UserError, match=message):
        RunOptions(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", SAMPLERS.names())
def test_every_sampler_is_made(name: str) -> None:
    assert make_sampler(name, seed=0, trials=20) is not None
