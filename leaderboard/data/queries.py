"""Queries of the leaderboard: flat frames of results and rounds, one result in full.

Every function takes an engine (opened read-only by the caller) and only reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func, select

from tournament.store.codec import decode_latencies
from tournament.store.models import (
    MachineRow,
    ReproductionRow,
    ResultRow,
    RoundRow,
    RunRow,
    SubmissionRow,
)

if TYPE_CHECKING:
    import pandas as pd

RESULT_COLUMNS = (
    "scenario",
    "batch_size",
    "queries",
    "duration_s",
    "min_rules_met",
    "latency_p50_ms",
    "latency_p50_ci_low_ms",
    "latency_p50_ci_high_ms",
    "latency_p90_ms",
    "latency_p90_ci_low_ms",
    "latency_p90_ci_high_ms",
    "latency_p99_ms",
    "latency_p99_ci_low_ms",
    "latency_p99_ci_high_ms",
    "throughput_sps",
    "throughput_ci_low_sps",
    "throughput_ci_high_sps",
    "quality",
    "quality_metric",
    "reference_quality",
    "target_ratio",
    "valid",
    "gflops_per_s",
    "model_size_mb",
    "energy_j_per_query",
    "avg_power_w",
    "power_source",
    "cost_usd_per_million",
    "energy_cost_usd_per_million",
    "roofline_fraction",
    "created_at",
)
"""Columns of ``results`` in every row of :func:`results_frame` (no blobs, no JSON)."""

SUBMISSION_COLUMNS = (
    "team",
    "name",
    "workload",
    "variant",
    "runtime",
    "quantization",
    "machine",
    "round_name",
    "origin",
    "study_name",
    "trial_number",
    "config_hash",
)
"""Columns of ``submissions`` in every row of :func:`results_frame`."""


def results_frame(engine: Engine) -> pd.DataFrame:
    """Every result with its submission's identity, one row each, oldest first.

    Columns: ``result_id``, ``submission_id``, ``repeat``, :data:`RESULT_COLUMNS`, ``rules``
    (the measurement rules of server runs, a dict; None for other scenarios, whose ranking
    does not depend on them), :data:`SUBMISSION_COLUMNS`, and the derived
    ``quality_ratio`` (quality / fp32 reference), ``entry`` (team/name) and ``configuration``
    (one line naming what was measured).
    """
    import pandas as pd

    columns = [
        ResultRow.id.label("result_id"),
        ResultRow.submission_id,
        RunRow.repeat,
        *(getattr(ResultRow, c) for c in RESULT_COLUMNS),
        *(getattr(SubmissionRow, c) for c in SUBMISSION_COLUMNS),
    ]
    query = (
        select(*columns)
        .join(SubmissionRow, ResultRow.submission_id == SubmissionRow.id)
        .join(RunRow, ResultRow.run_id == RunRow.id)
        .order_by(ResultRow.id)
    )
    server_rules = select(ResultRow.id, ResultRow.rules).where(ResultRow.scenario == "server")
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(query)]
        rules: dict[int, Any] = dict(connection.execute(server_rules).tuples().all())
    frame = pd.DataFrame.from_records(rows, columns=[c.key for c in columns])
    # the ranking reads rules of server runs only (peak search or a fixed load); others: None
    frame["rules"] = [rules.get(i) for i in frame["result_id"]]
    return _derived(frame)


def _derived(frame: pd.DataFrame) -> pd.DataFrame:
    frame["valid"] = frame["valid"].astype(bool)
    reference = frame["reference_quality"].where(frame["reference_quality"] != 0)
    frame["quality_ratio"] = frame["quality"] / reference
    frame["entry"] = frame["team"] + "/" + frame["name"]
    frame["configuration"] = (
        frame["workload"]
        + "/"
        + frame["variant"]
        + " "
        + frame["runtime"]
        + " "
        + frame["quantization"]
        + " b"
        + frame["batch_size"].astype(str)
        + " on "
        + frame["machine"]
    )
    return frame


def study_result_ids(engine: Engine, study_name: str) -> dict[int, list[int]]:
    """Ids of the results measured for each trial of a study, by trial number."""
    query = (
        select(SubmissionRow.trial_number, ResultRow.id)
        .join(ResultRow, ResultRow.submission_id == SubmissionRow.id)
        .where(SubmissionRow.study_name == study_name, SubmissionRow.trial_number.is_not(None))
        .order_by(ResultRow.id)
    )
    out: dict[int, list[int]] = {}
    with engine.connect() as connection:
        for trial, result_id in connection.execute(query).tuples():
            out.setdefault(int(trial), []).append(int(result_id))  # type: ignore[arg-type]
    return out


def rounds_frame(engine: Engine) -> pd.DataFrame:
    """Every round, oldest first, with its ``entries`` (submissions) and ``results`` counts.

    Columns: ``name, status, schedule, opened_at, closed_at, created_at, spec, ranking,
    entries, results``; ``ranking`` is the stored JSON (None until the round is ranked).
    """
    import pandas as pd

    fields = ("name", "status", "schedule", "opened_at", "closed_at", "created_at")
    query = select(*(getattr(RoundRow, f) for f in fields), RoundRow.spec, RoundRow.ranking)
    entries = select(SubmissionRow.round_name, func.count(SubmissionRow.id)).group_by(
        SubmissionRow.round_name
    )
    results = (
        select(SubmissionRow.round_name, func.count(ResultRow.id))
        .join(ResultRow, ResultRow.submission_id == SubmissionRow.id)
        .group_by(SubmissionRow.round_name)
    )
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(RoundRow.created_at, RoundRow.name)).all()
        entry_counts = dict(connection.execute(entries).tuples().all())
        result_counts = dict(connection.execute(results).tuples().all())
    frame = pd.DataFrame(rows, columns=[*fields, "spec", "ranking"])
    frame["entries"] = [int(entry_counts.get(n, 0)) for n in frame["name"]]
    frame["results"] = [int(result_counts.get(n, 0)) for n in frame["name"]]
    return frame


def result_detail(engine: Engine, result_id: int) -> dict[str, Any] | None:
    """One result in full, or None if there is no result with this id.

    Besides every ``results`` column (``latencies`` decoded as ``latencies_ms``), it has the
    submission's columns under ``submission``, the machine row under ``machine_row`` (None if
    unregistered) and the ``reproductions`` of this result, oldest first.
    """
    with engine.connect() as connection:
        result = connection.execute(select(ResultRow).where(ResultRow.id == result_id)).first()
        if result is None:
            return None
        data = dict(result._mapping)
        sub = connection.execute(
            select(SubmissionRow).where(SubmissionRow.id == data["submission_id"])
        ).one()
        data["submission"] = dict(sub._mapping)
        machine = connection.execute(
            select(MachineRow).where(MachineRow.id == data["submission"]["machine"])
        ).first()
        data["machine_row"] = None if machine is None else dict(machine._mapping)
        data["reproductions"] = _reproductions(engine, result_id)
    data["latencies_ms"] = decode_latencies(data.pop("latencies"))
    return data


def _reproductions(engine: Engine, result_id: int) -> list[dict[str, Any]]:
    query = (
        select(ReproductionRow)
        .where(ReproductionRow.result_id == result_id)
        .order_by(ReproductionRow.id)
    )
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]
