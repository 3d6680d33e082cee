"""The scheduler: opens, runs and closes rounds when their spec says, with all state in the DB.

Each :meth:`Scheduler.tick` looks at every round that is not closed and decides from its
stored spec and the clock (:func:`~tournament.rounds.spec.opens_due`,
:func:`~tournament.rounds.spec.closes_due`):

* a draft whose ``opens_at`` (or first cron fire) has passed is opened;
* an open or running round is run (entries entered since the last tick get measured);
* an open or running round whose ``closes_at`` (or next cron fire) has passed gets a last
  run, then is closed and ranked.

Each round is acted on only while holding its lease (:class:`~tournament.rounds.lease.
RoundLease`), and the state is re-read after taking it, so two schedulers (on one host or
several) never act on the same round at once, and a restarted scheduler simply carries on.
Rounds without ``opens_at``/``closes_at``/``schedule`` are left to the organiser.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from croniter import CroniterBadDateError

from tournament.errors import UserError
from tournament.rounds.lease import LEASE_TTL_S, LeaseHeld, RoundLease
from tournament.rounds.lifecycle import CLOSED, DRAFT, close_round, open_round
from tournament.rounds.load import stored_spec
from tournament.rounds.run import run_locked
from tournament.rounds.spec import closes_due, opens_due
from tournament.store.contract import StoreWriter
from tournament.store.records import RoundRecord
from tournament.store.types import utcnow


@dataclass(frozen=True)
class Action:
    """One thing a tick did (or could not do) to one round."""

    round_name: str
    action: str
    """``opened``, ``ran``, ``closed``, ``busy`` (another scheduler holds the lease),
    ``failed`` (the reason in ``detail``; the scheduler goes on with other rounds) or
    ``skipped`` (its stored spec or schedule cannot be acted on: the reason in ``detail``)."""
    detail: str = ""


def plan(row: RoundRecord, now: datetime) -> list[str]:
    """What is due for a stored round at ``now``: some of ``open``, ``run``, ``close``."""
    if row.status == CLOSED:
        return []
    spec = stored_spec(row)
    if spec.opens_at is None and spec.closes_at is None and spec.schedule is None:
        return []
    if row.status == DRAFT:
        if not opens_due(spec, row.created_at, now):
            return []
        steps = ["open", "run"]
        opened_at: datetime | None = now
    else:
        steps, opened_at = ["run"], row.opened_at
    if closes_due(spec, opened_at, now):
        steps.append("close")
    return steps


class Scheduler:
    """Acts on round schedules; one instance per process, any number of processes."""

    def __init__(
        self,
        store: StoreWriter,
        *,
        backend: str = "ray",
        ray_address: str | None = None,
        lease_ttl_s: float = LEASE_TTL_S,
        clock: Callable[[], datetime] = utcnow,
        console: Any = None,
    ) -> None:
        self.store = store
        self.backend = backend
        self.ray_address = ray_address
        self.lease_ttl_s = lease_ttl_s
        self.clock = clock
        self.console = console

    def tick(self) -> list[Action]:
        """Do what is due now for every round; returns what was done."""
        actions: list[Action] = []
        for row in self.store.rounds():
            try:
                due = plan(row, self.clock())
            except UserError as exc:  # a stored spec today's checks refuse: skip, go on
                actions.append(Action(row.name, "skipped", "; ".join(exc.problems)))
                continue
            except CroniterBadDateError:  # a schedule that never fires (stored before checks)
                reason = f"its schedule {row.schedule!r} never fires"
                actions.append(Action(row.name, "skipped", reason))
                continue
            if due:
                actions += self._act(row.name)
        return actions

    def _act(self, name: str) -> list[Action]:
        try:
            with RoundLease(self.store, name, ttl_s=self.lease_ttl_s) as lease:
                row = self.store.round(name)
                steps = plan(row, self.clock()) if row else []
                done = [self._step(name, step, lease) for step in steps]
                return [a for a in done if a is not None]
        except LeaseHeld as exc:
            return [Action(name, "busy", exc.problems[0])]
        except UserError as exc:  # e.g. a machine no backend can reach: other rounds go on
            return [Action(name, "failed", "; ".join(exc.problems))]

    def _step(self, name: str, step: str, lease: RoundLease) -> Action | None:
        if step == "open":
            open_round(self.store, name)
            return Action(name, "opened")
        if step == "run":
            summary = run_locked(
                self.store,
                name,
                backend=self.backend,
                ray_address=self.ray_address,
                console=self.console,
                lease=lease,
            )
            if not (summary.queued or summary.done or summary.failed):
                return None  # nothing new to measure
            return Action(name, "ran", f"{len(summary.done)} done, {len(summary.failed)} failed")
        ranking = close_round(self.store, name)
        return Action(name, "closed", f"{len(ranking['groups'])} ranking groups")

    def serve(
        self,
        interval_s: float = 60.0,
        *,
        stop: threading.Event | None = None,
        on_actions: Callable[[list[Action]], None] | None = None,
    ) -> None:
        """Tick every ``interval_s`` seconds until ``stop`` is set (or Ctrl-C)."""
        stop = stop or threading.Event()
        while not stop.is_set():
            started = time.monotonic()
            actions = self.tick()
            if on_actions is not None and actions:
                on_actions(actions)
            stop.wait(max(0.0, interval_s - (time.monotonic() - started)))
