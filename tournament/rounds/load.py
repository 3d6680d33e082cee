"""Reading round specs: safe YAML/JSON loading, structure, consistency and registry checks."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from tournament.errors import UserError
from tournament.rounds.spec import RoundSpec, consistency_problems, registry_problems

if TYPE_CHECKING:
    from tournament.store.records import RoundRecord


def parse_round_spec(
    data: dict[str, Any], known_machines: Iterable[str] | None = None
) -> RoundSpec:
    """A validated :class:`RoundSpec` from a mapping, or :class:`UserError` listing problems."""
    from tournament.schema.validate import pydantic_problems

    try:
        spec = RoundSpec.model_validate(data)
    except ValidationError as exc:
        problems = [p.replace(": value error, ", ": ") for p in pydantic_problems(exc)]
        raise UserError(problems) from None
    problems = consistency_problems(spec) + registry_problems(spec, known_machines)
    if problems:
        raise UserError(problems)
    return spec


def load_round_spec(path: str | Path, known_machines: Iterable[str] | None = None) -> RoundSpec:
    """Load and validate a round spec file; problems are prefixed with the file name."""
    from tournament.schema.loading import load_document
    from tournament.schema.validate import display_path

    try:
        return parse_round_spec(load_document(path), known_machines)
    except UserError as exc:
        shown = display_path(path)
        raise UserError([f"{shown}: {p}" for p in exc.problems]) from None


def stored_spec(row: RoundRecord) -> RoundSpec:
    """The frozen spec of a stored round (the database copy is the truth).

    Specs stored by earlier versions are read with their old names (see
    :data:`tournament.rounds.spec.LEGACY_OBJECTIVES`); a new spec file must use the new ones.

    Raises:
        UserError: the stored spec fails today's checks (one sentence per problem, naming the
            round and the field).
    """
    from tournament.schema.validate import pydantic_problems

    try:
        return RoundSpec.model_validate(dict(row.spec), context={"stored": True})
    except ValidationError as exc:  # stored before today's checks (e.g. a NaN reference)
        problems = [p.replace(": value error, ", ": ") for p in pydantic_problems(exc)]
        raise UserError(
            [f"round {row.name}: its stored spec is not valid today: {p}" for p in problems]
        ) from None
