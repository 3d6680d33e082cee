"""What the pages read: the read-only store's frozen records, and frames built from them.

Functions taking a :class:`~tournament.store.readonly.ReadOnlyStore` only read. The results
frame is :func:`tournament.store.flat_row` of each record, so its columns come from the metric
table (per metric ``m``: ``m``, ``m_low``, ``m_high``, ``m_provenance``); the ranking and the
recommender read the records themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from tournament.errors import NotFoundError
from tournament.store import FLAT_COLUMNS, ResultRecord, flat_row

if TYPE_CHECKING:
    import pandas as pd

    from tournament.store.readonly import ReadOnlyStore

EXTRA_COLUMNS = ("rules",)
"""Columns of :func:`results_frame` besides :data:`~tournament.store.FLAT_COLUMNS`."""

ROUND_COLUMNS = (
    "name", "status", "schedule", "opened_at", "closed_at", "created_at", "spec", "ranking",
)  # fmt: skip


def load_records(store: ReadOnlyStore) -> dict[int, ResultRecord]:
    """Every result (without per-query latencies and power traces) by id, oldest first."""
    return {record.result_id: record for record in reversed(store.results())}


def results_frame(records: Iterable[ResultRecord]) -> pd.DataFrame:
    """One row per record (in the order given) with its entry's identity.

    Columns: :data:`~tournament.store.FLAT_COLUMNS`, ``rules`` (the measurement rules, a
    dict: a scenario's primary metric may depend on them), and ``valid_at_<class>`` for every
    accuracy class the pages offer (:func:`leaderboard.filters.accuracy_classes`): the
    result's validity (:meth:`~tournament.results.Result.invalid_reasons`) at that class.
    """
    import pandas as pd

    from leaderboard.filters import STANDARD_CLASSES, class_column

    records = list(records)
    classes = sorted(set(STANDARD_CLASSES) | {_ratio(r) for r in records})
    rows = [_row(record, classes) for record in records]
    columns = [*FLAT_COLUMNS, *EXTRA_COLUMNS, *(class_column(c) for c in classes)]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    for column in ("valid", "min_rules_met", *(class_column(c) for c in classes)):
        frame[column] = frame[column].astype(bool)
    return frame


def _ratio(record: ResultRecord) -> float:
    return round(float(record.result.quality.target_ratio), 6)


def _row(record: ResultRecord, classes: list[float]) -> dict[str, Any]:
    from leaderboard.filters import class_column

    row = flat_row(record)
    row["rules"] = dict(record.result.rules)
    for c in classes:
        row[class_column(c)] = not record.result.invalid_reasons(target_ratio=c)
    return row


def study_result_ids(records: Iterable[ResultRecord], study_name: str) -> dict[int, list[int]]:
    """Ids of the results measured for each trial of a study, by trial number (in the order of
    ``records``; a result shown for another entry of the same configuration counts too)."""
    out: dict[int, list[int]] = {}
    for record in records:
        for entry in (record.entry, *record.shared_with):
            trial = entry.trial_number
            if entry.study_name == study_name and trial is not None:
                out.setdefault(int(trial), []).append(record.result_id)
    return out


def rounds_frame(store: ReadOnlyStore, records: Iterable[ResultRecord]) -> pd.DataFrame:
    """Every round, oldest first, with its ``entries`` (submissions) and ``results`` (of
    ``records``: every result of the store) counts.

    Columns: ``name, status, schedule, opened_at, closed_at, created_at, spec, ranking,
    entries, results``; ``ranking`` is the stored JSON (None until the round is ranked).
    """
    import pandas as pd

    rounds = store.rounds()
    entries = Counter(sub.round_name for sub in store.submissions())
    results = Counter(record.entry.round_name for record in records)
    rows = [r.to_dict() for r in rounds]
    frame = pd.DataFrame([[r[c] for c in ROUND_COLUMNS] for r in rows], columns=ROUND_COLUMNS)
    frame["entries"] = [int(entries.get(n, 0)) for n in frame["name"]]
    frame["results"] = [int(results.get(n, 0)) for n in frame["name"]]
    return frame


def result_detail(store: ReadOnlyStore, result_id: int) -> ResultRecord | None:
    """One result in full (latencies, power trace, configuration, reproductions), or None if
    there is no result with this id."""
    try:
        return store.result(result_id)
    except NotFoundError:
        return None
