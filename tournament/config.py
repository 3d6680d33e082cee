"""Where Tourney keeps its data: one home directory, overridable by environment variables.

* ``TOURNEY_HOME``   data directory (default ``~/.tourney``): the SQLite database, caches.
* ``TOURNEY_DB_URL`` any SQLAlchemy URL (e.g. ``postgresql+psycopg://...``); default is the
  SQLite file ``$TOURNEY_HOME/tourney.db``.
* ``TOURNEY_CACHE``  cache of trained weights, reference outputs and prepared artifacts
  (default ``$TOURNEY_HOME/cache``); safe to delete, everything in it is rebuilt on demand.
"""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """The data directory, created on first use."""
    path = Path(os.environ.get("TOURNEY_HOME") or Path.home() / ".tourney").expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir(*parts: str) -> Path:
    """A sub-directory of the cache, created on first use."""
    root = os.environ.get("TOURNEY_CACHE")
    path = Path(root).expanduser() if root else home() / "cache"
    path = path.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def db_url() -> str:
    """The database URL: ``TOURNEY_DB_URL`` or the SQLite file in the data directory."""
    url = os.environ.get("TOURNEY_DB_URL")
    if url:
        return url
    return f"sqlite:///{home() / 'tourney.db'}"
