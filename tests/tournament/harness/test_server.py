from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tournament.harness as harness
from tournament.errors import UserError
from tournament.harness.base import Rules
from tournament.harness.server import Server, arrival_offsets_ns, find_peak, target_qps
from tournament.harness.source import ArraySampleSource


def _rules(**update: Any) -> Rules:
    base = Rules(
        warmup_queries=2,
        warmup_s=0,
        min_duration_s=0.05,
        min_queries=40,
        max_duration_s=10,
        server_target_qps=200,
        bootstrap_resamples=200,
    )
    return base.model_copy(update=update)


def test_registry_gives_server() -> None:
    assert isinstance(harness.get("server"), Server)


def test_missing_target_qps_is_a_user_error(counting: Any, source: ArraySampleSource) -> None:
    with pytest.raises(UserError, match=r"rules\.server_target_qps"):
        Server().run(counting, source, 1, Rules.quick())
    with pytest.raises(UserError, match=r"rules\.server_target_qps"):
        target_qps(Rules())
    assert counting.calls == 0


def test_seeded_arrivals_are_reproducible() -> None:
    rules = _rules(min_queries=20_000, server_target_qps=500.0, max_duration_s=1000)
    first, again = arrival_offsets_ns(500.0, rules), arrival_offsets_ns(500.0, rules)
    np.testing.assert_array_equal(first, again)
    other = arrival_offsets_ns(500.0, rules.model_copy(update={"seed": 1}))
    assert not np.array_equal(first[:100], other[:100])
    gaps = np.diff(first)
    assert np.all(gaps >= 0)
    assert gaps.mean() == pytest.approx(1e9 / 500.0, rel=0.05)  # Poisson: mean gap 1/qps
    assert gaps.std() == pytest.approx(gaps.mean(), rel=0.05)  # exponential: sd == mean


def test_schedule_covers_both_minimums_and_stops_at_max() -> None:
    offsets = arrival_offsets_ns(100.0, _rules(min_queries=10, min_duration_s=1.0))
    assert offsets.shape[0] >= 10
    assert offsets[-1] >= 1e9 > offsets[-2]
    offsets = arrival_offsets_ns(100.0, _rules(min_queries=500, min_duration_s=0))
    assert offsets.shape[0] == 500
    capped = arrival_offsets_ns(100.0, _rules(min_queries=10_000, max_duration_s=1.0))
    assert capped[-1] < 1e9
    assert capped.shape[0] < 10_000


def test_light_load_serves_every_query(spin: Any, source: ArraySampleSource) -> None:
    rules = _rules()
    log = Server().run(spin(0.0002), source, 1, rules)
    assert log.scenario == "server"
    assert log.queries == log.extra["scheduled_queries"] >= 40
    assert log.extra["min_rules_met"] is True
    assert log.extra["target_qps"] == 200.0
    assert log.extra["achieved_qps"] == pytest.approx(200.0, rel=0.35)
    assert log.extra["p99_bound_met"] is True
    assert np.all(log.latencies_ns >= 200_000)


def test_latency_counts_queueing_from_scheduled_arrival(
    spin: Any, source: ArraySampleSource
) -> None:
    # 2 ms of service per query at 1000 queries/s: the queue (and latency) keeps growing.
    rules = _rules(server_target_qps=1000.0, min_queries=80, min_duration_s=0)
    log = Server().run(spin(0.002), source, 4, rules)
    lat = log.latencies_ns
    assert log.queries == 80
    assert np.all(lat >= 2_000_000)
    assert lat[-10:].mean() > 3 * lat[:10].mean()
    assert lat[-1] > 30_000_000  # ~80 x (2 ms - 1 ms) of backlog, far above the service time
    assert log.samples == 80 * 4
    assert log.extra["achieved_qps"] < 600.0


def test_p99_bound_is_checked(spin: Any, source: ArraySampleSource) -> None:
    rules = _rules(server_latency_bound_ms=1.0, min_queries=20, min_duration_s=0)
    log = Server().run(spin(0.002), source, 1, rules)
    assert log.extra["p99_ms"] >= 2.0
    assert log.extra["p99_bound_met"] is False


def test_max_duration_cuts_an_overloaded_run(spin: Any, source: ArraySampleSource) -> None:
    rules = _rules(server_target_qps=1000.0, min_queries=1000, min_duration_s=0, max_duration_s=0.1)
    log = Server().run(spin(0.005), source, 1, rules)
    assert log.extra["min_rules_met"] is False
    assert log.queries < log.extra["scheduled_queries"]
    assert log.duration_ns >= 0.1e9


def test_find_peak_brackets_a_known_service_time(spin: Any, source: ArraySampleSource) -> None:
    # 1 ms of service: a queue of one server cannot exceed ~1000 queries/s; with a 15 ms p99
    # bound it should sustain a good fraction of that.
    rules = _rules(min_queries=40, min_duration_s=0.1, server_latency_bound_ms=15.0)
    peak, probes = find_peak(spin(0.001), source, 1, rules, tolerance=0.1)
    assert 100.0 <= peak <= 1100.0  # capacity-bounded above; generous below for load
    assert probes  # the capacity bound is probed first; bisection only if it fails
    assert peak == max((q for q, _, met in probes if met), default=0.0)
    for qps, p99_ms, met in probes:
        assert qps > 0
        assert met == (p99_ms <= 15.0)


def test_find_peak_with_given_bounds(spin: Any, source: ArraySampleSource) -> None:
    rules = _rules(min_queries=20, min_duration_s=0, server_latency_bound_ms=50.0)
    peak, probes = find_peak(spin(0.0005), source, 1, rules, lo=50.0, hi=100.0)
    assert peak == 100.0
    assert probes[0][0] == 100.0
    with pytest.raises(UserError, match="lo"):
        find_peak(spin(0.0005), source, 1, rules, lo=200.0, hi=100.0)
    with pytest.raises(UserError, match="tolerance"):
        find_peak(spin(0.0005), source, 1, rules, hi=100.0, tolerance=0.0)


def test_find_peak_bisects_between_given_bounds(spin: Any, source: ArraySampleSource) -> None:
    # 2 ms of service cannot sustain 2000 queries/s (the queue grows) but easily 100.
    rules = _rules(min_queries=40, min_duration_s=0, server_latency_bound_ms=30.0)
    peak, probes = find_peak(spin(0.002), source, 1, rules, lo=100.0, hi=2000.0, tolerance=0.3)
    assert probes[0][0] == 2000.0 and probes[0][2] is False
    assert probes[1][0] == 100.0 and probes[1][2] is True
    assert len(probes) >= 3
    assert 100.0 <= peak < 2000.0
    assert peak == max(q for q, _, met in probes if met)
