"""A round's limits on the search, read from its frozen spec (:mod:`tournament.rounds.spec`).

With ``--round NAME`` the search enters its trials in that round, so it searches only what the
round accepts: the round's workloads and their allowed variants, its machines and scenarios
and, in a closed division, its runtimes and quantizations (:func:`tournament.rounds.entries.
check_entry` is the rule). The round's rules for the search's scenario (first seed) become the
full rules, so promoted trials are measured exactly like the round measures its entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tournament.errors import NotFoundError, StateError, UserError
from tournament.search.derive import SpaceSpec
from tournament.store.contract import StoreReader
from tournament.store.records import RoundStatus

ENTRY_STATUSES = (RoundStatus.OPEN, RoundStatus.RUNNING)


@dataclass(frozen=True)
class RoundLimits:
    """What a round allows the search; ``None`` for no limit."""

    name: str
    division: str
    workloads: tuple[str, ...]
    variants: tuple[str, ...] | None
    runtimes: tuple[str, ...] | None
    quantizations: tuple[str, ...] | None
    machines: tuple[str, ...]
    scenarios: tuple[str, ...]
    rules: dict[str, Any] | None


def round_limits(store: StoreReader, round_name: str, workload: str, scenario: str) -> RoundLimits:
    """The limits of round ``round_name`` for ``workload`` under ``scenario``.

    Raises:
        NotFoundError: no round of this name.
        StateError: the round does not take entries (a draft, closed, or past closing time).
    """
    from tournament.rounds.load import stored_spec
    from tournament.rounds.spec import Division

    row = store.round(round_name)
    if row is None:
        raise NotFoundError(
            f"round: {round_name!r} does not exist; create it with `tourney round create`."
        )
    if row.status not in ENTRY_STATUSES:
        raise StateError(
            f"round: {round_name!r} is {row.status}; the search enters "
            "trials only in an open or running round."
        )
    spec = stored_spec(row)
    if spec.closes_at is not None and datetime.now(UTC) >= spec.closes_at:
        raise StateError(
            f"round: {round_name!r} stopped taking entries at {spec.closes_at:%Y-%m-%d %H:%M} UTC."
        )
    closed = spec.division is Division.CLOSED
    rules = spec.workloads.get(workload)
    return RoundLimits(
        name=round_name,
        division=spec.division.value,
        workloads=tuple(spec.workloads),
        variants=tuple(rules.variants) or None if rules is not None else None,
        runtimes=tuple(spec.runtimes) if closed else None,
        quantizations=tuple(q.value for q in spec.quantizations) if closed else None,
        machines=tuple(spec.machines),
        scenarios=tuple(spec.scenarios),
        rules=spec.rules_for(scenario, spec.seeds[0]) if scenario in spec.scenarios else None,
    )


def restrict(
    spec: SpaceSpec, limits: RoundLimits, workload: str, machines: tuple[str, ...], scenario: str
) -> SpaceSpec:
    """``spec`` narrowed to what the round allows.

    Raises:
        UserError: the workload, a machine, the scenario or an explicit choice is not allowed.
    """
    where = f"round {limits.name!r} ({limits.division} division)"
    _allowed("workload", (workload,), limits.workloads, where)
    _allowed("machine", machines, limits.machines, where)
    _allowed("scenario", (scenario,), limits.scenarios, where)
    narrowed: dict[str, Any] = {}
    for name in ("variants", "runtimes", "quantizations"):
        allowed = getattr(limits, name)
        chosen = getattr(spec, name)
        if allowed is None:
            continue
        if chosen is not None:
            _allowed(name, chosen, allowed, where)
        narrowed[name] = tuple(chosen if chosen is not None else allowed)
    return spec.model_copy(update=narrowed)


def _allowed(
    field_name: str, chosen: tuple[str, ...], allowed: tuple[str, ...] | None, where: str
) -> None:
    if allowed is None:
        return
    refused = [c for c in chosen if c not in allowed]
    if refused:
        raise UserError(
            f"{field_name}: {', '.join(map(repr, refused))} not allowed in {where}; "
            f"expected some of: {', '.join(allowed)}."
        )
