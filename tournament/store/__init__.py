"""The store: SQLAlchemy models, Alembic migrations and :class:`Store`, the only writer.

SQLite by default (``$TOURNEY_HOME/tourney.db``), any SQLAlchemy URL through ``TOURNEY_DB_URL``.
"""

from __future__ import annotations

from tournament.store.codec import decode_latencies, encode_latencies
from tournament.store.engine import make_engine
from tournament.store.migrate import upgrade
from tournament.store.models import Origin, RoundStatus, RunStatus
from tournament.store.results import COST_FIELDS
from tournament.store.retry import retrying
from tournament.store.runs import RunTask
from tournament.store.store import Store

__all__ = [
    "COST_FIELDS",
    "Origin",
    "RoundStatus",
    "RunStatus",
    "RunTask",
    "Store",
    "decode_latencies",
    "encode_latencies",
    "make_engine",
    "retrying",
    "upgrade",
]
