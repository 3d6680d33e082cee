"""Results: one measurement per run, recorded idempotently, read back as flat rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tournament.errors import NotFoundError, UserError
from tournament.measurement import Measurement
from tournament.store.base import StoreBase, row_dict
from tournament.store.codec import decode_latencies, encode_latencies
from tournament.store.models import (
    Origin,
    ReproductionRow,
    ResultRow,
    RunRow,
    RunStatus,
    SubmissionRow,
)
from tournament.store.retry import retrying
from tournament.store.runs import get_run_row
from tournament.store.types import utcnow

COST_FIELDS = (
    "price_usd_per_hour",
    "tariff_usd_per_kwh",
    "cost_usd_per_million",
    "energy_cost_usd_per_million",
    "peak_gflops",
    "roofline_fraction",
)
"""Figures the driver computes from the measurement and the machine (all optional)."""

_CI_FIELDS = {
    **{
        f"latency_{f}_ci_ms": (f"latency_{f}_ci_low_ms", f"latency_{f}_ci_high_ms")
        for f in ("p50", "p90", "p99", "mean")
    },
    "throughput_ci_sps": ("throughput_ci_low_sps", "throughput_ci_high_sps"),
}
_DETAIL_ONLY = frozenset(
    {"id", "rules", "environment", "artifact_details", "extra", "power_trace", "latencies"}
)
FLAT_RESULT_COLUMNS = tuple(
    column.key for column in ResultRow.__table__.columns if column.key not in _DETAIL_ONLY
)
"""Result columns in every row of :meth:`ResultsPart.results` (besides ``result_id``)."""


def measurement_columns(measurement: Measurement) -> dict[str, Any]:
    """A measurement as ``results`` columns: CIs split in low/high, latencies as a blob."""
    data = measurement.as_dict()
    for key, (low, high) in _CI_FIELDS.items():
        data[low], data[high] = data.pop(key)
    data["latencies"] = encode_latencies(data.pop("latencies_ms"))
    data["power_trace"] = [list(point) for point in data["power_trace"]]
    return data


class ResultsPart(StoreBase):
    """Writes and reads the ``results`` and ``reproductions`` tables."""

    @retrying
    def finish_run(
        self,
        run_id: int,
        measurement: Mapping[str, Any] | Measurement,
        costs: Mapping[str, float | None] | None = None,
    ) -> int:
        """Record the result of a run and mark the run done, in one transaction.

        Idempotent: if the run has a result already, its id is returned and nothing is written.
        A late result of a run marked failed or cancelled meanwhile is still recorded.

        Args:
            run_id: the run measured.
            measurement: a :class:`Measurement` or its ``as_dict()``.
            costs: figures named in :data:`COST_FIELDS`; absent ones are stored as null.

        Returns:
            The result id.

        Raises:
            NotFoundError: no run has this id.
            ValueError: the measurement's fields or scenario, or a cost name, do not fit.
        """
        columns = {**measurement_columns(_as_measurement(measurement)), **_costs(costs or {})}
        try:
            with self._write() as session:
                run = get_run_row(session, run_id)
                existing = _result_id_of_run(session, run_id)
                if existing is not None:
                    return existing
                if columns["scenario"] != run.scenario:
                    raise ValueError(
                        f"measurement scenario {columns['scenario']!r} is not the scenario "
                        f"{run.scenario!r} of run {run_id}"
                    )
                row = ResultRow(run_id=run_id, submission_id=run.submission_id, **columns)
                session.add(row)
                run.status, run.error, run.finished_at = RunStatus.DONE.value, None, utcnow()
                session.flush()
                return row.id
        except IntegrityError:  # another writer recorded this run's result first
            with self._read() as session:
                existing = _result_id_of_run(session, run_id)
            if existing is None:
                raise
            return existing

    def results(
        self,
        *,
        workload: str | None = None,
        scenario: str | None = None,
        machine: str | None = None,
        round_name: str | None = None,
        valid: bool | None = None,
        team: str | None = None,
        origin: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Results as flat rows, newest first, filtered by whichever arguments are given.

        Each row has ``result_id``, every column of :data:`FLAT_RESULT_COLUMNS` (CIs as
        ``*_ci_low_*`` / ``*_ci_high_*``) and the submission's ``team, name, workload, variant,
        runtime, quantization, machine, config_hash, round_name, origin, study_name,
        trial_number`` and the run's ``repeat, label``. Bulky fields are in :meth:`result`.
        """
        if origin is not None and origin not in {o.value for o in Origin}:
            raise UserError(f"origin must be 'human' or 'search', not {origin!r}.")
        if limit is not None and limit < 1:
            raise UserError(f"limit must be at least 1, not {limit}.")
        filters = {
            SubmissionRow.workload: workload,
            ResultRow.scenario: scenario,
            SubmissionRow.machine: machine,
            SubmissionRow.round_name: round_name,
            ResultRow.valid: valid,
            SubmissionRow.team: team,
            SubmissionRow.origin: origin,
        }
        query = _joined().order_by(ResultRow.id.desc()).limit(limit)
        for column, value in filters.items():
            if value is not None:
                query = query.where(column == value)
        with self._read() as session:
            return [_flat(*row) for row in session.execute(query).tuples()]

    def result(self, result_id: int) -> dict[str, Any]:
        """One result with everything: the flat row plus ``config, document, rules,
        environment, artifact_details, extra, latencies_ms, power_trace, reproductions``.

        Raises:
            NotFoundError: no result has this id.
        """
        with self._read() as session:
            found = session.execute(_joined().where(ResultRow.id == result_id)).tuples().first()
            if found is None:
                raise NotFoundError(f"result {result_id} does not exist")
            result, sub, run = found
            data = _flat(result, sub, run)
            data.update(
                config=sub.config,
                document=sub.document,
                rules=result.rules,
                environment=result.environment,
                artifact_details=result.artifact_details,
                extra=result.extra,
                latencies_ms=decode_latencies(result.latencies),
                power_trace=[tuple(point) for point in result.power_trace],
                reproductions=_reproductions(session, result_id),
            )
            return data

    @retrying
    def add_reproduction(
        self,
        result_id: int,
        report: dict[str, Any],
        *,
        agrees: bool,
        new_result_id: int | None = None,
    ) -> int:
        """Record a re-measurement of ``result_id`` (``report``: per figure old/new/agrees).

        Raises:
            NotFoundError: ``result_id`` or ``new_result_id`` does not exist.
        """
        with self._write() as session:
            for wanted in (result_id, new_result_id):
                if wanted is not None and session.get(ResultRow, wanted) is None:
                    raise NotFoundError(f"result {wanted} does not exist")
            row = ReproductionRow(
                result_id=result_id, new_result_id=new_result_id, report=report, agrees=agrees
            )
            session.add(row)
            session.flush()
            return row.id


