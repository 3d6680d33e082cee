"""``round status``: where a round stands, as plain data (the CLI renders it)."""

from __future__ import annotations

from typing import Any

from tournament.rounds.lease import lease_name
from tournament.rounds.lifecycle import CLOSED, require_round
from tournament.rounds.load import stored_spec
from tournament.rounds.spec import close_time, first_fire
from tournament.store.contract import StoreReader

ENTRY_COLUMNS = (
    "id",
    "team",
    "name",
    "workload",
    "variant",
    "runtime",
    "quantization",
    "batch_size",
    "machine",
)
"""What the status lists of each entry."""


def round_status(store: StoreReader, name: str) -> dict[str, Any]:
    """Status, spec hash, schedule, entries, runs by status, results and hypervolume.

    ``hypervolume`` is the stored ranking's once closed; before that it is computed from the
    results so far and marked ``provisional``.

    Raises:
        NotFoundError: no such round.
    """
    from tournament.rounds.standings import compute_ranking

    row = require_round(store, name)
    spec = stored_spec(row)
    ranking = row.ranking
    provisional = ranking is None
    if ranking is None:
        ranking = compute_ranking(store, name, spec, row.spec_sha256)
    lease = store.lease(lease_name(name))
    opens = spec.opens_at or first_fire(spec, row.created_at)
    return {
        "name": name,
        "status": row.status.value,
        "description": spec.description,
        "division": spec.division.value,
        "spec_sha256": row.spec_sha256,
        "created_at": row.created_at,
        "opened_at": row.opened_at,
        "closed_at": row.closed_at,
        "opens_at": opens,
        "closes_at": close_time(spec, row.opened_at),
        "schedule": spec.schedule,
        "scenarios": list(spec.scenarios),
        "entries": [
            {k: getattr(e, k) for k in ENTRY_COLUMNS} for e in store.submissions(round_name=name)
        ],
        "runs": store.round_run_counts(name),
        "results": len(store.results(round_name=name)),
        "hypervolume": ranking["hypervolume"],
        "provisional": provisional and row.status != CLOSED,
        "lease": None if lease is None else lease.to_dict(),
        "groups": ranking["groups"],
    }
