"""The driver: takes queued runs from the store, dispatches them, records what comes back.

The driver is the only writer. It keeps at most one run in flight per machine, enforces each
run's time limit, retries runs whose worker died (system failures) up to ``max_attempts``,
records deterministic failures once, and on Ctrl-C puts unfinished runs back in the queue.

A run whose result is *contended* (:func:`~tournament.results.validity.contention_reasons`:
others used more of its CPUs than ``rules.max_foreign_cpu_share``) is measured again in a fresh
worker, up to ``rules.contention_retries`` times, before anything is stored; the discarded
attempts' contention samples go with the recorded result (``extra["contention_attempts"]``).
After the bound the last, still contended, result is recorded: it does not count.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from tournament.cost import priced, pricing_for
from tournament.results import Result
from tournament.results.validity import contention_reasons
from tournament.runner.base import Backend, WorkerError, WorkerLost, WorkItem

if TYPE_CHECKING:
    from tournament.store.contract import StoreWriter

ProgressFn = Callable[[str, int, str], None]
"""Called as ``progress(machine, run_id, event)`` with event queued, started, done, failed,
retrying (the worker died) or contended (measured again)."""


@dataclass
class RunSummary:
    """What one driver pass did."""

    done: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    requeued: list[int] = field(default_factory=list)
    interrupted: bool = False


@dataclass
class _InFlight:
    item: WorkItem
    future: Future[dict[str, Any]]
    started: float
    timeout_s: float


def priced_result(data: dict[str, Any], item: WorkItem) -> Result:
    """The worker's result with its cost figures at the machine's registered prices."""
    result = Result.from_dict(data)
    return priced(result, pricing_for(item.machine_spec or {}, item.document))


def _timeout(item: WorkItem) -> float:
    return float(item.rules.get("timeout_s", 1800.0))


def _contention_retries(item: WorkItem) -> int:
    from tournament.harness.base import Rules

    return Rules.model_validate(item.rules).contention_retries


class Driver:
    """Dispatches queued runs of one store through one backend."""

    def __init__(
        self,
        store: StoreWriter,
        backend: Backend,
        *,
        max_attempts: int = 3,
        machine_wait_s: float = 60.0,
        progress: ProgressFn | None = None,
    ) -> None:
        self.store = store
        self.backend = backend
        self.max_attempts = max_attempts
        self.machine_wait_s = machine_wait_s
        self.progress = progress or (lambda machine, run_id, event: None)
        self._discarded: dict[int, list[dict[str, Any]]] = {}  # run id -> contended attempts
        self._claimed: set[int] = set()  # re-queued for a contended re-run, still claimed

    def run(self, items: list[WorkItem]) -> RunSummary:
        """Measure ``items`` (already queued in the store); returns when all are settled."""
        summary = RunSummary()
        queues: dict[str, list[WorkItem]] = {}
        for item in items:
            queues.setdefault(item.machine, []).append(item)
        flying: dict[str, _InFlight] = {}
        attempts: dict[int, int] = {}
        waiting_since = time.monotonic()
        try:
            while any(queues.values()) or flying:
                available = self.backend.machines()
                for machine, queue in queues.items():
                    if machine in flying or not queue:
                        continue
                    if machine not in available:
                        if time.monotonic() - waiting_since > self.machine_wait_s:
                            self._fail_unreachable(machine, queue, summary)
                        continue
                    item = queue.pop(0)
                    if item.run_id in self._claimed:  # a contended re-run: still ours, and
                        self._claimed.discard(item.run_id)  # not an attempt of a lost worker
                    elif self.store.claim_run(item.run_id, worker=self.backend.name):
                        attempts[item.run_id] = attempts.get(item.run_id, 0) + 1
                    else:
                        continue  # another driver took it
                    self.progress(machine, item.run_id, "started")
                    flying[machine] = _InFlight(
                        item, self.backend.submit(item), time.monotonic(), _timeout(item)
                    )
                if not flying:
                    time.sleep(0.5)
                    continue
                self._settle(flying, queues, attempts, summary)
        except KeyboardInterrupt:
            summary.interrupted = True
            self.backend.cancel()
            unfinished = {f.item.run_id for f in flying.values()} | self._claimed
            self._claimed.clear()
            for run_id in sorted(unfinished):
                self.store.reset_run(run_id)
                summary.requeued.append(run_id)
        return summary

    def _settle(
        self,
        flying: dict[str, _InFlight],
        queues: dict[str, list[WorkItem]],
        attempts: dict[int, int],
        summary: RunSummary,
    ) -> None:
        now = time.monotonic()
        next_deadline = min(f.started + f.timeout_s for f in flying.values())
        done, _ = wait(
            [f.future for f in flying.values()],
            timeout=max(0.05, next_deadline - now),
            return_when=FIRST_COMPLETED,
        )
        for machine, inflight in list(flying.items()):
            item = inflight.item
            if inflight.future in done:
                del flying[machine]
                self._record(item, inflight.future, queues, attempts, summary)
            elif time.monotonic() - inflight.started > inflight.timeout_s:
                self.backend.abort(item.run_id)
                del flying[machine]
                msg = f"time limit exceeded: the run took longer than {inflight.timeout_s:g} s"
                self.store.fail_run(item.run_id, msg)
                summary.failed[item.run_id] = msg
                self.progress(machine, item.run_id, "failed")

    def _record(
        self,
        item: WorkItem,
        future: Future[dict[str, Any]],
        queues: dict[str, list[WorkItem]],
        attempts: dict[int, int],
        summary: RunSummary,
    ) -> None:
        try:
            measurement = future.result()
        except WorkerError as exc:
            self._fail(item, str(exc), summary)
            return
        except WorkerLost as exc:
            if attempts.get(item.run_id, 0) < self.max_attempts:
                self.store.reset_run(item.run_id)
                queues[item.machine].insert(0, item)
                self.progress(item.machine, item.run_id, "retrying")
                return
            self._fail(item, f"{exc} (after {attempts[item.run_id]} attempts)", summary)
            return
        except Exception as exc:  # infrastructure error outside the measurement
            self._fail(item, f"{type(exc).__name__}: {exc}", summary)
            return
        try:
            result = priced_result(measurement, item)
        except ValueError as exc:  # a worker that returned something other than a Result
            self._fail(item, f"the worker returned an invalid result: {exc}", summary)
            return
        if self._measure_again(item, result, queues):
            return
        discarded = self._discarded.pop(item.run_id, [])
        if discarded:
            result = replace(result, extra={**result.extra, "contention_attempts": discarded})
        try:
            # record_result refuses results for closed rounds in the same transaction.
            self.store.record_result(item.run_id, result)
        except Exception as exc:  # e.g. disk full: the run fails with the reason, others go on
            self._fail(item, f"could not store the result: {type(exc).__name__}: {exc}", summary)
            return
        summary.done.append(item.run_id)
        self.progress(item.machine, item.run_id, "done")

    def _measure_again(
        self, item: WorkItem, result: Result, queues: dict[str, list[WorkItem]]
    ) -> bool:
        """Re-queue a contended run (kept claimed) while its retries last; True if it was."""
        if not contention_reasons(result):
            return False
        discarded = self._discarded.setdefault(item.run_id, [])
        if len(discarded) >= _contention_retries(item):
            return False
        discarded.append({"attempt": len(discarded) + 1, **result.extra["contention"]})
        self._claimed.add(item.run_id)
        queues[item.machine].insert(0, item)
        self.progress(item.machine, item.run_id, "contended")
        return True

    def _fail(self, item: WorkItem, message: str, summary: RunSummary) -> None:
        self.store.fail_run(item.run_id, message)
        summary.failed[item.run_id] = message
        self.progress(item.machine, item.run_id, "failed")

    def _fail_unreachable(self, machine: str, queue: list[WorkItem], summary: RunSummary) -> None:
        msg = (
            f"no worker for machine {machine!r} joined the cluster within "
            f"{self.machine_wait_s:g} s; start one with `tourney worker start --machine "
            f"{machine}`"
        )
        for item in queue:
            self.store.fail_run(item.run_id, msg)
            summary.failed[item.run_id] = msg
            self.progress(machine, item.run_id, "failed")
        queue.clear()