def _as_measurement(measurement: Mapping[str, Any] | Measurement) -> Measurement:
    if isinstance(measurement, Measurement):
        return measurement
    try:
        return Measurement.from_dict(dict(measurement))
    except TypeError as error:
        raise ValueError(f"not a Measurement: {error}") from error


def _costs(costs: Mapping[str, float | None]) -> dict[str, float | None]:
    unknown = sorted(set(costs) - set(COST_FIELDS))
    if unknown:
        raise ValueError(f"unknown cost fields {unknown}; expected some of {list(COST_FIELDS)}")
    return {name: costs.get(name) for name in COST_FIELDS}


def _result_id_of_run(session: Session, run_id: int) -> int | None:
    return session.scalar(select(ResultRow.id).where(ResultRow.run_id == run_id))


def _joined() -> Select[ResultRow, SubmissionRow, RunRow]:
    return (
        select(ResultRow, SubmissionRow, RunRow)
        .join(SubmissionRow, ResultRow.submission_id == SubmissionRow.id)
        .join(RunRow, ResultRow.run_id == RunRow.id)
    )


def _flat(result: ResultRow, sub: SubmissionRow, run: RunRow) -> dict[str, Any]:
    data: dict[str, Any] = {"result_id": result.id}
    data.update((key, getattr(result, key)) for key in FLAT_RESULT_COLUMNS)
    data.update(
        team=sub.team,
        name=sub.name,
        workload=sub.workload,
        variant=sub.variant,
        runtime=sub.runtime,
        quantization=sub.quantization,
        machine=sub.machine,
        config_hash=sub.config_hash,
        round_name=sub.round_name,
        origin=sub.origin,
        study_name=sub.study_name,
        trial_number=sub.trial_number,
        repeat=run.repeat,
        label=run.label,
    )
    return data


def _reproductions(session: Session, result_id: int) -> list[dict[str, Any]]:
    query = (
        select(ReproductionRow)
        .where(ReproductionRow.result_id == result_id)
        .order_by(ReproductionRow.id)
    )
    return [row_dict(row) for row in session.scalars(query)]
