"""Entries belong to teams; runs belong to the configuration they measure.

* ``submissions`` (the entries): unique per ``(round_name, team, name)`` and per
  ``(round_name, config_hash, team)`` (a team enters a configuration once per round) instead of
  per ``(round_name, config_hash)``, so two teams with one configuration get two entries.
  Entries of the first schema could share a team and a name with different configurations;
  every such entry but the first keeps its rows and is renamed ``<name>.<id>`` (shortened to
  fit 64 characters) so that names are unique.
* ``runs`` get ``round_name`` and ``config_hash`` (back-filled from their entry): a run belongs
  to the configuration of a round and serves every entry with it. Unique per
  ``(round_name, config_hash, scenario, rules_sha256, repeat)`` instead of per
  ``(submission_id, scenario, rules_sha256, repeat)``; ``submission_id`` gets its own index.

No row is removed. Downgrading refuses while entries of several teams share a configuration
(the first schema cannot hold them).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME_LENGTH = 64
OLD_ENTRY_KEY = "uq_submissions_round_name_config_hash"
ENTRY_KEYS = {
    "uq_submissions_round_name_team_name": ["round_name", "team", "name"],
    "uq_submissions_round_name_config_hash_team": ["round_name", "config_hash", "team"],
}
OLD_RUN_KEY = "uq_runs_submission_id_scenario_rules_sha256_repeat"
RUN_KEY = "uq_runs_round_name_config_hash_scenario_rules_sha256_repeat"
RUN_KEY_COLUMNS = ["round_name", "config_hash", "scenario", "rules_sha256", "repeat"]
RUN_ENTRY_INDEX = "ix_runs_submission_id"

_submissions = sa.table(
    "submissions",
    sa.column("id", sa.Integer()),
    sa.column("round_name", sa.String()),
    sa.column("team", sa.String()),
    sa.column("name", sa.String()),
    sa.column("config_hash", sa.String()),
)
_runs = sa.table(
    "runs",
    sa.column("submission_id", sa.Integer()),
    sa.column("round_name", sa.String()),
    sa.column("config_hash", sa.String()),
)


def upgrade() -> None:
    _rename_duplicate_names()
    with op.batch_alter_table("submissions") as batch:
        batch.drop_constraint(OLD_ENTRY_KEY, type_="unique")
        for name, columns in ENTRY_KEYS.items():
            batch.create_unique_constraint(name, columns)
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("round_name", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("config_hash", sa.String(length=64), nullable=True))
    entry = _submissions.c
    of_run = entry.id == _runs.c.submission_id
    op.execute(
        _runs.update().values(
            round_name=sa.select(entry.round_name).where(of_run).scalar_subquery(),
            config_hash=sa.select(entry.config_hash).where(of_run).scalar_subquery(),
        )
    )
    with op.batch_alter_table("runs") as batch:
        for column in ("round_name", "config_hash"):
            batch.alter_column(column, existing_type=sa.String(length=64), nullable=False)
        batch.drop_constraint(OLD_RUN_KEY, type_="unique")
        batch.create_unique_constraint(RUN_KEY, RUN_KEY_COLUMNS)
        batch.create_index(RUN_ENTRY_INDEX, ["submission_id"])


def _rename_duplicate_names() -> None:
    """Give every entry but the first of one (round, team, name) the name ``<name>.<id>``."""
    if op.get_context().as_sql:  # offline SQL: no rows to look at
        return
    bind = op.get_bind()
    c = _submissions.c
    rows = bind.execute(sa.select(c.id, c.round_name, c.team, c.name).order_by(c.id)).all()
    taken: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        taken[(row.round_name, row.team)].add(row.name)
    seen: set[tuple[str, str, str]] = set()
    for row in rows:
        key = (row.round_name, row.team, row.name)
        if key not in seen:
            seen.add(key)
            continue
        names = taken[(row.round_name, row.team)]
        new = _free_name(row.name, row.id, names)
        names.add(new)
        bind.execute(_submissions.update().where(c.id == row.id).values(name=new))


def _free_name(name: str, entry_id: int, taken: set[str]) -> str:
    """``<name>.<id>`` (then ``.<id>.2``, ...), shortened to fit, not in ``taken``."""
    attempt = 1
    while True:
        suffix = f".{entry_id}" + (f".{attempt}" if attempt > 1 else "")
        candidate = name[: NAME_LENGTH - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        attempt += 1


def downgrade() -> None:
    if not op.get_context().as_sql:
        c = _submissions.c
        shared = op.get_bind().execute(
            sa.select(c.round_name, c.config_hash)
            .group_by(c.round_name, c.config_hash)
            .having(sa.func.count() > 1)
            .limit(1)
        )
        if shared.first() is not None:
            raise RuntimeError(
                "cannot downgrade below 0002: entries of several teams share a configuration, "
                "which the first schema cannot hold."
            )
    with op.batch_alter_table("runs") as batch:
        batch.drop_index(RUN_ENTRY_INDEX)
        batch.drop_constraint(RUN_KEY, type_="unique")
        batch.create_unique_constraint(
            OLD_RUN_KEY, ["submission_id", "scenario", "rules_sha256", "repeat"]
        )
        batch.drop_column("config_hash")
        batch.drop_column("round_name")
    with op.batch_alter_table("submissions") as batch:
        for name in ENTRY_KEYS:
            batch.drop_constraint(name, type_="unique")
        batch.create_unique_constraint(OLD_ENTRY_KEY, ["round_name", "config_hash"])
