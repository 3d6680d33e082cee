"""Play a whole round in one call (the demo): create, open, enter, run, close.

If a round of the spec's name exists beyond draft (a previous demo), the round is played as
``NAME-2``, ``NAME-3``, ... instead. Submissions the round does not accept are skipped and
reported, not entered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tournament.rounds.entries import check_entry, submit_to_round
from tournament.rounds.lifecycle import DRAFT, close_round, create_round, open_round
from tournament.rounds.run import RoundRunSummary, run_round
from tournament.rounds.spec import RoundSpec
from tournament.schema.submission import Submission
from tournament.store.contract import StoreReader, StoreWriter


@dataclass
class Played:
    """What :func:`play_round` did."""

    name: str
    entered: list[int] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)
    run: RoundRunSummary | None = None
    ranking: dict[str, Any] = field(default_factory=dict)


def free_name(store: StoreReader, spec: RoundSpec) -> str:
    """The spec's name if that round is new or a draft, else the first free ``NAME-N``."""
    row = store.round(spec.name)
    if row is None or row.status == DRAFT:
        return spec.name
    n = 2
    while store.round(f"{spec.name}-{n}") is not None:
        n += 1
    return f"{spec.name}-{n}"


def play_round(
    store: StoreWriter,
    spec: RoundSpec,
    submissions: list[Submission],
    *,
    backend: str = "ray",
    console: Any = None,
) -> Played:
    """Create, open, enter ``submissions`` (those that fit), run and close a round."""
    name = free_name(store, spec)
    spec = spec.model_copy(update={"name": name})
    create_round(store, spec)
    open_round(store, name)
    played = Played(name)
    for sub in submissions:
        problems = check_entry(spec, sub)
        if problems:
            played.skipped[f"{sub.team}/{sub.name}"] = problems
            continue
        played.entered.append(submit_to_round(store, name, sub)[0])
    played.run = run_round(store, name, backend=backend, console=console)
    played.ranking = close_round(store, name)
    return played
