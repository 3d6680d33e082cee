"""Entries: which submissions a round accepts, and entering them."""

from __future__ import annotations

from datetime import datetime

from tournament.errors import StateError, UserError
from tournament.rounds.load import stored_spec
from tournament.rounds.spec import Division, RoundSpec
from tournament.schema.submission import Submission
from tournament.store.contract import StoreWriter
from tournament.store.types import utcnow


def check_entry(spec: RoundSpec, submission: Submission) -> list[str]:
    """Why ``submission`` may not enter a round of ``spec`` (empty: it may).

    Checks the workload, its allowed variants, the machine, that one of the round's scenarios
    measures its batch size and, in a closed division, the runtime and the quantization. One
    sentence per problem, naming the submission field.
    """
    problems: list[str] = []
    rules = spec.workloads.get(submission.workload)
    if rules is None:
        problems.append(
            f"workload: round {spec.name} measures {', '.join(spec.workloads)}, "
            f"not {submission.workload!r}."
        )
    elif rules.variants and submission.variant not in rules.variants:
        problems.append(
            f"variant: round {spec.name} allows {', '.join(rules.variants)} of "
            f"{submission.workload}, not {submission.variant!r}."
        )
    if submission.machine not in spec.machines:
        problems.append(
            f"machine: round {spec.name} runs on {', '.join(spec.machines)}, not "
            f"{submission.machine!r}."
        )
    problems += _batch_problems(spec, submission.batch_size)
    if spec.division is Division.CLOSED:
        if submission.runtime not in spec.runtimes:
            problems.append(
                f"runtime: the closed division of round {spec.name} allows "
                f"{', '.join(spec.runtimes)}, not {submission.runtime!r}."
            )
        if submission.quantization not in spec.quantizations:
            allowed = ", ".join(q.value for q in spec.quantizations)
            problems.append(
                f"quantization: the closed division of round {spec.name} allows "
                f"{allowed}, not {submission.quantization.value!r}."
            )
    return problems


def _batch_problems(spec: RoundSpec, batch_size: int) -> list[str]:
    """A problem when no scenario of the round measures entries of ``batch_size`` (an entry is
    measured under the round's scenarios that accept its batch size)."""
    from tournament import harness

    refusals = [harness.get(name).batch_problem(batch_size) for name in spec.scenarios]
    if all(refusals):
        return [refusals[0].replace("another scenario", "a round with another scenario")]
    return []


def submit_to_round(
    store: StoreWriter,
    round_name: str,
    submission: Submission,
    *,
    source_file: str | None = None,
    now: datetime | None = None,
) -> tuple[int, bool]:
    """Enter a validated ``submission`` in round ``round_name``; ``(submission_id, created)``.

    The round must be open or running (checked again atomically when the entry is stored)
    and before its ``closes_at``; the entry must satisfy :func:`check_entry`.

    Raises:
        NotFoundError: no round has this name.
        StateError: the round is a draft, closed, or past its closing time.
        UserError: the entry does not fit the round (one sentence per problem).
    """
    from tournament.rounds.lifecycle import require_round
    from tournament.schema.validate import registry_problems

    row = require_round(store, round_name)
    spec = stored_spec(row)
    now = now or utcnow()
    if spec.closes_at is not None and now >= spec.closes_at:
        raise StateError(
            f"round {round_name} stopped taking entries at {spec.closes_at:%Y-%m-%d %H:%M} UTC."
        )
    problems = registry_problems(submission) + check_entry(spec, submission)
    if problems:
        raise UserError(problems)
    return store.add_round_entry(submission, round_name, source_file=source_file)
