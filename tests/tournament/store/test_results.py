"""Results: recorded once per run, read back as flat rows and as one detailed record."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tournament.errors import NotFoundError
from tournament.measurement import Measurement
from tournament.schema import Submission
from tournament.store import COST_FIELDS, Store

MakeSubmission = Callable[..., Submission]
MakeMeasurement = Callable[..., Measurement]

COSTS = {
    "price_usd_per_hour": 0.10,
    "tariff_usd_per_kwh": 0.20,
    "cost_usd_per_million": 0.0556,
    "energy_cost_usd_per_million": 0.002,
    "peak_gflops": 100.0,
    "roofline_fraction": 0.001,
}


def _measured(
    store: Store,
    sub: Submission,
    measurement: Measurement,
    *,
    round_name: str = "",
    origin: str = "human",
) -> int:
    sub_id, _ = store.add_submission(sub, round_name=round_name, origin=origin)
    rules = measurement.rules
    (run_id,) = store.queue_runs(measurement.scenario, rules, submission_ids=[sub_id])
    assert store.claim_run(run_id, "w")
    return store.finish_run(run_id, measurement.as_dict(), COSTS)


def test_finish_run_twice_records_one_result(
    store: Store, make_submission: MakeSubmission, make_measurement: MakeMeasurement
) -> None:
    store.add_submission(make_submission())
    (run_id,) = store.queue_runs("single-stream", {"min_queries": 200})
    store.claim_run(run_id, "w")
    first = store.finish_run(run_id, make_measurement(2.0))
    second = store.finish_run(run_id, make_measurement(9.0))
    assert first == second
    assert store.counts()["results"] == 1
    assert store.result(first)["latency_p50_ms"] == 2.0
    assert store.run(run_id)["status"] == "done"


def test_finish_run_checks_its_input(
    store: Store, make_submission: MakeSubmission, make_measurement: MakeMeasurement
) -> None:
    store.add_submission(make_submission())
    (run_id,) = store.queue_runs("offline", {})
    with pytest.raises(ValueError, match="scenario 'single-stream' is not the scenario"):
        store.finish_run(run_id, make_measurement())
    with pytest.raises(ValueError, match="unknown cost fields"):
        store.finish_run(run_id, make_measurement(scenario="offline"), {"usd": 1.0})
    with pytest.raises(ValueError, match="not a Measurement"):
        store.finish_run(run_id, {"scenario": "offline"})
    with pytest.raises(NotFoundError, match="run 7 does not exist"):
        store.finish_run(7, make_measurement())
    assert store.counts()["results"] == 0
    assert store.run(run_id)["status"] == "queued"


def test_flat_rows_have_submission_fields_and_every_scalar(
    store: Store, make_submission: MakeSubmission, make_measurement: MakeMeasurement
) -> None:
    sub = make_submission(quantization="int8-dynamic", batch_size=4)
    measurement = make_measurement(3.0, batch_size=4, energy_j=None, power_source=None)
    result_id = _measured(store, sub, measurement)
    (row,) = store.results()
    assert row["result_id"] == result_id
    expected = {
        "team": "team-a",
        "name": "entry-1",
        "workload": "digits-cnn",
        "variant": "small",
        "runtime": "onnxruntime",
        "quantization": "int8-dynamic",
        "batch_size": 4,
        "scenario": "single-stream",
        "machine": "local",
        "config_hash": sub.config_hash,
        "round_name": "",
        "origin": "human",
        "repeat": 0,
        "latency_p50_ms": 3.0,
        "latency_p50_ci_low_ms": pytest.approx(2.94),
        "latency_p50_ci_high_ms": pytest.approx(3.06),
        "latency_p99_ci_high_ms": pytest.approx(3.3),
        "throughput_ci_low_sps": pytest.approx(330.0),
        "valid": True,
        "energy_j": None,
        "power_source": None,
        "energy_j_per_query": pytest.approx(1.5 / 200),
        **COSTS,
    }
    assert {key: row[key] for key in expected} == expected
    assert set(COST_FIELDS) <= set(row)
    assert "latencies" not in row and "environment" not in row


def test_result_detail_round_trips_the_measurement(
    store: Store, make_submission: MakeSubmission, make_measurement: MakeMeasurement
) -> None:
    sub = make_submission()
    measurement = make_measurement(2.5)
    result_id = _measured(store, sub, measurement)
    detail = store.result(result_id)
    assert detail["config"] == sub.config()
    assert detail["document"]["team"] == "team-a"
    assert detail["rules"] == measurement.rules
    assert detail["environment"] == measurement.environment
    assert detail["artifact_details"] == measurement.artifact_details
    assert detail["extra"] == measurement.extra
    assert detail["power_trace"] == measurement.power_trace
    assert detail["latencies_ms"] == pytest.approx(measurement.latencies_ms, rel=1e-6)
    assert len(detail["latencies_ms"]) == 200
    assert detail["reproductions"] == []
    assert detail["created_at"].tzinfo is not None
    with pytest.raises(NotFoundError, match="result 42 does not exist"):
        store.result(42)


def test_results_filters(
    store: Store, make_submission: MakeSubmission, make_measurement: MakeMeasurement
) -> None:
    a = _measured(store, make_submission(), make_measurement(1.0))
    b = _measured(
        store,
        make_submission(team="team-b", machine="box", batch_size=2),
        make_measurement(2.0, valid=False),
        round_name="r1",
    )
    c = _measured(
        store,
        make_submission(batch_size=4),
        make_measurement(3.0, scenario="offline"),
        origin="search",
    )

    def ids(**filters: object) -> list[int]:
        return [row["result_id"] for row in store.results(**filters)]  # type: ignore[arg-type]

    assert ids() == [c, b, a]
    assert ids(valid=True) == [c, a]
    assert ids(valid=False) == [b]
    assert ids(machine="box") == ids(team="team-b") == ids(round_name="r1") == [b]
    assert ids(round_name="") == [c, a]
    assert ids(scenario="offline") == ids(origin="search") == [c]
    assert ids(workload="digits-cnn", scenario="single-stream", valid=True) == [a]
    assert ids(workload="minilm-embed") == []
    assert ids(limit=2) == [c, b]


def test_reproductions_are_listed_with_the_result(
    store: Store, make_submission: MakeSubmission, make_measurement: MakeMeasurement
) -> None:
    original = _measured(store, make_submission(), make_measurement(2.0))
    again = _measured(store, make_submission(batch_size=2), make_measurement(2.1))
    report = {"latency_p50_ms": {"old": 2.0, "new": 2.1, "agrees": True}}
    rep_id = store.add_reproduction(original, report, agrees=True, new_result_id=again)
    (listed,) = store.result(original)["reproductions"]
    assert (listed["id"], listed["new_result_id"], listed["agrees"]) == (rep_id, again, True)
    assert listed["report"] == report
    with pytest.raises(NotFoundError, match="result 99 does not exist"):
        store.add_reproduction(99, report, agrees=False)
