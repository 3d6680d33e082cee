"""Runner: the driver dispatches queued runs to a backend (local subprocesses or Ray).

Backends are ``tourney.backends`` entry points, found by name in :data:`BACKENDS`.
"""

from __future__ import annotations

from tournament.plugins import Registry
from tournament.runner.base import Backend, WorkerError, WorkerLost, WorkItem

BACKENDS: Registry[Backend] = Registry("tourney.backends", Backend, kind="backend")
"""Backend classes by name (entry-point group ``tourney.backends``)."""

__all__ = ["BACKENDS", "Backend", "WorkItem", "WorkerError", "WorkerLost"]
