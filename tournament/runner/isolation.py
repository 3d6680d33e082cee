"""Isolation: which CPUs the timed worker runs on, and which the driver and Ray keep to.

A :class:`Placement` is planned from the CPUs this process may use (``os.sched_getaffinity``)
and the threads a run asks for (``runtime_options.intra_op_threads``; inter-op threads and
OpenVINO streams share those CPUs):

* the worker gets ``min(threads, CPUs)`` CPUs, the highest-numbered ones (CPU 0 takes most
  interrupts); its threads are capped at that count, and the cap is recorded;
* the *housekeeping* CPUs (the driver, its progress bars, the Ray processes it starts) are the
  others, where there are others: on 2 CPUs with 1 thread the worker has CPU 1 and the driver
  CPU 0 (``exclusive``); with 2 threads both share both CPUs (not exclusive).

The driver pins every thread of its process to the housekeeping CPUs for the duration of
dispatch (:func:`housekeeping`) and restores each thread's previous affinity afterwards, so
what it starts meanwhile (local worker processes, an embedded Ray cluster) starts there. The
worker pins every thread of its own process to the worker CPUs before it prepares the model
(:func:`worker`). A cluster joined with an address, and processes started before the driver
pinned itself, are out of reach: they keep their affinity. SMT siblings are not considered.
Where the platform has no affinity calls, nothing is pinned or capped and the record says so.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from tournament.schema.submission import RuntimeOptionsBase

AFFINITY = hasattr(os, "sched_getaffinity") and hasattr(os, "sched_setaffinity")
"""Whether this platform has the affinity calls (Linux)."""

NO_AFFINITY = "this platform has no os.sched_setaffinity: the worker is neither pinned nor capped"
_THREAD_FIELDS = ("intra_op_threads", "inter_op_threads", "num_streams")
_Options = TypeVar("_Options", bound=RuntimeOptionsBase)


@dataclass(frozen=True)
class Placement:
    """Where one run's threads go; see the module docstring for the rules."""

    available: tuple[int, ...]
    worker_cpus: tuple[int, ...]
    housekeeping_cpus: tuple[int, ...]
    threads_requested: int
    threads: int

    @property
    def capped(self) -> bool:
        """The run asked for more threads than it has CPUs."""
        return self.threads < self.threads_requested

    @property
    def exclusive(self) -> bool:
        """No housekeeping CPU is one of the worker's."""
        return not set(self.worker_cpus) & set(self.housekeeping_cpus)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the fields plus ``capped`` and ``exclusive``."""
        return {
            "available_cpus": list(self.available),
            "worker_cpus": list(self.worker_cpus),
            "housekeeping_cpus": list(self.housekeeping_cpus),
            "threads_requested": self.threads_requested,
            "threads": self.threads,
            "capped": self.capped,
            "exclusive": self.exclusive,
        }


def plan(available: Iterable[int], threads: int) -> Placement:
    """The placement of a run asking for ``threads`` threads on the CPUs ``available``.

    Raises:
        ValueError: no CPUs, or fewer than one thread.
    """
    cpus = tuple(sorted(set(available)))
    if not cpus:
        raise ValueError("available: a placement needs at least one CPU")
    if threads < 1:
        raise ValueError(f"threads: expected at least 1, got {threads}")
    used = min(threads, len(cpus))
    worker = cpus[len(cpus) - used :]
    spare = cpus[: len(cpus) - used]
    return Placement(cpus, worker, spare or cpus, threads, used)


def requested_threads(document: dict[str, Any]) -> int:
    """The threads a submission document asks for (``runtime_options.intra_op_threads``)."""
    options = document.get("runtime_options") or {}
    default = RuntimeOptionsBase.model_fields["intra_op_threads"].default
    return int(options.get("intra_op_threads", default))


def current_cpus() -> tuple[int, ...] | None:
    """The CPUs the calling thread may run on; None without affinity calls."""
    return tuple(sorted(os.sched_getaffinity(0))) if AFFINITY else None


def _threads() -> list[int]:
    """Ids of this process's threads (only the calling thread, as 0, without ``/proc``)."""
    try:
        return [int(tid) for tid in os.listdir("/proc/self/task")]
    except OSError:
        return [0]


