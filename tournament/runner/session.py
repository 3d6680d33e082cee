"""One ``tourney run``: queue, dispatch through a backend with progress, record."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tournament.runner import isolation
from tournament.runner.base import Backend, WorkItem
from tournament.runner.driver import Driver, RunSummary

if TYPE_CHECKING:
    from tournament.store.contract import StoreWriter
    from tournament.store.runs import RunTask


def make_backend(
    kind: str, ray_address: str | None, machines: set[str], *, reuse_workers: bool = False
) -> Backend:
    """The registered backend ``kind`` (``local`` subprocesses, or Ray: embedded, or joined with
    ``ray_address``) for runs on ``machines``."""
    from tournament.runner import BACKENDS

    return BACKENDS.load(kind).create(
        address=ray_address, machines=machines, reuse_workers=reuse_workers
    )


def measurable(
    store: StoreWriter, scenario: str, round_name: str | None
) -> tuple[list[int], list[str]]:
    """Ids of the submissions (of ``round_name``) ``scenario`` can measure, and one sentence per
    submission it cannot (single-stream measures batch size 1 only)."""
    from tournament import harness

    chosen = harness.get(scenario)
    ids, skipped = [], []
    for sub in store.submissions(round_name=round_name):
        problem = chosen.batch_problem(sub.batch_size)
        if problem:
            skipped.append(f"entry #{sub.id} ({sub.team}/{sub.name}) not queued: {problem}")
        else:
            ids.append(sub.id)
    return ids, skipped


def machine_specs(store: StoreWriter, machine_ids: set[str]) -> dict[str, dict[str, Any]]:
    """Registered specs by id (``local`` is detected and registered on first use)."""
    from tournament.machines import spec_of

    return {mid: spec_of(store, mid) for mid in sorted(machine_ids)}


def work_items(
    store: StoreWriter, specs: dict[str, dict[str, Any]], tasks: list[RunTask]
) -> list[WorkItem]:
    """Plain work items for queued runs."""
    items = []
    for task in tasks:
        options = task.document.get("runtime_options", {})
        items.append(
            WorkItem(
                run_id=task.run_id,
                document=task.document,
                scenario=task.scenario,
                rules=task.rules,
                machine=task.machine,
                machine_spec=specs.get(task.machine),
                needs_gpu=options.get("execution_provider") == "cuda",
            )
        )
    return items


def execute(
    store: StoreWriter,
    *,
    scenario: str,
    rules: dict[str, Any],
    backend: str = "ray",
    ray_address: str | None = None,
    round_name: str | None = None,
    machine_wait_s: float = 60.0,
    console: Console | None = None,
    backend_obj: Backend | None = None,
    reuse_workers: bool = False,
) -> RunSummary:
    """Queue every submission for ``scenario``/``rules`` and measure all pending runs.

    While runs are dispatched this process is pinned to the housekeeping CPUs (see
    :mod:`tournament.runner.isolation`; its previous affinity is restored on return), and work
    items for workers on this host carry the CPUs it planned from.
    """
    console = console or Console()
    # Resume after a killed driver: runs left "running" in this scope go back in the queue.
    if round_name is None:
        store.requeue_running()
    else:
        store.requeue_round_running(round_name)
    from tournament.harness import Rules

    runs = Rules.model_validate(rules).runs
    ids, skipped = measurable(store, scenario, round_name)
    for sentence in skipped:
        console.print(sentence, markup=False, highlight=False)
    if ids:
        store.queue_runs(scenario, rules, submission_ids=ids, round_name=round_name, repeats=runs)
    tasks = store.pending_runs(round_name=round_name)
    if not tasks:
        console.print("nothing to run: every submission already has a result for these rules")
        return RunSummary()
    specs = machine_specs(store, {t.machine for t in tasks})
    items = work_items(store, specs, tasks)
    threads = max(isolation.requested_threads(i.document) for i in items)
    # The driver, its progress bars and what it starts (local workers, an embedded Ray
    # cluster) keep to the housekeeping CPUs until dispatch ends; then affinity is restored.
    with isolation.housekeeping(threads) as placement:
        owned = backend_obj is None
        be = backend_obj or make_backend(
            backend, ray_address, {i.machine for i in items}, reuse_workers=reuse_workers
        )
        try:
            if placement is not None and be.runs_on_this_host():
                items = [replace(i, cpus=placement.available) for i in items]
            return _dispatch(store, be, items, machine_wait_s, console)
        finally:
            if owned:
                be.close()


def _dispatch(
    store: StoreWriter,
    be: Backend,
    items: list[WorkItem],
    machine_wait_s: float,
    console: Console,
) -> RunSummary:
    """Run ``items`` through ``be`` with one progress bar per machine."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        bars = {}
        for machine in sorted({i.machine for i in items}):
            total = sum(1 for i in items if i.machine == machine)
            bars[machine] = progress.add_task(f"machine {machine}", total=total)

        def on_event(machine: str, run_id: int, event: str) -> None:
            if event in {"done", "failed"}:
                progress.advance(bars[machine])
            progress.update(bars[machine], description=f"machine {machine}: run #{run_id} {event}")

        driver = Driver(
            store,
            be,
            max_attempts=1 if be.name == "ray" else 3,
            machine_wait_s=machine_wait_s,
            progress=on_event,
        )
        return driver.run(items)
