"""Frozen records the store returns: never ORM rows, never mutable dicts of columns.

One record type per kind of row: :class:`Entry` (a ``submissions`` row), :class:`RunRecord`,
:class:`MachineRecord`, :class:`RoundRecord`, :class:`LeaseRecord`, and for results
:class:`ResultRecord` (an :class:`EntryRef` and a :class:`~tournament.results.Result`).
Statuses and origins are enums (:class:`RunStatus`, :class:`RoundStatus`, :class:`Origin`;
string enums, so they compare equal to their values).

Contract: a record never changes after it is returned (``frozen=True``), and every read
returns new ones. JSON columns (``spec``, ``rules``, ``config``...) are typed
:class:`~collections.abc.Mapping` and are plain dicts inside, owned by the record: never mutate
them (copy them, or take :meth:`Entry.to_dict` and friends, which return deep copies).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import Enum
from typing import Any

from tournament.results import METRICS, Estimate, Result
from tournament.store.models import Origin, RoundStatus, RunStatus

__all__ = [
    "FLAT_COLUMNS",
    "IDENTITY_COLUMNS",
    "Entry",
    "EntryRef",
    "LeaseRecord",
    "MachineRecord",
    "Origin",
    "Reproduction",
    "ResultRecord",
    "RoundRecord",
    "RoundStatus",
    "RunRecord",
    "RunStatus",
    "flat_row",
]


def _plain(value: Any) -> Any:
    """``value`` as new plain data: enums as their values, mappings and sequences copied."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _columns(record: Any) -> dict[str, Any]:
    """A record of one table row as a dict of its columns (see the ``to_dict`` methods)."""
    return {f.name: _plain(getattr(record, f.name)) for f in fields(record)}


@dataclass(frozen=True, slots=True)
class Entry:
    """An entry: one ``submissions`` row, team ``team``'s configuration ``name`` in a round.

    ``round_name`` is "" outside any round. ``config_hash`` identifies what is measured
    (entries of several teams may share it, and then share its runs); ``config`` is the
    configuration hashed, ``document`` the whole submission file as entered (both JSON, not to
    be mutated). ``origin`` search entries name their ``study_name`` and ``trial_number``.
    """

    id: int
    team: str
    name: str
    workload: str
    variant: str
    runtime: str
    quantization: str
    batch_size: int
    machine: str
    config_hash: str
    round_name: str
    origin: Origin
    study_name: str | None
    trial_number: int | None
    source_file: str | None
    config: Mapping[str, Any]
    document: Mapping[str, Any]
    created_at: datetime

    @property
    def label(self) -> str:
        """``team/name``."""
        return f"{self.team}/{self.name}"

    def to_dict(self) -> dict[str, Any]:
        """The entry's columns as new plain data (``origin`` its value; datetimes kept)."""
        return _columns(self)


@dataclass(frozen=True, slots=True)
class RunRecord:
    """A run: one measurement of a configuration of a round under one scenario and rules set.

    ``round_name`` and ``config_hash`` are the configuration measured; ``submission_id``,
    ``team``, ``name``, ``workload`` and ``machine`` are those of the entry whose file it
    measures (other entries of the configuration share the run: match runs to an entry by
    ``round_name`` and ``config_hash``). ``rules`` is JSON, not to be mutated.
    """

    id: int
    submission_id: int
    round_name: str
    config_hash: str
    scenario: str
    rules: Mapping[str, Any]
    rules_sha256: str
    repeat: int
    status: RunStatus
    attempts: int
    error: str | None
    worker: str | None
    label: str | None
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    team: str
    name: str
    workload: str
    machine: str

    def to_dict(self) -> dict[str, Any]:
        """The run's columns and its entry's identity as new plain data (``status`` its value)."""
        return _columns(self)


@dataclass(frozen=True, slots=True)
class MachineRecord:
    """A registered machine: its spec (JSON, not to be mutated) and what an hour of it costs
    (``price_usd_per_hour`` None: unknown)."""

    id: str
    spec: Mapping[str, Any]
    price_usd_per_hour: float | None
    tariff_usd_per_kwh: float
    instance_type: str | None
    notes: str
    created_at: datetime
    updated_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """The machine's columns as new plain data."""
        return _columns(self)


@dataclass(frozen=True, slots=True)
class RoundRecord:
    """A stored round: its frozen spec, status and, once closed and ranked, its ranking (both
    JSON, not to be mutated; :func:`tournament.rounds.load.stored_spec` reads the spec)."""

    name: str
    spec: Mapping[str, Any]
    spec_sha256: str
    status: RoundStatus
    opened_at: datetime | None
    closed_at: datetime | None
    schedule: str | None
    ranking: Mapping[str, Any] | None
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """The round's columns as new plain data (``status`` its value)."""
        return _columns(self)


@dataclass(frozen=True, slots=True)
class LeaseRecord:
    """A lease as stored: who holds it until when (UTC; it may have expired)."""

    name: str
    owner: str
    expires_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """The lease's columns as a new dict."""
        return _columns(self)


