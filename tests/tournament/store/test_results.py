"""Results: recorded once per run through one path, read back as frozen records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import FrozenInstanceError

import pytest

from tournament.cost import priced
from tournament.errors import NotFoundError, StateError
from tournament.results import METRICS, Estimate, IntervalKind, Pricing, Provenance, Result
from tournament.schema import Submission
from tournament.store import ResultRecord, Store
from tournament.store.figures import FIGURE_COLUMNS
from tournament.store.models import ResultRow

MakeSubmission = Callable[..., Submission]
MakeResult = Callable[..., Result]

PRICING = Pricing(0.10, 0.20, 100.0, precision="int8", device="cpu", source="test data")


def _measured(
    store: Store,
    sub: Submission,
    result: Result,
    *,
    round_name: str = "",
    origin: str = "human",
) -> int:
    sub_id, _ = store.add_submission(sub, round_name=round_name, origin=origin)
    (run_id,) = store.queue_runs(result.scenario, dict(result.rules), submission_ids=[sub_id])
    assert store.claim_run(run_id, "w")
    return store.record_result(run_id, priced(result, PRICING))


def test_record_result_twice_records_one_result(
    store: Store, make_submission: MakeSubmission, make_result: MakeResult
) -> None:
    store.add_submission(make_submission())
    (run_id,) = store.queue_runs("single-stream", {"min_queries": 200})
    store.claim_run(run_id, "w")
    first = store.record_result(run_id, make_result(2.0))
    second = store.record_result(run_id, make_result(9.0))
    assert first == second
    assert store.counts()["results"] == 1
    assert store.result(first).value("latency_p50_ms") == 2.0
    assert store.run(run_id).status == "done"


def test_record_result_checks_its_input(
    store: Store, make_submission: MakeSubmission, make_result: MakeResult
) -> None:
    store.add_submission(make_submission())
    (run_id,) = store.queue_runs("offline", {})
    with pytest.raises(ValueError, match="scenario 'single-stream' is not the scenario"):
        store.record_result(run_id, make_result())
    with pytest.raises(NotFoundError, match="run 7 does not exist"):
        store.record_result(7, make_result())
    with pytest.raises(ValueError, match="not in the metric table"):
        make_result(figures={"speed": 1.0})
    assert store.counts()["results"] == 0
    assert store.run(run_id).status == "queued"


def test_a_closed_round_takes_no_late_result(
    store: Store, make_submission: MakeSubmission, make_result: MakeResult
) -> None:
    store.create_round("r1", {"name": "r1"})
    store.set_round_status("r1", "open")
    sub_id, _ = store.add_submission(make_submission(), round_name="r1")
    (run_id,) = store.queue_runs("single-stream", {}, submission_ids=[sub_id])
    store.set_round_status("r1", "closed")
    with pytest.raises(StateError, match="round r1 is closed"):
        store.record_result(run_id, make_result())
    assert store.counts()["results"] == 0


def test_every_figure_round_trips_with_its_interval_and_provenance(
    store: Store, make_submission: MakeSubmission, make_result: MakeResult
) -> None:
    sub = make_submission(quantization="int8-dynamic", batch_size=4)
    result = make_result(3.0, batch_size=4, figures={"energy_j": None})
    result_id = _measured(store, sub, result)
    (record,) = store.results()
    assert isinstance(record, ResultRecord)
    assert record.result_id == result_id
    assert record.entry.label == "team-a/entry-1"
    assert (record.entry.quantization, record.entry.batch_size) == ("int8-dynamic", 4)
    assert record.entry.config_hash == sub.config_hash
    stored, sent = record.result, priced(result, PRICING)
    assert stored.figures.keys() == sent.figures.keys()
    for name, estimate in sent.figures.items():
        assert stored.figures[name] == pytest.approx(estimate), name
    assert record.figure("energy_j") is None  # unknown stays unknown, never 0
    cost = record.figure("cost_usd_per_million")
    assert cost is not None and cost.provenance is Provenance.DERIVED
    assert cost.interval is IntervalKind.PROPAGATED and cost.unit == "USD"
    energy = record.figure("energy_j_per_sample")
    assert energy is not None and energy.provenance is Provenance.ESTIMATED
    assert stored.pricing == PRICING
    assert record.result.latencies_ms == ()  # listing leaves the bulky parts out
    with pytest.raises(FrozenInstanceError):
        record.result_id = 3  # type: ignore[misc]


def test_figure_columns_follow_the_metric_table() -> None:
    columns = {c.name for c in ResultRow.__table__.columns}
    for m in METRICS:
        assert {m.name, f"{m.name}_low", f"{m.name}_high"} <= columns
    assert len(FIGURE_COLUMNS) == 3 * len(METRICS)


def test_result_detail_round_trips_the_result(
    store: Store, make_submission: MakeSubmission, make_result: MakeResult
) -> None:
    sub = make_submission()
    result = make_result(2.5)
    result_id = _measured(store, sub, result)
    detail = store.result(result_id)
    assert detail.config == sub.config()
    assert detail.document is not None and detail.document["team"] == "team-a"
    got = detail.result
    assert got.rules == result.rules
    assert got.environment == result.environment
    assert got.artifact == result.artifact
    assert got.extra == result.extra
    assert got.power_trace == result.power_trace
    assert got.latencies_ms == pytest.approx(result.latencies_ms, rel=1e-6)
    assert got.quality == result.quality
    assert detail.reproductions == ()
    assert detail.created_at.tzinfo is not None
    with pytest.raises(NotFoundError, match="result 42 does not exist"):
        store.result(42)


def test_results_filters(
    store: Store, make_submission: MakeSubmission, make_result: MakeResult
) -> None:
    a = _measured(store, make_submission(), make_result(1.0))
    store.create_round("r1", {"name": "r1"})
    store.set_round_status("r1", "open")
    b = _measured(
        store,
        make_submission(team="team-b", machine="box", batch_size=2),
        make_result(2.0, quality=0.5),
        round_name="r1",
    )
    c = _measured(
        store,
        make_submission(name="entry-3", batch_size=4),
        make_result(3.0, scenario="offline"),
        origin="search",
    )

    def ids(**filters: object) -> list[int]:
        return [r.result_id for r in store.results(**filters)]  # type: ignore[arg-type]

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
    store: Store, make_submission: MakeSubmission, make_result: MakeResult
) -> None:
    original = _measured(store, make_submission(), make_result(2.0))
    again = _measured(store, make_submission(name="entry-2", batch_size=2), make_result(2.1))
    report = {"latency_p50_ms": {"old": 2.0, "new": 2.1, "agrees": True}}
    rep_id = store.add_reproduction(original, report, agrees=True, new_result_id=again)
    (listed,) = store.result(original).reproductions
    assert (listed.id, listed.new_result_id, listed.agrees) == (rep_id, again, True)
    assert listed.report == report
    with pytest.raises(NotFoundError, match="result 99 does not exist"):
        store.add_reproduction(99, report, agrees=False)


def test_estimate_keeps_its_bounds_consistent() -> None:
    with pytest.raises(ValueError, match="both bounds"):
        Estimate(1.0, 0.5, None)
