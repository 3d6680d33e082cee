"""Local backend: each benchmark in a fresh spawned process, one at a time (queued in order).

A fresh process per run means a crash, a leaked thread setting or a memory spike cannot
leak into the next measurement, and peak RSS is the benchmark's own.
"""

from __future__ import annotations

import multiprocessing
import threading
import traceback
from collections import deque
from collections.abc import Set
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from tournament.errors import UserError
from tournament.runner.base import Backend, WorkerError, WorkerLost, WorkItem


def run_item(item: WorkItem) -> dict[str, Any]:
    """Worker entry point: measure ``item``; a deterministic failure becomes WorkerError.

    With ``rules.max_memory_mb`` the worker caps its own memory first (see
    :mod:`tournament.runner.limits`); an allocation over it fails the run with that reason.
    """
    from tournament.runner.limits import is_out_of_memory, limit_memory, memory_message
    from tournament.runner.measure import measure

    max_mb = item.rules.get("max_memory_mb")
    if max_mb:
        limit_memory(int(max_mb))
    try:
        return measure(item.document, item.scenario, item.rules, item.machine_spec, cpus=item.cpus)
    except Exception as exc:  # the model or runtime raised: report the message, not retried
        if max_mb and is_out_of_memory(exc):
            raise WorkerError(memory_message(int(max_mb), exc)) from None
        tail = traceback.format_exc(limit=-3)
        raise WorkerError(f"{type(exc).__name__}: {exc}\n{tail}") from None


def _die_with_parent() -> None:
    """Worker initializer: end this worker when the driver dies (no orphaned benchmarks).

    Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` (delivered when the thread that started the
    worker ends, hence :class:`LocalBackend`'s one dispatcher thread); elsewhere a daemon
    thread polls the parent.
    """
    import ctypes
    import os
    import signal
    import threading
    import time

    parent = os.getppid()
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        if libc.prctl(1, signal.SIGKILL) == 0 and os.getppid() == parent:  # 1 = PR_SET_PDEATHSIG
            return
    except OSError:
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="tourney-parent-watch").start()


class LocalBackend(Backend):
    """Runs every work item in its own spawned subprocess on this machine, one at a time.

    Items wait in order (their futures stay pending) and one dispatcher thread, living as long
    as the backend, starts each worker and waits for it, so two benchmarks never share the
    machine whoever submits them. Workers are spawned from that one thread on purpose: Linux
    delivers a worker's parent-death signal (see :func:`_die_with_parent`) when the *thread*
    that started it ends, so a worker started from a short-lived thread would be killed.
    """

    name = "local"

    def __init__(self, machine_id: str = "local") -> None:
        self.machine_id = machine_id
        self._ctx = multiprocessing.get_context("spawn")
        self._pools: dict[int, ProcessPoolExecutor] = {}
        self._waiting: deque[tuple[WorkItem, Future[dict[str, Any]]]] = deque()
        self._cond = threading.Condition()
        self._closed = False
        self._dispatcher: threading.Thread | None = None

    @classmethod
    def create(
        cls,
        *,
        address: str | None = None,
        machines: Set[str] = frozenset(),
        reuse_workers: bool = False,
    ) -> LocalBackend:
        """A local backend; only machine ``local`` can run here."""
        others = sorted(set(machines) - {"local"})
        if others:
            raise UserError(
                f"machine: the local backend only runs machine 'local', but runs "
                f"are queued for {', '.join(others)}; use --backend ray."
            )
        return cls()

    def machines(self) -> set[str]:
        return {self.machine_id}

    def runs_on_this_host(self) -> bool:
        return True

    def submit(self, item: WorkItem) -> Future[dict[str, Any]]:
        outer: Future[dict[str, Any]] = Future()
        with self._cond:
            if self._closed:
                raise RuntimeError("the local backend is closed")
            self._waiting.append((item, outer))
            if self._dispatcher is None:
                self._dispatcher = threading.Thread(
                    target=self._dispatch, daemon=True, name="tourney-local-dispatch"
                )
                self._dispatcher.start()
            self._cond.notify()
        return outer

    def _dispatch(self) -> None:
        """Start the waiting items one after the other until the backend closes."""
        while True:
            with self._cond:
                while not self._waiting and not self._closed:
                    self._cond.wait()
                if not self._waiting:
                    return
                item, outer = self._waiting.popleft()
                if not outer.set_running_or_notify_cancel():
                    continue
            self._run(item, outer)

    def _run(self, item: WorkItem, outer: Future[dict[str, Any]]) -> None:
        pool = ProcessPoolExecutor(
            max_workers=1, mp_context=self._ctx, initializer=_die_with_parent
        )
        with self._cond:
            self._pools[item.run_id] = pool
        try:
            outer.set_result(pool.submit(run_item, item).result())
        except BrokenProcessPool:
            outer.set_exception(WorkerLost("the benchmark worker process died"))
        except BaseException as exc:
            outer.set_exception(exc)
        finally:
            with self._cond:
                self._pools.pop(item.run_id, None)
            pool.shutdown(wait=False)

    def abort(self, run_id: int) -> None:
        with self._cond:
            for queued in list(self._waiting):
                if queued[0].run_id == run_id:
                    self._waiting.remove(queued)
                    queued[1].set_exception(WorkerLost("aborted before it started"))
                    return
            pool = self._pools.get(run_id)
        if pool is None:
            return
        # ProcessPoolExecutor has no public kill; its worker processes are in ``_processes``.
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            if proc.is_alive():
                proc.kill()

    def cancel(self) -> None:
        with self._cond:
            waiting, self._waiting = list(self._waiting), deque()
            running = list(self._pools)
        for _, outer in waiting:
            outer.set_exception(WorkerLost("cancelled before it started"))
        for run_id in running:
            self.abort(run_id)

    def close(self) -> None:
        self.cancel()
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            dispatcher = self._dispatcher
        if dispatcher is not None and dispatcher is not threading.current_thread():
            dispatcher.join(timeout=30)
