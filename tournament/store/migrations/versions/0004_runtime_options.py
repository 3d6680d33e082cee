"""Each runtime has its own options: torch entries lose ONNX Runtime's ``graph_optimization``.

Until now one options schema held every runtime's options, so the canonical configuration of a
``torch`` or ``torch-compile`` entry carried ``runtime_options.graph_optimization`` (always
``"all"``: any other value was refused). Today's torch options have no such field, so such an
entry's stored file no longer validates and its configuration hash changed. This migration
removes the field from ``config`` and ``document`` of those entries and recomputes their
``config_hash`` (sha256 of the canonical JSON: keys sorted, no whitespace), in ``submissions`` and
in ``runs``. Old hashes cannot collide: they all carried the same value. Results keep the
``environment.config_hash`` they were measured under (a fingerprint of that time).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TORCH_RUNTIMES = ("torch", "torch-compile")
FIELD = "graph_optimization"

_submissions = sa.table(
    "submissions",
    sa.column("id", sa.Integer()),
    sa.column("runtime", sa.String()),
    sa.column("config_hash", sa.String()),
    sa.column("config", sa.JSON()),
    sa.column("document", sa.JSON()),
)
_runs = sa.table("runs", sa.column("submission_id", sa.Integer()), sa.column("config_hash"))


def config_hash(config: dict[str, Any]) -> str:
    """The configuration hash as it is defined (frozen here: a migration must not change)."""
    text = json.dumps(config, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _without_field(data: Any) -> Any:
    if isinstance(data, str):
        data = json.loads(data)
    if not isinstance(data, dict):
        return data
    options = data.get("runtime_options")
    if isinstance(options, dict) and FIELD in options:
        data = {**data, "runtime_options": {k: v for k, v in options.items() if k != FIELD}}
    return data


def upgrade() -> None:
    if op.get_context().as_sql:  # offline SQL: the rows are rewritten in Python
        return
    bind = op.get_bind()
    c = _submissions.c
    rows = bind.execute(
        sa.select(c.id, c.config_hash, c.config, c.document).where(c.runtime.in_(TORCH_RUNTIMES))
    ).all()
    for entry_id, old_hash, config, document in rows:
        config = _without_field(config)
        new_hash = config_hash(config)
        bind.execute(
            _submissions.update()
            .where(c.id == entry_id)
            .values(config=config, document=_without_field(document), config_hash=new_hash)
        )
        bind.execute(
            _runs.update()
            .where(_runs.c.submission_id == entry_id, _runs.c.config_hash == old_hash)
            .values(config_hash=new_hash)
        )


def downgrade() -> None:
    """The removed field was always ``"all"``: put it back and recompute the hashes."""
    if op.get_context().as_sql:
        return
    bind = op.get_bind()
    c = _submissions.c
    rows = bind.execute(
        sa.select(c.id, c.config_hash, c.config, c.document).where(c.runtime.in_(TORCH_RUNTIMES))
    ).all()
    for entry_id, old_hash, config, document in rows:
        config, document = (_with_field(x) for x in (config, document))
        new_hash = config_hash(config)
        bind.execute(
            _submissions.update()
            .where(c.id == entry_id)
            .values(config=config, document=document, config_hash=new_hash)
        )
        bind.execute(
            _runs.update()
            .where(_runs.c.submission_id == entry_id, _runs.c.config_hash == old_hash)
            .values(config_hash=new_hash)
        )


def _with_field(data: Any) -> Any:
    if isinstance(data, str):
        data = json.loads(data)
    options = dict(data.get("runtime_options") or {})
    options.setdefault(FIELD, "all")
    return {**data, "runtime_options": options}
