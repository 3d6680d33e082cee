"""The tables of the store, as a declarative SQLAlchemy 2 ORM.

Portable types only (String, Integer, Float, Boolean, Text, JSON, LargeBinary, UTC datetimes),
so that the same models serve SQLite and PostgreSQL. Constraint names follow one naming
convention, so that migrations can address them on every database.

Leaderboard filters are indexed: ``submissions.workload``, ``submissions.machine``,
``results.scenario``, ``results.valid``; ``submissions.round_name`` is the leading column of the
``(round_name, team, name)`` and ``(round_name, config_hash, team)`` unique constraints, whose
indexes serve it (the second also joins runs to the entries they measure), and
``runs.round_name`` of the runs' unique constraint.

Entries and measurements: a ``submissions`` row is an *entry*, a team's named configuration in
a round (``round_name`` "" outside any round). What is measured is the *configuration*
``(round_name, config_hash)``: a run belongs to it, not to one entry, so one measurement serves
every entry of that configuration in that round (entries of several teams; a team enters a
configuration once per round). ``runs.submission_id`` is the entry whose file the run measures
(the first one queued for it); the entries a run's results are shown for are those with the
run's ``(round_name, config_hash)``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tournament.store.figures import add_figure_columns
from tournament.store.types import UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class RunStatus(StrEnum):
    """Life of a run: queued -> running -> done | failed; queued/running -> cancelled."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class RoundStatus(StrEnum):
    """Life of a round: draft -> open -> running -> closed."""

    DRAFT = "draft"
    OPEN = "open"
    RUNNING = "running"
    CLOSED = "closed"


class Origin(StrEnum):
    """Who entered a submission: a person, or the automatic search."""

    HUMAN = "human"
    SEARCH = "search"


def _one_of(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


def _json(nullable: bool = False) -> Any:
    return mapped_column(JSON(none_as_null=True), nullable=nullable)


def _created() -> Any:
    return mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class MachineRow(Base):
    """A registered machine: its spec and what an hour of it costs."""

    __tablename__ = "machines"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    spec: Mapped[dict[str, Any]] = _json()
    price_usd_per_hour: Mapped[float | None]
    tariff_usd_per_kwh: Mapped[float]
    instance_type: Mapped[str | None] = mapped_column(String(128))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RoundRow(Base):
    """A round: a frozen spec of workloads, scenarios and rules, and its ranking once closed."""

    __tablename__ = "rounds"
    __table_args__ = (CheckConstraint(_one_of("status", RoundStatus), name="status"),)

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    spec: Mapped[dict[str, Any]] = _json()
    spec_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=RoundStatus.DRAFT.value)
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    schedule: Mapped[str | None] = mapped_column(String(128))
    ranking: Mapped[dict[str, Any] | None] = _json(nullable=True)
    created_at: Mapped[datetime] = _created()


