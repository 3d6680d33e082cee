"""The store: SQLAlchemy models, Alembic migrations and :class:`Store`, the only writer.

SQLite by default (``$TOURNEY_HOME/tourney.db``), any SQLAlchemy URL through ``TOURNEY_DB_URL``.
"""

from __future__ import annotations

from tournament.store.codec import decode_latencies, encode_latencies
from tournament.store.engine import make_engine
from tournament.store.leases import Lease, LeaseHeld, lease_name
from tournament.store.migrate import upgrade
from tournament.store.models import Origin, RoundStatus, RunStatus
from tournament.store.records import (
    FLAT_COLUMNS,
    Entry,
    EntryRef,
    LeaseRecord,
    MachineRecord,
    Reproduction,
    ResultRecord,
    RoundRecord,
    RunRecord,
    flat_row,
)
from tournament.store.retry import retrying
from tournament.store.runs import RunTask
from tournament.store.store import Store

__all__ = [
    "FLAT_COLUMNS",
    "Entry",
    "EntryRef",
    "Lease",
    "LeaseHeld",
    "LeaseRecord",
    "MachineRecord",
    "Origin",
    "Reproduction",
    "ResultRecord",
    "RoundRecord",
    "RoundStatus",
    "RunRecord",
    "RunStatus",
    "RunTask",
    "Store",
    "decode_latencies",
    "encode_latencies",
    "flat_row",
    "lease_name",
    "make_engine",
    "retrying",
    "upgrade",
]
