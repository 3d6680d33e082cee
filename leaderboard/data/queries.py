"""What the pages read: the read-only store's frozen records, and frames built from them.

A *result* is what every page shows: the runs of one configuration x scenario x machine x
rules (x round and label) aggregated by :func:`tournament.store.aggregates.aggregated` (figures
with 95 % intervals over the runs), under the result id of its oldest run; its ``result_ids``
list every run. Functions taking a :class:`~tournament.store.readonly.ReadOnlyStore` only read.
The results frame is :func:`tournament.store.flat_row` of each result, so its columns come
from the metric table (per metric ``m``: ``m``, ``m_low``, ``m_high``, ``m_provenance``, and
here ``m_interval`` and ``m_insufficient``); the ranking and the recommender read the records
themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tournament.errors import NotFoundError
from tournament.results import METRICS
from tournament.store import FLAT_COLUMNS, ResultRecord, flat_row
from tournament.store.aggregates import aggregated, combine, rules_key

if TYPE_CHECKING:
    import pandas as pd

    from tournament.store.readonly import ReadOnlyStore

FIGURE_COLUMNS = tuple(
    column for m in METRICS for column in (f"{m.name}_interval", f"{m.name}_insufficient")
)
"""Per metric: what its interval covers (:class:`~tournament.results.IntervalKind` value, or
None) and why it lacks evidence (``""``: it does not)."""

EXTRA_COLUMNS = (
    "rules", "rules_key", "rules_label", "result_ids", "contention", "speed_drift", "interval",
    *FIGURE_COLUMNS,
)  # fmt: skip
"""Columns of :func:`results_frame` besides :data:`~tournament.store.FLAT_COLUMNS`."""

ROUND_COLUMNS = (
    "name", "status", "schedule", "opened_at", "closed_at", "created_at", "spec", "ranking",
)  # fmt: skip


def load_records(store: ReadOnlyStore) -> dict[int, ResultRecord]:
    """Every result, its runs aggregated (without per-query latencies and power traces), by
    the result id of its oldest run, oldest result first."""
    return {record.result_id: record for record in reversed(aggregated(store.results()))}


def run_ids(record: ResultRecord) -> tuple[int, ...]:
    """The stored per-run result ids of ``record``, oldest first (its own id for one run)."""
    return record.result_ids or (record.result_id,)


def run_index(records: Iterable[ResultRecord]) -> dict[int, int]:
    """Each stored run's result id -> the id of the result (aggregate) it belongs to."""
    return {run: record.result_id for record in records for run in run_ids(record)}


def results_frame(records: Iterable[ResultRecord]) -> pd.DataFrame:
    """One row per record (in the order given) with its entry's identity.

    Columns: :data:`~tournament.store.FLAT_COLUMNS` (``runs``: how many runs the result
    aggregates), ``rules`` (the measurement rules, a dict: a scenario's primary metric may
    depend on them), ``rules_key`` and ``rules_label`` (its rules group,
    :mod:`leaderboard.rules`), ``result_ids`` (its runs), ``contention`` (the most contended
    run's foreign CPU share, None when not measured), ``speed_drift`` (the largest relative
    drift of the machine's speed index over its runs, None when not measured), ``interval``
    (what its intervals cover, :func:`leaderboard.metrics.interval_label`),
    :data:`FIGURE_COLUMNS`, and
    ``valid_at_<class>`` for every accuracy class the pages offer
    (:func:`leaderboard.filters.accuracy_classes`): the result's validity
    (:meth:`~tournament.results.Result.invalid_reasons`) at that class.
    """
    import pandas as pd

    from leaderboard.filters import STANDARD_CLASSES, class_column

    records = list(records)
    classes = sorted(set(STANDARD_CLASSES) | {_ratio(r) for r in records})
    rows = [_row(record, classes) for record in records]
    columns = [*FLAT_COLUMNS, *EXTRA_COLUMNS, *(class_column(c) for c in classes)]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    _label_rules(frame)
    for column in ("valid", "min_rules_met", *(class_column(c) for c in classes)):
        frame[column] = frame[column].astype(bool)
    return frame


def _ratio(record: ResultRecord) -> float:
    return round(float(record.result.quality.target_ratio), 6)


def _row(record: ResultRecord, classes: list[float]) -> dict[str, Any]:
    from leaderboard.filters import class_column
    from leaderboard.metrics import interval_label

    row = flat_row(record)
    result = record.result
    row["rules"] = dict(result.rules)
    row["rules_key"] = rules_key(result.rules)
    row["result_ids"] = run_ids(record)
    row["contention"] = (result.extra.get("contention") or {}).get("foreign_cpu_share")
    row["speed_drift"] = (result.extra.get("speed_index") or {}).get("drift")
    kinds = {est.interval.value for est in result.figures.values() if est.interval is not None}
    row["interval"] = interval_label(kinds, record.runs)
    for m in METRICS:
        est = result.figure(m.name)
        kind = None if est is None or est.interval is None else est.interval.value
        row[f"{m.name}_interval"] = kind
        row[f"{m.name}_insufficient"] = "" if est is None else est.insufficient
    for c in classes:
        row[class_column(c)] = not record.result.invalid_reasons(target_ratio=c)
    return row


def _label_rules(frame: pd.DataFrame) -> None:
    """Fill ``rules_label``: one distinct description per rules key of ``frame``."""
    from leaderboard.rules import labels

    first = frame.drop_duplicates("rules_key")
    texts = labels(dict(zip(first["rules_key"], first["rules"], strict=True)))
    frame["rules_label"] = frame["rules_key"].map(texts)


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
    """One stored run in full (latencies, power trace, configuration, reproductions), or None
    if there is no result with this id."""
    try:
        return store.result(result_id)
    except NotFoundError:
        return None


@dataclass(frozen=True)
class Detail:
    """One result in full: ``result`` aggregates ``runs`` (each run in full, oldest first)."""

    result: ResultRecord
    runs: tuple[ResultRecord, ...]


def aggregate_detail(store: ReadOnlyStore, ids: Iterable[int]) -> Detail | None:
    """The runs ``ids`` of one result in full and their aggregate (:func:`combine`: every
    run's latencies; configuration, power trace and reproductions of the oldest run), or None
    if one is missing."""
    runs = [result_detail(store, i) for i in ids]
    found = tuple(sorted((r for r in runs if r is not None), key=lambda r: r.result_id))
    if not found or len(found) != len(runs):
        return None
    return Detail(combine(found), found)