class SubmissionRow(Base):
    """An entry: team ``team``'s configuration ``name`` in a round (``round_name`` "" outside
    any round). Unique per (round, team, name); a team enters a configuration once per round;
    entries of several teams may share a configuration, and so its runs."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("round_name", "team", "name"),
        UniqueConstraint("round_name", "config_hash", "team"),
        CheckConstraint(_one_of("origin", Origin), name="origin"),
        Index(None, "workload"),
        Index(None, "machine"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    config_hash: Mapped[str] = mapped_column(String(64))
    round_name: Mapped[str] = mapped_column(String(64), default="")
    team: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(64))
    workload: Mapped[str] = mapped_column(String(64))
    variant: Mapped[str] = mapped_column(String(64))
    runtime: Mapped[str] = mapped_column(String(64))
    quantization: Mapped[str] = mapped_column(String(32))
    batch_size: Mapped[int]
    machine: Mapped[str] = mapped_column(String(64))
    config: Mapped[dict[str, Any]] = _json()
    document: Mapped[dict[str, Any]] = _json()
    source_file: Mapped[str | None] = mapped_column(String(1024))
    origin: Mapped[str] = mapped_column(String(16), default=Origin.HUMAN.value)
    study_name: Mapped[str | None] = mapped_column(String(128))
    trial_number: Mapped[int | None]
    created_at: Mapped[datetime] = _created()


class RunRow(Base):
    """One scenario measurement of one configuration of a round under one rules set (one
    repeat), serving every entry with that configuration in that round.

    ``round_name`` and ``config_hash`` are the configuration measured (those of the entry
    ``submission_id``, whose file the worker gets).
    """

    __tablename__ = "runs"
    __table_args__ = (
        UniqueConstraint("round_name", "config_hash", "scenario", "rules_sha256", "repeat"),
        CheckConstraint(_one_of("status", RunStatus), name="status"),
        Index(None, "status"),
        Index(None, "submission_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    round_name: Mapped[str] = mapped_column(String(64))
    config_hash: Mapped[str] = mapped_column(String(64))
    scenario: Mapped[str] = mapped_column(String(32))
    rules: Mapped[dict[str, Any]] = _json()
    rules_sha256: Mapped[str] = mapped_column(String(64))
    repeat: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str | None] = mapped_column(String(256))
    label: Mapped[str | None] = mapped_column(String(64))
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class ResultRow(Base):
    """What one run measured: one :class:`~tournament.results.Result`.

    Besides the columns below, every metric ``m`` of the metric table has the nullable float
    columns ``m``, ``m_low`` and ``m_high`` (added by
    :func:`~tournament.store.figures.add_figure_columns`), so the table follows the metric
    table; ``figure_sources`` says how each present figure was obtained.
    """

    __tablename__ = "results"
    __table_args__ = (Index(None, "scenario"), Index(None, "valid"), Index(None, "submission_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), unique=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    scenario: Mapped[str] = mapped_column(String(32))
    batch_size: Mapped[int]
    queries: Mapped[int]
    samples: Mapped[int]
    duration_s: Mapped[float]
    min_rules_met: Mapped[bool]
    quality: Mapped[float]
    quality_metric: Mapped[str] = mapped_column(String(64))
    quality_label: Mapped[str | None] = mapped_column(String(128))
    quality_higher_is_better: Mapped[bool] = mapped_column(default=True)
    reference_quality: Mapped[float]
    target_ratio: Mapped[float]
    valid: Mapped[bool]
    flops_per_sample: Mapped[float]
    artifact_sha256: Mapped[str] = mapped_column(String(64))
    artifact_bytes: Mapped[int | None]
    power_source: Mapped[str | None] = mapped_column(String(64))
    pricing: Mapped[dict[str, Any] | None] = _json(nullable=True)
    figure_sources: Mapped[dict[str, Any] | None] = _json(nullable=True)
    rules: Mapped[dict[str, Any]] = _json()
    environment: Mapped[dict[str, Any]] = _json()
    artifact_details: Mapped[dict[str, Any]] = _json()
    extra: Mapped[dict[str, Any]] = _json()
    power_trace: Mapped[list[Any]] = mapped_column(JSON(none_as_null=True))
    latencies: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = _created()


add_figure_columns(ResultRow)


class ReproductionRow(Base):
    """A re-measurement of a result and whether each figure agrees with the original."""

    __tablename__ = "reproductions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"), index=True)
    new_result_id: Mapped[int | None] = mapped_column(ForeignKey("results.id", ondelete="SET NULL"))
    report: Mapped[dict[str, Any]] = _json()
    agrees: Mapped[bool]
    created_at: Mapped[datetime] = _created()


class LeaseRow(Base):
    """A named lock with an owner and an expiry, for schedulers on several hosts."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    owner: Mapped[str] = mapped_column(String(256))
    expires_at: Mapped[datetime]


TABLES = tuple(Base.metadata.sorted_tables)
"""Every table of the store, parents before children."""
