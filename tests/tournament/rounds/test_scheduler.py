"""The scheduler: what is due when, and two schedulers racing for one round."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from tournament.rounds import Scheduler, create_round, open_round, parse_round_spec, require_round
from tournament.rounds.entries import submit_to_round
from tournament.rounds.scheduler import Action, plan
from tournament.store import Store

from .conftest import QUICK, entry, spec_data

T0 = datetime(2030, 1, 1, tzinfo=UTC)
LATER = datetime(2031, 1, 1, tzinfo=UTC)
WINDOW = {"opens_at": "2029-12-31T00:00:00Z", "closes_at": "2030-06-01T00:00:00Z"}


def test_plan_follows_the_spec(store: Store) -> None:
    create_round(store, parse_round_spec(spec_data(name="manual")))
    create_round(store, parse_round_spec(spec_data(name="dated", **WINDOW)))
    rows = {r.name: r for r in store.rounds()}
    assert plan(rows["manual"], T0) == []
    assert plan(rows["dated"], datetime(2029, 1, 1, tzinfo=UTC)) == []
    assert plan(rows["dated"], T0) == ["open", "run"]
    open_round(store, "dated")
    dated = require_round(store, "dated")
    assert plan(dated, T0) == ["run"]
    assert plan(dated, LATER) == ["run", "close"]


def test_scheduler_opens_then_closes_a_dated_round(store: Store) -> None:
    create_round(store, parse_round_spec(spec_data(name="dated", **WINDOW)))
    now = [T0]
    scheduler = Scheduler(store, backend="local", clock=lambda: now[0])
    assert scheduler.tick() == [Action("dated", "opened")]  # no entries: nothing to run
    assert scheduler.tick() == []
    now[0] = LATER
    (closed,) = scheduler.tick()
    assert (closed.action, require_round(store, "dated").status) == ("closed", "closed")
    assert scheduler.tick() == []


@pytest.mark.slow
def test_two_schedulers_racing_only_one_runs_the_round(store: Store) -> None:
    spec = spec_data(
        name="race",
        closes_at="2099-01-01T00:00:00Z",
        scenarios={"single-stream": dict(QUICK), "offline": dict(QUICK)},
    )
    create_round(store, parse_round_spec(spec))
    open_round(store, "race")
    submit_to_round(store, "race", entry("digits-ort-fp32"))
    barrier = threading.Barrier(2)
    outcomes: dict[str, list[Action]] = {}

    def schedule(label: str) -> None:
        mine = Store(store.url)
        scheduler = Scheduler(mine, backend="local", clock=lambda: T0)
        barrier.wait()
        outcomes[label] = scheduler.tick()
        mine.close()

    threads = [threading.Thread(target=schedule, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kinds = sorted(a.action for actions in outcomes.values() for a in actions)
    assert kinds == ["busy", "ran"], outcomes
    results = store.results(round_name="race")
    assert sorted(r.scenario for r in results) == ["offline", "single-stream"]
    (closed,) = Scheduler(
        store, backend="local", clock=lambda: datetime(2100, 1, 1, tzinfo=UTC)
    ).tick()
    assert closed.action == "closed"
    ranking: Any = require_round(store, "race").ranking
    assert {g["scenario"] for g in ranking["groups"]} == {"single-stream", "offline"}
    assert len(store.results(round_name="race")) == 2


def test_a_bad_stored_round_is_skipped_and_the_others_proceed(store: Store) -> None:
    # Stored before today's checks: a cron that never fires, and a NaN reference point. The
    # store takes any JSON; the scheduler must skip both with the reason and open the third.
    never = spec_data(name="never", schedule="0 0 * * 1")
    never["schedule"] = "0 0 30 2 *"
    store.create_round("never", never, schedule="0 0 30 2 *")
    nan = spec_data(name="nan", **WINDOW)
    nan["workloads"] = {"digits-cnn": {"hypervolume_reference": {"latency_p90_ms": "nan"}}}
    store.create_round("nan", nan)
    create_round(store, parse_round_spec(spec_data(name="dated", **WINDOW)))
    actions = {a.round_name: a for a in Scheduler(store, backend="local", clock=lambda: T0).tick()}
    assert actions["dated"].action == "opened"
    assert actions["never"].action == "skipped" and "never fires" in actions["never"].detail
    assert actions["nan"].action == "skipped"
    assert "hypervolume_reference.latency_p90_ms" in actions["nan"].detail
    assert require_round(store, "never").status == require_round(store, "nan").status == "draft"
