"""The store contract: what every caller may rely on, whichever database is behind it.

Two protocols: :class:`StoreReader` (everything a reader needs; the leaderboard, exports and the
CLI's read commands hold one, and :class:`~tournament.store.readonly.ReadOnlyStore` implements
only this) and :class:`StoreWriter` (the whole store; only the driver process, the CLI's write
commands and the search write).

Contract, for every implementation:

* Reads return frozen records (:mod:`tournament.store.records`: :class:`Entry`,
  :class:`RunRecord`, :class:`MachineRecord`, :class:`RoundRecord`, :class:`LeaseRecord`,
  :class:`ResultRecord`) or plain dicts of counts, never ORM rows; a record never changes after
  it is returned, and every read returns new ones (never mutate the JSON mappings inside a
  record; their ``to_dict()`` is a copy to change or serialise).
* Each write is one transaction: it happens entirely or not at all, and it is retried while the
  database is busy. Bad input raises :class:`~tournament.errors.UserError` (one sentence naming
  the field) before anything is written.
* Writes that may be repeated are idempotent where documented (``add_submission`` of the same
  file by the same team, ``record_result`` of a run that has a result).
* Instances are safe to share between threads; every process opens its own.
* The same behaviour on SQLite and PostgreSQL (``tests/contracts/test_store_contract.py`` runs
  the suite on both).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from tournament.results import Result
from tournament.schema.submission import Submission
from tournament.store.records import (
    Entry,
    LeaseRecord,
    MachineRecord,
    ResultRecord,
    RoundRecord,
    RunRecord,
)
from tournament.store.runs import RunTask


class StoreReader(Protocol):
    """Read access to the store (the leaderboard, exports, the CLI's read commands)."""

    url: str

    def results(
        self,
        *,
        workload: str | None = None,
        scenario: str | None = None,
        machine: str | None = None,
        round_name: str | None = None,
        valid: bool | None = None,
        team: str | None = None,
        origin: str | None = None,
        limit: int | None = None,
    ) -> list[ResultRecord]:
        """Results, newest first, without per-query latencies and power traces."""
        ...

    def result(self, result_id: int) -> ResultRecord:
        """One result with everything; ``NotFoundError`` if there is none with this id."""
        ...

    def submission(self, submission_id: int) -> Entry | None:
        """One entry, or None."""
        ...

    def submissions(self, *, round_name: str | None = None) -> list[Entry]:
        """Entries, oldest first; ``round_name`` "" selects entries outside any round."""
        ...

    def run(self, run_id: int) -> RunRecord:
        """One run with its entry's identity; ``NotFoundError`` if there is none with this id."""
        ...

    def runs(self, status: str | None = None) -> list[RunRecord]:
        """Runs, oldest first, optionally of one status (``UserError`` for an unknown one)."""
        ...

    def machine(self, id: str) -> MachineRecord | None:
        """One registered machine, or None."""
        ...

    def machines(self) -> list[MachineRecord]:
        """Registered machines, by id."""
        ...

    def round(self, name: str) -> RoundRecord | None:
        """One round, or None."""
        ...

    def rounds(self, status: str | None = None) -> list[RoundRecord]:
        """Rounds, oldest first (ties by name), optionally of one status."""
        ...

    def round_run_counts(self, name: str) -> dict[str, int]:
        """Runs of a round's entries per status."""
        ...

    def lease(self, name: str) -> LeaseRecord | None:
        """Lease ``name``, expired or not, or None when nobody holds it."""
        ...

    def counts(self) -> dict[str, int]:
        """Rows per table of the store."""
        ...

    def close(self) -> None:
        """Release every pooled connection."""
        ...


class StoreWriter(StoreReader, Protocol):
    """The whole store: reads, and the writes of submissions, runs, results, rounds, machines
    and leases."""

    def add_submission(
        self,
        sub: Submission,
        *,
        round_name: str = "",
        source_file: str | None = None,
        origin: str = "human",
        study_name: str | None = None,
        trial_number: int | None = None,
    ) -> tuple[int, bool]:
        """Enter ``sub``; returns its entry id and whether it was new (idempotent)."""
        ...

    def entry_problems(
        self, subs: Sequence[Submission], *, round_name: str = "", origin: str = "human"
    ) -> list[str | None]:
        """Why each of ``subs`` could not be entered (None: it could); writes nothing."""
        ...

    def queue_runs(
        self,
        scenario: str,
        rules: dict[str, Any],
        *,
        submission_ids: list[int] | None = None,
        round_name: str | None = None,
        repeats: int = 1,
        label: str | None = None,
        requeue_failed: bool = False,
    ) -> list[int]:
        """Queue runs that do not exist yet (failed ones again with ``requeue_failed``);
        returns the ids of those queued."""
        ...

    def pending_runs(self, round_name: str | None = None) -> list[RunTask]:
        """Queued runs, as plain work for the driver."""
        ...

    def claim_run(self, run_id: int, worker: str) -> bool:
        """Mark a queued run running; False when another driver took it."""
        ...

    def fail_run(self, run_id: int, error: str) -> bool:
        """Mark a run failed with its reason."""
        ...

    def cancel_run(self, run_id: int) -> bool:
        """Mark a queued or running run cancelled; False if it had ended already."""
        ...

    def reset_run(self, run_id: int) -> None:
        """Put a running run back in the queue."""
        ...

    def requeue_running(self) -> int:
        """Put every running run back in the queue (a driver died); the count."""
        ...

    def requeue_round_running(self, name: str) -> int:
        """Put a round's running runs back in the queue."""
        ...

    def record_result(self, run_id: int, result: Result) -> int:
        """Record a run's result (the one recording path); idempotent per run."""
        ...

    def record_results(self, results: Sequence[tuple[int, Result]]) -> list[int]:
        """:meth:`record_result` for many ``(run_id, result)`` in one transaction, all or
        nothing (bulk imports); the result id of each, in order."""
        ...

    def add_reproduction(
        self,
        result_id: int,
        report: dict[str, Any],
        *,
        agrees: bool,
        new_result_id: int | None = None,
    ) -> int:
        """Record a re-measurement of a result."""
        ...

    def upsert_machine(
        self,
        id: str,
        spec: dict[str, Any],
        price_usd_per_hour: float | None,
        tariff_usd_per_kwh: float,
        instance_type: str | None = None,
        notes: str = "",
    ) -> bool:
        """Register or update a machine; True when it was new. Ids are case-insensitive:
        ``UserError`` for a new id that differs only in case from a registered one."""
        ...

    def delete_machine(self, id: str) -> None:
        """Unregister a machine; ``NotFoundError`` if it is not registered."""
        ...

    def create_round(self, name: str, spec: dict[str, Any], *, schedule: str | None = None) -> bool:
        """Create a draft round; False when one of that name exists with this spec.

        Names are case-insensitive: ``StateError`` when a round of the name in another case
        exists (or this name with another spec)."""
        ...

    def replace_draft_round(
        self, name: str, spec: dict[str, Any], *, schedule: str | None = None
    ) -> bool:
        """Replace a draft round's spec; False when the round is no longer a draft."""
        ...

    def set_round_status(
        self, name: str, status: str, *, ranking: dict[str, Any] | None = None
    ) -> None:
        """Set a round's status (and ranking) unconditionally: no transition rule is enforced."""
        ...

    def transition_round(self, name: str, expected: Sequence[str], status: str) -> bool:
        """Move a round to ``status`` if it is in one of ``expected`` (compare-and-set)."""
        ...

    def store_round_ranking(self, name: str, ranking: dict[str, Any]) -> bool:
        """Store a closed round's ranking."""
        ...

    def add_round_entry(
        self, sub: Submission, round_name: str, *, source_file: str | None = None
    ) -> tuple[int, bool]:
        """Enter ``sub`` in an open or running round, atomically with that check."""
        ...

    def acquire_lease(
        self, name: str, owner: str, ttl_s: float, *, stale_owner: str | None = None
    ) -> bool:
        """Take the named lease for ``ttl_s`` seconds; False while another owner holds it."""
        ...

    def renew_lease(self, name: str, owner: str, ttl_s: float) -> bool:
        """Extend a lease this owner holds."""
        ...

    def release_lease(self, name: str, owner: str) -> bool:
        """Give a lease back."""
        ...

    def backup(self, path: str | Path) -> Path:
        """A consistent copy of an SQLite database."""
        ...
