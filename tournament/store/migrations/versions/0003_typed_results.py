"""Typed results: figure columns follow the metric table; quality direction; pricing as data.

* The interval columns ``<name>_ci_low_<unit>`` / ``<name>_ci_high_<unit>`` become
  ``<metric>_low`` / ``<metric>_high``, and every metric of the metric table gets them.
* Every figure column is nullable: an unknown figure is NULL, never 0.
* New: ``quality_ratio`` (+ bounds; back-filled as quality / reference, the direction of both
  existing workloads' metrics being higher-is-better), ``quality_higher_is_better``,
  ``quality_label``, ``artifact_bytes`` (back-filled from ``model_size_mb``), ``figure_sources``
  (how each figure was obtained; NULL for old rows, read with the metric table's defaults and
  the power source), ``pricing`` (JSON, from the former ``price_usd_per_hour``,
  ``tariff_usd_per_kwh`` and ``peak_gflops`` columns, which are dropped).
* ``machines.price_usd_per_hour`` becomes nullable: a price nobody gave is unknown, not 0.
  Machines detection stored as 0 with its "Price unknown" note become NULL, and the costs of
  their results (computed from that 0) become unknown.
* ``valid`` now also requires the minimum rules to be met (and, for the server scenario, the p99
  bound of the run's rules): old rows are recomputed.

The column list here is written out: a migration must not change when the metric table does.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMED = {
    "latency_p50_ci_low_ms": "latency_p50_ms_low",
    "latency_p50_ci_high_ms": "latency_p50_ms_high",
    "latency_p90_ci_low_ms": "latency_p90_ms_low",
    "latency_p90_ci_high_ms": "latency_p90_ms_high",
    "latency_p99_ci_low_ms": "latency_p99_ms_low",
    "latency_p99_ci_high_ms": "latency_p99_ms_high",
    "latency_mean_ci_low_ms": "latency_mean_ms_low",
    "latency_mean_ci_high_ms": "latency_mean_ms_high",
    "throughput_ci_low_sps": "throughput_sps_low",
    "throughput_ci_high_sps": "throughput_sps_high",
}
EXISTING_VALUES = (
    "latency_p50_ms",
    "latency_p90_ms",
    "latency_p99_ms",
    "latency_mean_ms",
    "throughput_sps",
    "energy_j",
    "energy_j_per_query",
    "energy_j_per_sample",
    "avg_power_w",
    "cost_usd_per_million",
    "energy_cost_usd_per_million",
    "gflops_per_s",
    "roofline_fraction",
    "model_size_mb",
    "peak_rss_mb",
)
NEW_BOUNDS = (
    "quality_ratio",
    "energy_j",
    "energy_j_per_query",
    "energy_j_per_sample",
    "avg_power_w",
    "cost_usd_per_million",
    "energy_cost_usd_per_million",
    "gflops_per_s",
    "roofline_fraction",
    "model_size_mb",
    "peak_rss_mb",
)
PRICE_COLUMNS = ("price_usd_per_hour", "tariff_usd_per_kwh", "peak_gflops")


UNKNOWN_PRICE_NOTE = "Price unknown: set price_usd_per_hour"
"""How machine detection marked a price nobody gave, when it stored it as 0."""


def upgrade() -> None:
    with op.batch_alter_table("machines") as batch:
        batch.alter_column("price_usd_per_hour", existing_type=sa.Double(), nullable=True)
    machines = sa.table("machines", sa.column("price_usd_per_hour"), sa.column("notes"))
    op.execute(
        machines.update()
        .where(machines.c.notes.contains(UNKNOWN_PRICE_NOTE))
        .values(price_usd_per_hour=None)
    )
    with op.batch_alter_table("results") as batch:
        for old, new in RENAMED.items():
            batch.alter_column(
                old,
                new_column_name=new,
                existing_type=sa.Double(),
                existing_nullable=False,
                nullable=True,
            )
        for name in EXISTING_VALUES:
            batch.alter_column(name, existing_type=sa.Double(), nullable=True)
        batch.add_column(sa.Column("quality_ratio", sa.Double(), nullable=True))
        for name in NEW_BOUNDS:
            batch.add_column(sa.Column(f"{name}_low", sa.Double(), nullable=True))
            batch.add_column(sa.Column(f"{name}_high", sa.Double(), nullable=True))
        batch.add_column(sa.Column("quality_label", sa.String(length=128), nullable=True))
        batch.add_column(
            sa.Column(
                "quality_higher_is_better",
                sa.Boolean(),
                nullable=False,
                server_default=sa.true(),
            )
        )
        batch.add_column(sa.Column("artifact_bytes", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("pricing", sa.JSON(none_as_null=True), nullable=True))
        batch.add_column(sa.Column("figure_sources", sa.JSON(none_as_null=True), nullable=True))
    _backfill()
    with op.batch_alter_table("results") as batch:
        batch.alter_column(
            "quality_higher_is_better", existing_type=sa.Boolean(), server_default=None
        )
        for name in PRICE_COLUMNS:
            batch.drop_column(name)


def _backfill() -> None:
    results = sa.table(
        "results",
        *(
            sa.column(name)
            for name in (
                "id",
                "quality",
                "reference_quality",
                "model_size_mb",
                "min_rules_met",
                "scenario",
                "latency_p99_ms",
                *PRICE_COLUMNS,
            )
        ),
        sa.column("valid", sa.Boolean()),
        sa.column("quality_ratio", sa.Double()),
        sa.column("artifact_bytes", sa.Integer()),
        sa.column("rules", sa.JSON()),
        sa.column("pricing", sa.JSON(none_as_null=True)),
        sa.column("cost_usd_per_million", sa.Double()),
        sa.column("cost_usd_per_million_low", sa.Double()),
        sa.column("cost_usd_per_million_high", sa.Double()),
    )
    c = results.c
    op.execute(
        results.update()
        .where(c.reference_quality != 0)
        .values(quality_ratio=c.quality / c.reference_quality)
    )
    op.execute(
        results.update().values(
            artifact_bytes=sa.cast(sa.func.round(c.model_size_mb * 1048576), sa.Integer())
        )
    )
    op.execute(results.update().where(c.min_rules_met == sa.false()).values(valid=False))
    if op.get_context().as_sql:  # offline SQL: the JSON back-fills need rows in Python
        return
    bind = op.get_bind()
    unpriced = _unpriced_results(bind)
    for row in bind.execute(sa.select(results)).mappings().all():
        values = _from_json(dict(row), unknown_price=row["id"] in unpriced)
        bind.execute(results.update().where(c.id == row["id"]).values(**values))


def _unpriced_results(bind: sa.Connection) -> set[int]:
    """Results measured on a machine whose price was unknown (and stored as 0)."""
    query = sa.text(
        "SELECT results.id FROM results JOIN submissions ON results.submission_id = "
        "submissions.id JOIN machines ON submissions.machine = machines.id "
        "WHERE machines.price_usd_per_hour IS NULL AND results.price_usd_per_hour = 0"
    )
    return {int(row[0]) for row in bind.execute(query)}


def _from_json(row: dict[str, object], *, unknown_price: bool) -> dict[str, object]:
    """``pricing`` from the price columns; ``valid`` false for a server run over its bound;
    a cost computed from an unknown price (stored as 0) becomes unknown."""
    rules = row["rules"]
    if isinstance(rules, str):
        rules = json.loads(rules)
    bound = rules.get("server_latency_bound_ms") if isinstance(rules, dict) else None
    p99 = row["latency_p99_ms"]
    over = row["scenario"] == "server" and bound and p99 is not None and float(p99) > bound  # type: ignore[arg-type]
    price = None if unknown_price else row["price_usd_per_hour"]
    pricing = {
        "price_usd_per_hour": price,
        "tariff_usd_per_kwh": row["tariff_usd_per_kwh"],
        "peak_gflops": row["peak_gflops"],
        "precision": "fp32",
        "device": "cpu",
        "source": "stored before pricing was recorded (precision and device not kept)",
    }
    values: dict[str, object] = {"pricing": pricing, "valid": row["valid"] and not over}
    if unknown_price:
        values.update(
            cost_usd_per_million=None, cost_usd_per_million_low=None, cost_usd_per_million_high=None
        )
    return values


def downgrade() -> None:
    with op.batch_alter_table("machines") as batch:
        batch.alter_column("price_usd_per_hour", existing_type=sa.Double(), nullable=False)
    with op.batch_alter_table("results") as batch:
        for name in PRICE_COLUMNS:
            batch.add_column(sa.Column(name, sa.Double(), nullable=True))
        for name in ("figure_sources", "pricing", "artifact_bytes"):
            batch.drop_column(name)
        for name in ("quality_higher_is_better", "quality_label", "quality_ratio"):
            batch.drop_column(name)
        for name in NEW_BOUNDS:
            batch.drop_column(f"{name}_low")
            batch.drop_column(f"{name}_high")
        for old, new in RENAMED.items():
            batch.alter_column(new, new_column_name=old, existing_type=sa.Double())