@dataclass(frozen=True, slots=True)
class EntryRef:
    """The entry a result is shown for: who entered which configuration, where.

    ``submission_id`` is the entry's id. ``config_hash`` identifies what was measured: several
    entries (of different teams) may share it, and then share its results.
    """

    submission_id: int
    team: str
    name: str
    workload: str
    variant: str
    runtime: str
    quantization: str
    batch_size: int
    machine: str
    config_hash: str
    round_name: str = ""
    origin: str = "human"
    study_name: str | None = None
    trial_number: int | None = None

    @property
    def label(self) -> str:
        """``team/name``."""
        return f"{self.team}/{self.name}"

    @property
    def configuration(self) -> str:
        """One line naming what was measured."""
        return (
            f"{self.workload}/{self.variant} {self.runtime} {self.quantization} "
            f"b{self.batch_size} @{self.machine}"
        )


@dataclass(frozen=True, slots=True)
class Reproduction:
    """A re-measurement of a result and whether each figure agrees with the original."""

    id: int
    result_id: int
    new_result_id: int | None
    report: Mapping[str, Any]
    agrees: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ResultRecord:
    """A stored result, with the entry it is shown for and the run that measured it.

    ``config`` and ``document`` (the entry's configuration and file) and ``reproductions``
    are filled by :meth:`~tournament.store.contract.StoreReader.result` only.
    ``shared_with`` lists the other entries with the same configuration in the same round,
    which this measurement serves too.
    """

    result_id: int
    run_id: int
    repeat: int
    label: str | None
    created_at: datetime
    entry: EntryRef
    result: Result
    config: Mapping[str, Any] | None = None
    document: Mapping[str, Any] | None = None
    reproductions: tuple[Reproduction, ...] = ()
    shared_with: tuple[EntryRef, ...] = field(default=())
    result_ids: tuple[int, ...] = ()
    """The stored per-run results this record aggregates (:mod:`tournament.store.aggregates`);
    empty for a record of one stored result."""

    @property
    def runs(self) -> int:
        """How many runs the record's result aggregates."""
        return len(self.result_ids) or 1

    @property
    def scenario(self) -> str:
        """The scenario measured."""
        return self.result.scenario

    @property
    def valid(self) -> bool:
        """Whether the result counts."""
        return self.result.valid

    def figure(self, name: str) -> Estimate | None:
        """The estimate of metric ``name``; ``None`` when unknown."""
        return self.result.figure(name)

    def value(self, name: str) -> float | None:
        """The value of metric ``name``; ``None`` when unknown."""
        return self.result.value(name)


IDENTITY_COLUMNS: tuple[str, ...] = (
    "result_id",
    "submission_id",
    "entry",
    "team",
    "name",
    "workload",
    "variant",
    "runtime",
    "quantization",
    "batch_size",
    "machine",
    "configuration",
    "config_hash",
    "round_name",
    "origin",
    "study_name",
    "trial_number",
    "repeat",
    "runs",
    "label",
    "created_at",
    "scenario",
    "queries",
    "samples",
    "duration_s",
    "min_rules_met",
    "valid",
    "invalid_reasons",
    "quality",
    "quality_metric",
    "quality_label",
    "reference_quality",
    "target_ratio",
    "power_source",
    "shared_with",
)
"""Columns of :func:`flat_row` before the figures."""

FLAT_COLUMNS: tuple[str, ...] = IDENTITY_COLUMNS + tuple(
    column
    for m in METRICS
    for column in (m.name, f"{m.name}_low", f"{m.name}_high", f"{m.name}_provenance")
)
"""Every column of :func:`flat_row`: identity, then per metric its value, interval bounds and
provenance (``measured`` / ``estimated`` / ``derived``), all derived from the metric table."""


def flat_row(record: ResultRecord) -> dict[str, Any]:
    """One record as a flat dict of :data:`FLAT_COLUMNS` (tables, CSV, data frames).

    An unknown figure is ``None`` in all four of its columns.
    """
    e, r = record.entry, record.result
    row: dict[str, Any] = {
        "result_id": record.result_id,
        "submission_id": e.submission_id,
        "entry": e.label,
        "team": e.team,
        "name": e.name,
        "workload": e.workload,
        "variant": e.variant,
        "runtime": e.runtime,
        "quantization": e.quantization,
        "batch_size": e.batch_size,
        "machine": e.machine,
        "configuration": e.configuration,
        "config_hash": e.config_hash,
        "round_name": e.round_name,
        "origin": e.origin,
        "study_name": e.study_name,
        "trial_number": e.trial_number,
        "repeat": record.repeat,
        "runs": record.runs,
        "label": record.label,
        "created_at": record.created_at,
        "scenario": r.scenario,
        "queries": r.queries,
        "samples": r.samples,
        "duration_s": r.duration_s,
        "min_rules_met": r.min_rules_met,
        "valid": r.valid,
        "invalid_reasons": "; ".join(r.invalid_reasons()),
        "quality": r.quality.value,
        "quality_metric": r.quality.metric,
        "quality_label": r.quality.label or r.quality.metric,
        "reference_quality": r.quality.reference,
        "target_ratio": r.quality.target_ratio,
        "power_source": r.power_source,
        "shared_with": ", ".join(other.label for other in record.shared_with),
    }
    for m in METRICS:
        est = r.figure(m.name)
        row[m.name] = None if est is None else est.value
        row[f"{m.name}_low"] = None if est is None else est.ci_low
        row[f"{m.name}_high"] = None if est is None else est.ci_high
        row[f"{m.name}_provenance"] = None if est is None else est.provenance.value
    return row
