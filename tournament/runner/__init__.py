"""Runner: the driver dispatches queued runs to a backend (local subprocesses or Ray)."""

from __future__ import annotations

from tournament.runner.base import Backend, WorkerError, WorkerLost, WorkItem

__all__ = ["Backend", "WorkItem", "WorkerError", "WorkerLost"]
