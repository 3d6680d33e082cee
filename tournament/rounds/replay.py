"""``tourney round replay``: run a closed round again from its stored spec and compare rankings.

The replay is a new round ``NAME-replay-N`` (N = 1, 2, ...) with the same frozen spec (its
times and cron schedule removed, so the scheduler leaves it alone) and the same entries (their
stored documents). It is opened, run, closed and ranked like any round. For each ranking group
(workload x scenario x machine x accuracy class) the two rankings are compared with Kendall's
tau-b over the entries both ranked (unranked entries count as tied last); tau 1 means the
same order, 0 no relation, -1 the reverse. With fewer than two entries, or when either
ranking ties them all, tau is undefined (None).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tournament.errors import StateError, UserError
from tournament.rounds.lease import LEASE_TTL_S
from tournament.rounds.lifecycle import CLOSED, close_round, create_round, open_round, require_round
from tournament.rounds.spec import RoundSpec
from tournament.store.contract import StoreReader, StoreWriter


@dataclass
class Replay:
    """The replay round and, per ranking group, Kendall's tau against the original."""

    original: str
    replay: str
    taus: dict[str, float | None] = field(default_factory=dict)
    compared: dict[str, int] = field(default_factory=dict)


def kendall_tau(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Kendall's tau-b of two rankings (scipy's when installed); None where undefined."""
    if len(x) != len(y):
        raise ValueError("rankings of different lengths")
    if len(x) < 2:
        return None
    try:
        from scipy.stats import kendalltau
    except ImportError:
        tau = _tau_b(x, y)
    else:
        tau = float(kendalltau(x, y).statistic)
    return None if tau is None or math.isnan(tau) else tau


def _tau_b(x: Sequence[float], y: Sequence[float]) -> float | None:
    concordant = discordant = ties_x = ties_y = 0
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    denominator = math.sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y))
    return None if denominator == 0 else (concordant - discordant) / denominator


def replay_name(store: StoreReader, name: str) -> str:
    """The first free ``NAME-replay-N``.

    Raises:
        UserError: the name would be longer than 64 characters.
    """
    n = 1
    while store.round(f"{name}-replay-{n}") is not None:
        n += 1
    candidate = f"{name}-replay-{n}"
    if len(candidate) > 64:
        raise UserError(f"round: the replay name {candidate!r} is over 64 characters.")
    return candidate


def compare_rankings(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[dict[str, float | None], dict[str, int]]:
    """Per frontier: Kendall's tau of the two rankings and how many entries both hold."""
    taus: dict[str, float | None] = {}
    counts: dict[str, int] = {}
    new_groups = {g["frontier"]: g for g in new.get("groups", [])}
    for group in old.get("groups", []):
        frontier = group["frontier"]
        other = new_groups.get(frontier)
        if other is None:
            continue
        before, after = _ranks(group), _ranks(other)
        common = sorted(set(before) & set(after))
        counts[frontier] = len(common)
        taus[frontier] = kendall_tau([before[c] for c in common], [after[c] for c in common])
    return taus, counts


def _ranks(group: dict[str, Any]) -> dict[str, float]:
    entries = group["entries"]
    last = 1 + max((e["rank"] for e in entries if e["rank"] is not None), default=0)
    return {e["config_hash"]: float(e["rank"] if e["rank"] is not None else last) for e in entries}


def replay_round(
    store: StoreWriter,
    name: str,
    *,
    backend: str = "ray",
    ray_address: str | None = None,
    console: Any = None,
    backend_obj: Any = None,
    lease_ttl_s: float = LEASE_TTL_S,
) -> Replay:
    """Replay closed round ``name`` into a new round and compare the rankings.

    Raises:
        NotFoundError: no such round.
        StateError: the round is not closed (or has no stored ranking).
    """
    from tournament.rounds.run import run_round
    from tournament.schema.submission import Submission

    row = require_round(store, name)
    if row.status != CLOSED or row.ranking is None:
        raise StateError(
            f"round {name} is {row.status}; only a closed, ranked round can be replayed."
        )
    new_name = replay_name(store, name)
    data = {**row.spec, "name": new_name, "opens_at": None, "closes_at": None, "schedule": None}
    create_round(store, RoundSpec.model_validate(data))
    open_round(store, new_name)
    for entry in store.submissions(round_name=name):
        store.add_round_entry(
            Submission.model_validate(entry.document), new_name, source_file=entry.source_file
        )
    run_round(
        store,
        new_name,
        backend=backend,
        ray_address=ray_address,
        console=console,
        backend_obj=backend_obj,
        lease_ttl_s=lease_ttl_s,
    )
    ranking = close_round(store, new_name)
    taus, counts = compare_rankings(row.ranking, ranking)
    return Replay(name, new_name, taus, counts)
