"""Entries belong to teams: one entry per (round, team, name), measurements per configuration.

Every test runs on SQLite and, when ``TOURNEY_TEST_PG_URL`` names a server, on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tournament.errors import StateError, UserError
from tournament.results import Result
from tournament.schema import Submission
from tournament.store import Store, flat_row

MakeSubmission = Callable[..., Submission]
MakeResult = Callable[..., Result]


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_database: Callable[[], Any]
) -> Iterator[Store]:
    """A fresh store on SQLite, or on a scratch PostgreSQL database."""
    if request.param == "sqlite":
        with Store(f"sqlite:///{tmp_path / 'tourney.db'}") as store:
            yield store
        return
    with postgres_database() as url, Store(url) as store:
        yield store


def _measure(store: Store, run_id: int, result: Result) -> int:
    assert store.claim_run(run_id, "w")
    return store.record_result(run_id, result)


def test_two_teams_with_one_configuration_get_two_entries(
    any_store: Store, make_submission: MakeSubmission
) -> None:
    a = make_submission(team="team-a", name="fast")
    b = make_submission(team="team-b", name="quick", description="the same configuration")
    assert a.config_hash == b.config_hash
    a_id, a_new = any_store.add_submission(a)
    b_id, b_new = any_store.add_submission(b)
    assert a_new and b_new and a_id != b_id
    rows = any_store.submissions()
    assert [(r.team, r.name) for r in rows] == [("team-a", "fast"), ("team-b", "quick")]
    assert {r.config_hash for r in rows} == {a.config_hash}
    assert any_store.add_submission(b) == (b_id, False)  # the same file again: nothing new
    assert any_store.counts()["submissions"] == 2


def test_one_measurement_is_shown_for_every_entry_of_the_configuration(
    any_store: Store, make_submission: MakeSubmission, make_result: MakeResult
) -> None:
    a_id, _ = any_store.add_submission(make_submission(team="team-a", name="fast"))
    b_id, _ = any_store.add_submission(make_submission(team="team-b", name="quick"))
    other_id, _ = any_store.add_submission(make_submission(team="team-b", batch_size=8))
    queued = any_store.queue_runs("single-stream", {"min_queries": 20})
    assert len(queued) == 2  # one run per configuration, not per entry
    runs = {run.id: run for run in any_store.runs()}
    shared_run = next(i for i in queued if runs[i].submission_id == a_id)
    assert runs[shared_run].config_hash == make_submission().config_hash
    assert any_store.queue_runs("single-stream", {"min_queries": 20}, submission_ids=[b_id]) == []
    result_id = _measure(any_store, shared_run, make_result(2.0))
    _measure(any_store, next(i for i in queued if i != shared_run), make_result(3.0))

    listed = [r for r in any_store.results() if r.result_id == result_id]
    assert len(listed) == 1  # a result once, for the oldest entry, the others named
    (record,) = listed
    assert record.entry.label == "team-a/fast"
    assert [e.label for e in record.shared_with] == ["team-b/quick"]
    assert flat_row(record)["shared_with"] == "team-b/quick"

    mine = any_store.results(team="team-b")
    assert [(r.result_id, r.entry.label) for r in mine] == [
        (result_id + 1, "team-b/entry-1"),
        (result_id, "team-b/quick"),
    ]
    assert [e.label for e in mine[1].shared_with] == ["team-a/fast"]
    assert mine[0].shared_with == ()
    assert [r.entry.submission_id for r in any_store.results(team="team-a")] == [a_id]

    detail = any_store.result(result_id)
    assert detail.entry.submission_id == a_id
    assert [e.submission_id for e in detail.shared_with] == [b_id]
    assert other_id not in {e.submission_id for e in detail.shared_with}
    assert any_store.counts()["results"] == 2


def test_entries_share_a_configuration_only_within_a_round(
    any_store: Store, make_submission: MakeSubmission, make_result: MakeResult
) -> None:
    any_store.create_round("r1", {"name": "r1"})
    any_store.set_round_status("r1", "open")
    outside, _ = any_store.add_submission(make_submission(team="team-a"))
    inside, _ = any_store.add_round_entry(make_submission(team="team-b"), "r1")
    queued = any_store.queue_runs("single-stream", {})
    assert len(queued) == 2  # the same configuration in two rounds: measured in each
    for run_id in queued:
        _measure(any_store, run_id, make_result())
    assert all(r.shared_with == () for r in any_store.results())
    assert [r.entry.submission_id for r in any_store.results(round_name="r1")] == [inside]
    assert [r.entry.submission_id for r in any_store.results(round_name="")] == [outside]


def test_a_name_taken_by_another_configuration_is_refused(
    any_store: Store, make_submission: MakeSubmission
) -> None:
    sub_id, _ = any_store.add_submission(make_submission())
    with pytest.raises(UserError) as caught:
        any_store.add_submission(make_submission(batch_size=8))
    (message,) = caught.value.problems
    assert message.startswith(
        f"name: team team-a already has an entry 'entry-1' outside any round (#{sub_id}, config "
    )
    assert message.endswith("choose a new name for this one.")
    assert any_store.counts()["submissions"] == 1
    # the same name in another team, or in a round, is another entry
    assert any_store.add_submission(make_submission(team="team-b", batch_size=8))[1]
    assert any_store.add_submission(make_submission(batch_size=8), round_name="r2")[1]


def test_one_configuration_per_team_per_round(
    any_store: Store, make_submission: MakeSubmission
) -> None:
    sub_id, _ = any_store.add_submission(make_submission(name="first"))
    with pytest.raises(UserError) as caught:
        any_store.add_submission(make_submission(name="second"))
    assert caught.value.problems == [
        f"name: team team-a already entered this configuration outside any round as 'first' "
        f"(#{sub_id}); a team enters a configuration once per round, not also as 'second'."
    ]
    # the search's trials of several studies may propose one configuration: the same entry
    again = make_submission(name="study-2-t0")
    assert any_store.add_submission(again, origin="search", study_name="study-2") == (
        sub_id,
        False,
    )
    assert any_store.counts()["submissions"] == 1


def test_round_entries_follow_the_same_rules(
    any_store: Store, make_submission: MakeSubmission
) -> None:
    any_store.create_round("r1", {"name": "r1"})
    any_store.set_round_status("r1", "open")
    a_id, _ = any_store.add_round_entry(make_submission(team="team-a"), "r1", source_file="a")
    b_id, created = any_store.add_round_entry(make_submission(team="team-b"), "r1")
    assert created and b_id != a_id
    assert any_store.add_round_entry(make_submission(team="team-a"), "r1") == (a_id, False)
    with pytest.raises(UserError, match="in round r1 as 'entry-1'"):
        any_store.add_round_entry(make_submission(team="team-a", name="again"), "r1")
    with pytest.raises(UserError, match="already has an entry 'entry-1' in round r1"):
        any_store.add_round_entry(make_submission(team="team-a", batch_size=4), "r1")
    any_store.set_round_status("r1", "closed")
    with pytest.raises(StateError, match="round r1 is closed"):
        any_store.add_round_entry(make_submission(team="team-c"), "r1")
    assert len(any_store.submissions(round_name="r1")) == 2


def test_entry_problems_checks_stored_entries_and_the_batch(
    any_store: Store, make_submission: MakeSubmission
) -> None:
    any_store.add_submission(make_submission())
    batch = [
        make_submission(),  # the same file again: fine
        make_submission(team="team-b"),  # another team: fine
        make_submission(batch_size=8),  # a stored name with another configuration
        make_submission(name="entry-2", batch_size=2),
        make_submission(name="entry-2", batch_size=4),  # a name twice in the batch
        make_submission(name="entry-3", batch_size=2),  # a configuration twice in the batch
    ]
    problems = any_store.entry_problems(batch)
    assert problems[:2] == [None, None] and problems[3] is None
    assert problems[2] is not None and "already has an entry 'entry-1'" in problems[2]
    assert problems[4] == (
        "name: team team-a enters 'entry-2' outside any round twice, with two different "
        "configurations; give one of them another name."
    )
    assert problems[5] == (
        "name: team team-a enters one configuration outside any round as both 'entry-2' and "
        "'entry-3'; a team enters a configuration once per round."
    )
    assert any_store.counts()["submissions"] == 1


def test_a_search_trial_reuses_the_run_of_a_configuration_entered_by_a_team(
    any_store: Store, make_submission: MakeSubmission, make_result: MakeResult
) -> None:
    from tournament.search.evaluation import Proposal
    from tournament.search.store_evaluator import StoreEvaluator

    rules = {"min_queries": 20, "runs": 1}
    team_id, _ = any_store.add_submission(make_submission(team="team-a"))
    (run_id,) = any_store.queue_runs("single-stream", rules)
    result_id = _measure(any_store, run_id, make_result())
    evaluator = StoreEvaluator(
        any_store,
        None,  # type: ignore[arg-type]  # enter() and run_of() measure nothing
        study_name="s",
        scenario="single-stream",
        rules=rules,
        label="screening",
        target_ratio=0.99,
    )
    trial = make_submission(team="optuna", name="s-t0")
    link = evaluator.enter(Proposal(0, {}, trial))
    assert link["screening_run_id"] == run_id and link["submission_id"] != team_id
    (record,) = any_store.results()
    assert record.result_id == result_id
    assert [e.label for e in record.shared_with] == ["optuna/s-t0"]
    outcome = evaluator._outcome(0, [any_store.run(run_id)], {run_id: record})
    assert outcome.source == "stored"  # measured for team-a's entry, not by this trial