def _masks() -> dict[int, set[int]]:
    masks = {}
    for tid in _threads():
        try:
            masks[tid] = os.sched_getaffinity(tid)
        except OSError:  # the thread ended meanwhile
            continue
    return masks


def pin_process(cpus: Iterable[int]) -> None:
    """Pin every thread of this process to ``cpus`` (threads it starts later inherit it).

    Raises:
        OSError: none of ``cpus`` exists or may be used here.
    """
    mask = set(cpus)
    os.sched_setaffinity(0, mask)  # the calling thread first: raises for an impossible set
    for tid in _threads():
        try:
            os.sched_setaffinity(tid, mask)
        except OSError:  # the thread ended meanwhile
            continue


@contextmanager
def restored() -> Iterator[None]:
    """Put every thread's affinity back as it was on exit; threads started inside the block
    get the calling thread's previous affinity."""
    if not AFFINITY:
        yield
        return
    saved = _masks()
    own = os.sched_getaffinity(0)
    try:
        yield
    finally:
        for tid in _threads():
            try:
                os.sched_setaffinity(tid, saved.get(tid, own))
            except OSError:
                continue
        os.sched_setaffinity(0, own)


@contextmanager
def housekeeping(threads: int) -> Iterator[Placement | None]:
    """The driver's side: pin this process to the housekeeping CPUs of the placement for
    ``threads`` while the block runs (restored after); yields the placement (None without
    affinity calls). Work items should carry ``placement.available``: the workers inherit the
    housekeeping CPUs and re-plan from the CPUs the driver saw."""
    cpus = current_cpus()
    if cpus is None:
        yield None
        return
    placement = plan(cpus, max(1, threads))
    with restored():
        pin_process(placement.housekeeping_cpus)
        yield placement


def capped_options(options: _Options, threads: int) -> tuple[_Options, dict[str, list[int]]]:
    """``options`` with every thread count (intra-op, inter-op, OpenVINO streams) at most
    ``threads``, and ``{field: [asked, used]}`` for each one capped."""
    capped = {}
    for name in _THREAD_FIELDS:
        value = getattr(options, name, None)
        if isinstance(value, int) and value > threads:
            capped[name] = [value, threads]
    if not capped:
        return options, {}
    data = {**options.model_dump(), **{k: v[1] for k, v in capped.items()}}
    return type(options).model_validate(data), capped


def _allowed_list() -> str | None:
    """``Cpus_allowed_list`` of this process as the kernel reports it."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Cpus_allowed_list:"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


@contextmanager
def worker(
    options: _Options, cpus: Sequence[int] | None = None
) -> Iterator[tuple[_Options, dict[str, Any]]]:
    """The worker's side: pin this process to its worker CPUs and cap its threads while the
    block runs (affinity restored after, for in-process callers such as tests).

    ``cpus``: the CPUs the driver planned from (it keeps to their housekeeping CPUs); None
    when the driver is out of reach (a joined cluster): the worker plans from its own affinity
    and records housekeeping and exclusiveness as unknown. Yields the options to prepare with
    and the record for ``result.extra["isolation"]``, read back from this process.
    """
    if not AFFINITY:
        yield options, {"pinned": False, "reason": NO_AFFINITY}
        return
    inherited = current_cpus() or ()
    with restored():
        source, placement = "driver", None
        if cpus:
            try:
                placement = plan(cpus, options.intra_op_threads)
                pin_process(placement.worker_cpus)
            except OSError:  # the driver's CPUs are not this host's
                placement = None
        if placement is None:
            source, placement = "worker", plan(inherited, options.intra_op_threads)
            pin_process(placement.worker_cpus)
        record = {**placement.to_dict(), "pinned": True, "planned_by": source}
        record.update(
            worker_cpus=sorted(os.sched_getaffinity(0)),
            cpus_allowed_list=_allowed_list(),
            inherited_cpus=list(inherited),
            worker_pid=os.getpid(),
        )
        if source == "worker":
            record.update(housekeeping_cpus=None, exclusive=None)
        used, capped = capped_options(options, placement.threads)
        record["options_capped"] = capped
        yield used, record
