"""Validate submissions: structure (pydantic), then names and combinations (registries).

Every problem is one sentence ``field.path: what was expected``; :func:`load_submission`
prefixes the file name. Nothing here builds a model or touches the database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tournament import runtimes
from tournament.errors import UserError
from tournament.harness.base import INCONSISTENT_RULES
from tournament.schema.loading import load_document, path_segment
from tournament.schema.submission import FOREIGN_OPTION, Submission

MachineLookup = Callable[[], Iterable[str]]
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def display_path(path: str | Path) -> str:
    """A file name as problems print it: as is, or JSON-quoted when it holds control or
    bidirectional characters (a line break or an escape sequence must not reach a terminal)."""
    text = str(path)
    return json.dumps(text) if _UNPRINTABLE.search(text) else text


def pydantic_problems(exc: ValidationError) -> list[str]:
    """One sentence per pydantic error: ``field.path: message``."""
    problems = []
    for err in exc.errors(include_url=False):
        path = ".".join(path_segment(p) for p in err["loc"]) or "document"
        kind = err["type"]
        if kind == "extra_forbidden":
            message = "unknown field; remove it (see docs/submission-format.md)"
        elif kind in (FOREIGN_OPTION, INCONSISTENT_RULES):
            message = err["msg"]
        elif kind == "missing":
            message = "required field is missing"
        elif kind == "enum":
            expected = err.get("ctx", {}).get("expected", "")
            message = f"expected one of {expected}, got {_short(err.get('input'))}"
        elif kind == "string_pattern_mismatch":
            message = (
                "expected 1-64 characters of letters, digits, '_', '.' or '-', starting with a "
                f"letter or digit, got {_short(err.get('input'))}"
            )
        else:
            message = f"{err['msg'][0].lower()}{err['msg'][1:]}, got {_short(err.get('input'))}"
        problems.append(f"{path}: {message}.")
    return problems


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def registry_problems(sub: Submission, known_machines: Iterable[str] | None = None) -> list[str]:
    """Problems with names and combinations: workload, variant, runtime, machine, options."""
    from tournament import workloads

    problems: list[str] = []
    if sub.workload not in workloads.names():
        problems.append(
            f"workload: unknown workload {sub.workload!r}; expected one of: "
            f"{', '.join(workloads.names())}."
        )
    else:
        wl = workloads.get(sub.workload)
        if sub.variant not in wl.variants:
            problems.append(
                f"variant: unknown variant {sub.variant!r} of {sub.workload!r}; expected one of: "
                f"{', '.join(wl.variants)}."
            )
        else:
            issue = wl.validate_batch_size(sub.variant, sub.batch_size)
            if issue:
                problems.append(f"batch_size: {issue}")
    if sub.runtime not in runtimes.names():
        problems.append(
            f"runtime: unknown runtime {sub.runtime!r}; expected one of: "
            f"{', '.join(runtimes.names())}."
        )
    else:
        rt = runtimes.get(sub.runtime)
        problems += rt.check(sub.quantization, sub.runtime_options, sub.quantization_options)
    if known_machines is not None:
        machines = sorted(set(known_machines))
        if sub.machine not in machines:
            problems.append(
                f"machine: unknown machine {sub.machine!r}; expected one of: "
                f"{', '.join(machines) or '(none registered)'} "
                "(register one with `tourney machines register`)."
            )
    return problems


def parse_submission(
    data: dict[str, Any], known_machines: Iterable[str] | None = None
) -> Submission:
    """A validated :class:`Submission` from a mapping, or :class:`UserError` listing problems."""
    try:
        sub = Submission.model_validate(data)
    except ValidationError as exc:
        raise UserError(pydantic_problems(exc)) from None
    problems = registry_problems(sub, known_machines)
    if problems:
        raise UserError(problems)
    return sub


def load_submission(path: str | Path, known_machines: Iterable[str] | None = None) -> Submission:
    """Load and validate one submission file; problems are prefixed with the file name."""
    try:
        return parse_submission(load_document(path), known_machines)
    except UserError as exc:
        shown = display_path(path)
        raise UserError([f"{shown}: {p}" for p in exc.problems]) from None
