"""One record per result: the stored runs of a configuration aggregated (readers' side).

The store keeps one row per *run* (each a fresh worker process); what counts, is ranked and is
shown is the *result*: the runs of one configuration in one round under one scenario, rules and
label, aggregated by :func:`tournament.results.aggregate.aggregate` (figures with intervals
over runs). The aggregate is shown under its oldest run's result id, for that run's entry
(entries sharing the configuration stay in ``shared_with``); ``result_ids`` lists every run's
result, oldest first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from tournament.hashing import sha256_of
from tournament.results.aggregate import aggregate
from tournament.store.records import ResultRecord

Key = tuple[str, str, str, str, str]


def result_key(record: ResultRecord) -> Key:
    """What the runs of one result share: round, configuration, scenario, rules, label."""
    e = record.entry
    return (e.round_name, e.config_hash, record.scenario, sha256_of(record.result.rules),
            record.label or "")  # fmt: skip


def rules_key(rules: Mapping[str, Any]) -> str:
    """What makes results comparable: the sha256 of their rules but the seed (the seed is what
    the runs of one result may differ in). Results of different rules keys are never ranked,
    compared or put on one frontier together (quick rules against full ones)."""
    return sha256_of({k: v for k, v in rules.items() if k != "seed"})


def aggregated(records: Iterable[ResultRecord]) -> list[ResultRecord]:
    """``records`` (runs) as one record per result, in the order of each result's first run
    in ``records`` (newest first in, newest first out)."""
    groups: dict[Key, list[ResultRecord]] = {}
    for record in records:
        groups.setdefault(result_key(record), []).append(record)
    return [combine(runs) for runs in groups.values()]


def combine(runs: Sequence[ResultRecord]) -> ResultRecord:
    """The runs of one result (same configuration, scenario, rules but the seed) as one
    record: the oldest run's, holding the aggregate.

    Raises:
        ValueError: no runs, or runs that are not of one result.
    """
    if len(runs) == 1 and not runs[0].result_ids:
        return runs[0]
    ordered = sorted(runs, key=lambda r: r.result_id)
    return replace(
        ordered[0],
        result=aggregate([r.result for r in ordered]),
        result_ids=tuple(r.result_id for r in ordered),
    )
