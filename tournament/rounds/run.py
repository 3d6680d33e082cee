"""``round run``: measure every entry of a round under each of its scenarios, resumably.

The runner's :func:`~tournament.runner.session.execute` does the measuring, scoped to the
round by its ``round_name``: it re-queues only this round's runs left running by a killed
driver (:meth:`~tournament.store.contract.StoreWriter.requeue_round_running`), and records
results with :meth:`~tournament.store.results.ResultsPart.record_result`, which refuses them
once the round is closed and stamps the round's spec hash into each result's environment.

Resuming is safe because a run is unique per (entry, scenario, rules, repeat) and a result per
run: a second ``round run`` queues nothing that exists, measures what is still queued (or was
running when the driver died) and never records a run twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tournament.errors import StateError
from tournament.rounds.lease import LEASE_TTL_S, RoundLease
from tournament.rounds.lifecycle import CLOSED, DRAFT, require_round, start_round
from tournament.rounds.load import stored_spec
from tournament.runner.session import measurable
from tournament.store.contract import StoreWriter


@dataclass
class RoundRunSummary:
    """What one ``round run`` did."""

    queued: int = 0
    done: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    interrupted: bool = False
    pending: int = 0


def run_round(
    store: StoreWriter,
    name: str,
    *,
    backend: str = "ray",
    ray_address: str | None = None,
    machine_wait_s: float = 60.0,
    console: Any = None,
    backend_obj: Any = None,
    lease_ttl_s: float = LEASE_TTL_S,
    retry_failed: bool = False,
) -> RoundRunSummary:
    """Measure round ``name`` (open or running) while holding its lease.

    ``retry_failed`` queues failed and cancelled runs again (their attempts are kept).

    Raises:
        NotFoundError: no such round.
        StateError: the round is a draft or closed, or another live process drives it.
    """
    row = require_round(store, name)
    if row.status in (DRAFT, CLOSED):
        hint = "open it first" if row.status == DRAFT else "its results are frozen"
        raise StateError(f"round {name} is {row.status}: {hint}.")
    with RoundLease(store, name, ttl_s=lease_ttl_s) as lease:
        return run_locked(
            store,
            name,
            backend=backend,
            ray_address=ray_address,
            machine_wait_s=machine_wait_s,
            console=console,
            backend_obj=backend_obj,
            lease=lease,
            retry_failed=retry_failed,
        )


def run_locked(
    store: StoreWriter,
    name: str,
    *,
    backend: str = "ray",
    ray_address: str | None = None,
    machine_wait_s: float = 60.0,
    console: Any = None,
    backend_obj: Any = None,
    lease: RoundLease | None = None,
    retry_failed: bool = False,
) -> RoundRunSummary:
    """:func:`run_round` for a caller that holds the round's lease already."""
    start_round(store, name)
    spec = stored_spec(require_round(store, name))
    summary = RoundRunSummary()
    for scenario, rules in spec.plan():
        ids, _ = measurable(store, scenario, name)  # an entry in the scenarios it fits
        if ids:
            summary.queued += len(
                store.queue_runs(
                    scenario,
                    rules,
                    submission_ids=ids,
                    round_name=name,
                    repeats=max(spec.repeats, int(rules["runs"])),
                    requeue_failed=retry_failed,
                )
            )
    store.requeue_round_running(name)  # this round's only: other drivers' runs are theirs
    pending = store.pending_runs(round_name=name)
    if not pending:
        return summary
    owned = backend_obj is None
    if owned:
        from tournament.runner.session import make_backend

        backend_obj = make_backend(backend, ray_address, {t.machine for t in pending})
    try:
        _measure(store, name, spec.plan(), backend_obj, machine_wait_s, console, summary, lease)
    finally:
        if owned:
            backend_obj.close()
    summary.pending = len(store.pending_runs(round_name=name))
    return summary


def _measure(
    store: StoreWriter,
    name: str,
    plan: list[tuple[str, dict[str, Any]]],
    backend_obj: Any,
    machine_wait_s: float,
    console: Any,
    summary: RoundRunSummary,
    lease: RoundLease | None,
) -> None:
    from tournament.runner.session import execute

    for scenario, rules in plan:
        if lease is not None and lease.lost:
            raise StateError(
                f"round {name}: the lease was lost (another process took it over); stopping."
            )
        if require_round(store, name).status == CLOSED or not store.pending_runs(round_name=name):
            return
        result = execute(
            store,
            scenario=scenario,
            rules=rules,
            round_name=name,
            machine_wait_s=machine_wait_s,
            console=console,
            backend_obj=backend_obj,
        )
        summary.done += result.done
        summary.failed.update(result.failed)
        if result.interrupted:
            summary.interrupted = True
            return
