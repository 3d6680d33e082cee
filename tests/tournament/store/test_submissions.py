"""add_submission: an entry per (round, team, name), idempotent per file, full document kept.

Identity across teams (shared configurations, clashes): ``test_entries.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tournament.errors import UserError
from tournament.schema import Submission
from tournament.store import Store

MakeSubmission = Callable[..., Submission]


def test_the_same_file_again_is_the_same_entry(
    store: Store, make_submission: MakeSubmission
) -> None:
    first = make_submission()
    reworded = make_submission(description="same team, name and configuration")
    assert first.config_hash == reworded.config_hash

    sub_id, created = store.add_submission(first, source_file="a.yaml")
    assert created
    assert store.add_submission(first) == (sub_id, False)
    assert store.add_submission(reworded, source_file="b.yaml") == (sub_id, False)
    assert store.counts()["submissions"] == 1
    row = store.submission(sub_id)
    assert row is not None  # nothing was rewritten
    assert (row.team, row.source_file, row.round_name) == ("team-a", "a.yaml", "")
    assert row.document["description"] == ""


def test_other_round_or_other_name_is_a_new_submission(
    store: Store, make_submission: MakeSubmission
) -> None:
    base_id, _ = store.add_submission(make_submission())
    in_round, created_in_round = store.add_submission(make_submission(), round_name="r1")
    other, created_other = store.add_submission(make_submission(name="entry-2", batch_size=8))
    assert created_in_round and created_other
    assert len({base_id, in_round, other}) == 3
    assert [s.id for s in store.submissions(round_name="r1")] == [in_round]
    assert len(store.submissions()) == 3


def test_columns_config_and_document(store: Store, make_submission: MakeSubmission) -> None:
    sub = make_submission(quantization="int8-dynamic", batch_size=4, machine="box-1")
    sub_id, _ = store.add_submission(sub, origin="search", study_name="study-1", trial_number=7)
    row = store.submission(sub_id)
    assert row is not None
    assert row.config_hash == sub.config_hash
    assert (row.workload, row.variant, row.runtime) == (
        "digits-cnn",
        "small",
        "onnxruntime",
    )
    assert (row.quantization, row.batch_size, row.machine) == ("int8-dynamic", 4, "box-1")
    assert row.config == sub.config()
    assert row.document == sub.model_dump(mode="json")
    assert (row.origin, row.study_name, row.trial_number) == ("search", "study-1", 7)
    assert row.created_at.tzinfo is not None


def test_unknown_origin_is_a_user_error(store: Store, make_submission: MakeSubmission) -> None:
    with pytest.raises(UserError, match="origin must be 'human' or 'search'"):
        store.add_submission(make_submission(), origin="robot")
    assert store.counts()["submissions"] == 0
