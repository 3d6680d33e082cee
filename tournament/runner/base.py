"""The backend contract: where benchmark workers run (a local subprocess, or Ray)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Set
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WorkItem:
    """One run to measure: plain data a worker can receive (pickled or sent through Ray)."""

    run_id: int
    document: dict[str, Any]
    scenario: str
    rules: dict[str, Any]
    machine: str
    machine_spec: dict[str, Any] | None
    needs_gpu: bool = False
    cpus: tuple[int, ...] | None = None
    """The CPUs the driver planned this run's placement from (its affinity before it pinned
    itself to the housekeeping CPUs, :mod:`tournament.runner.isolation`); None where the
    worker is not on the driver's host: it plans from its own affinity."""


class Backend(ABC):
    """Runs work items in isolated worker processes, at most one per machine at a time.

    Contract: ``submit`` never blocks on the measurement; the returned future resolves to a
    :class:`~tournament.results.Result` as a dict (``Result.to_dict``), or raises
    :class:`WorkerError` for a deterministic failure (the model raised: not retried) or
    :class:`WorkerLost` when the worker died (system failure, retried by the backend where it
    can). ``close`` releases everything the backend started and nothing else. Backends are
    ``tourney.backends`` entry points, made with :meth:`create`.
    """

    name: str

    @classmethod
    def create(
        cls,
        *,
        address: str | None = None,
        machines: Set[str] = frozenset(),
        reuse_workers: bool = False,
    ) -> Backend:
        """A backend for runs queued on ``machines``; ``address`` joins an existing cluster
        where the backend has one, ``reuse_workers`` keeps workers between runs where it can.

        Raises:
            UserError: this backend cannot run those machines (one sentence, naming the option).
        """
        return cls()

    def runs_on_this_host(self) -> bool:
        """Whether every worker of this backend runs on the driver's host (so the driver's
        CPUs are theirs); False unless a backend knows."""
        return False

    @abstractmethod
    def submit(self, item: WorkItem) -> Future[dict[str, Any]]:
        """Start measuring ``item``."""

    @abstractmethod
    def machines(self) -> set[str]:
        """Machine ids that have a worker in this backend right now."""

    @abstractmethod
    def abort(self, run_id: int) -> None:
        """Kill the worker measuring ``run_id`` (time limit exceeded); its future fails."""

    def cancel(self) -> None:  # noqa: B027 - optional hook, no-op by default
        """Stop all work in flight (best effort); the driver re-queues unfinished runs."""

    @abstractmethod
    def close(self) -> None:
        """Release workers and clusters this backend started."""


class WorkerError(RuntimeError):
    """The measurement raised (a deterministic failure): recorded once, never retried."""


class WorkerLost(RuntimeError):
    """The worker process died (killed, out of memory, node lost)."""
