"""Ray backend: each run is a Ray task pinned to the custom resource ``machine:<id>``.

* Embedded: without an address, a local cluster is started (``include_dashboard=False``) whose
  node advertises ``machine:<id>`` (quantity 1) for each local machine id, so no two
  benchmarks share a machine. It is shut down by :meth:`close`.
* Existing cluster: ``address="auto"`` or ``HOST:PORT``; nodes joined with
  ``tourney worker start --machine ID`` advertise their own ``machine:ID`` resource.
* Isolation: the embedded cluster is started while the driver is pinned to its housekeeping
  CPUs (:mod:`tournament.runner.isolation`), so its processes inherit them; each task pins
  itself to its worker CPUs. A joined cluster's processes keep their own affinity.
* Each task runs in a fresh worker process (``max_calls=1``). Ray retries a task whose worker
  died (``max_retries``); an exception raised by the measurement is not retried.
"""

from __future__ import annotations

import os
from collections.abc import Set
from concurrent.futures import Future
from typing import Any

from tournament.runner.base import Backend, WorkerError, WorkerLost, WorkItem
from tournament.runner.local import run_item

RESOURCE_PREFIX = "machine:"
LOOPBACK_ENV = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"
"""Set to 0 before Ray is imported, Ray binds every server of an embedded cluster to 127.0.0.1
(Ray reads it once, at import). Joining an existing cluster is unaffected by it."""


def ray_run_item(item: WorkItem) -> dict[str, Any]:
    """Ray task body: measure, and record where Ray placed the run."""
    import ray

    result = run_item(item)
    ctx = ray.get_runtime_context()
    result.setdefault("extra", {})["ray"] = {
        "node_id": ctx.get_node_id(),
        "worker_pid": os.getpid(),
        "assigned_resources": ctx.get_assigned_resources(),
    }
    return result


def machine_resource(machine_id: str) -> str:
    """The Ray custom resource that stands for one registered machine."""
    return f"{RESOURCE_PREFIX}{machine_id}"


class RayBackend(Backend):
    """Dispatches work items as Ray tasks."""

    name = "ray"

    @classmethod
    def create(
        cls,
        *,
        address: str | None = None,
        machines: Set[str] = frozenset(),
        reuse_workers: bool = False,
    ) -> RayBackend:
        """Embedded local Ray, or the cluster at ``address``."""
        return cls(address, reuse_workers=reuse_workers)

    def __init__(
        self,
        address: str | None = None,
        *,
        local_machines: tuple[str, ...] = ("local",),
        num_cpus: int | None = None,
        max_retries: int = 2,
        reuse_workers: bool = False,
    ) -> None:
        if not address:
            os.environ.setdefault(LOOPBACK_ENV, "0")
        import ray

        self._ray = ray
        self.max_retries = max_retries
        self._refs: dict[int, Any] = {}
        self._started = False
        if ray.is_initialized():
            pass  # reuse the caller's connection (tests, notebooks)
        elif address:
            ray.init(address=address, include_dashboard=False, log_to_driver=False)
        else:
            ray.init(
                address="local",  # always a new embedded cluster, never a stray `ray start` one
                num_cpus=num_cpus or os.cpu_count() or 1,
                include_dashboard=False,
                resources={machine_resource(m): 1 for m in local_machines},
                log_to_driver=False,
                configure_logging=False,
            )
            self._started = True
        # ray.init replaces SIGTERM's handler; keep ours (re-queue in-flight runs, one line).
        from tournament.signals import reassert

        reassert()
        # A fresh worker process per run isolates runs (crashes, thread settings, peak RSS);
        # reusing workers saves the interpreter start and imports (~0.6-3 s a run) but peak RSS
        # is then the worker's lifetime peak.
        self.reuse_workers = reuse_workers
        self._remote = ray.remote(max_calls=0 if reuse_workers else 1)(ray_run_item)

    def machines(self) -> set[str]:
        alive: set[str] = set()
        for node in self._ray.nodes():
            if not node.get("Alive"):
                continue
            for key in node.get("Resources", {}):
                if key.startswith(RESOURCE_PREFIX):
                    alive.add(key[len(RESOURCE_PREFIX) :])
        return alive

    def runs_on_this_host(self) -> bool:
        """True for the embedded cluster, and for a cluster whose only live node is the one
        this driver is attached to."""
        if self._started:
            return True
        here = self._ray.get_runtime_context().get_node_id()
        alive = [node.get("NodeID") for node in self._ray.nodes() if node.get("Alive")]
        return alive == [here]

    def submit(self, item: WorkItem) -> Future[dict[str, Any]]:
        ref = self._remote.options(
            resources={machine_resource(item.machine): 1},
            num_gpus=1 if item.needs_gpu else 0,
            num_cpus=0,
            max_retries=self.max_retries,
            retry_exceptions=False,
        ).remote(item)
        self._refs[item.run_id] = ref
        outer: Future[dict[str, Any]] = Future()
        inner = ref.future()

        def _done(fut: Future[Any]) -> None:
            self._refs.pop(item.run_id, None)
            try:
                outer.set_result(fut.result())
            except BaseException as exc:
                outer.set_exception(self._translate(exc))

        inner.add_done_callback(_done)
        return outer

    def _translate(self, exc: BaseException) -> BaseException:
        from ray import exceptions as rex

        if isinstance(exc, rex.RayTaskError):
            cause = exc.cause if hasattr(exc, "cause") else None
            if isinstance(cause, WorkerError):
                return WorkerError(str(cause))
            return WorkerError(str(cause or exc).strip())
        if isinstance(exc, WorkerError):
            return WorkerError(str(exc))
        if isinstance(exc, rex.TaskCancelledError):
            return WorkerLost("the run was cancelled")
        if isinstance(exc, rex.RayError):
            return WorkerLost(
                f"the benchmark worker died ({type(exc).__name__}) after {self.max_retries} retries"
            )
        return exc

    def abort(self, run_id: int) -> None:
        ref = self._refs.get(run_id)
        if ref is not None:
            self._ray.cancel(ref, force=True)

    def cancel(self) -> None:
        for run_id in list(self._refs):
            self.abort(run_id)

    def close(self) -> None:
        self.cancel()
        if self._started:
            self._ray.shutdown()
            self._started = False
