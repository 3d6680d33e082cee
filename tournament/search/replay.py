"""Replay a table of measurements instead of measuring: for benchmarks of the search itself.

A table is JSON: ``{"space": <SearchSpace>, "rows": [{"config_hash", "config", "metrics",
"quality", "reference_quality", "quality_ratio", "error"}, ...]}``, one row per configuration,
as written by ``benchmarks/search.py --measure`` from a real grid search (``metrics``: every
objective metric's value, ``null`` where unknown). The replaying evaluator runs behind the same
:class:`~tournament.search.evaluation.Evaluator` contract as the real one, so the search loop,
samplers and constraint handling are exactly those of ``tourney search``.

A row without ``quality_ratio`` (a table written before it was recorded) gets it from its
quality and reference with the workload metric's own direction
(:func:`tournament.results.quality_ratio`), at the top and among its metrics. A replay judges
the accuracy constraint only: the rows do not say whether their results met the other rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tournament.results import quality_ratio
from tournament.search.evaluation import Measured, Outcome, Proposal
from tournament.search.space import SearchSpace


@dataclass(frozen=True)
class Table:
    """A measured space: the space and one row per configuration, by config hash."""

    space: SearchSpace
    rows: dict[str, dict[str, Any]]
    about: dict[str, Any]


def load_table(path: Path) -> Table:
    """Read a table written by ``benchmarks/search.py --measure``."""
    data = json.loads(path.read_text())
    space = SearchSpace.model_validate(data["space"])
    higher_is_better = _higher_is_better(space.workload)
    rows = {row["config_hash"]: _with_ratio(row, higher_is_better) for row in data["rows"]}
    about = {k: v for k, v in data.items() if k not in ("space", "rows")}
    return Table(space, rows, about)


def row_ratio(row: dict[str, Any]) -> float | None:
    """The quality ratio of a table row (see the module); None when unknown."""
    ratio = row.get("quality_ratio")
    return None if ratio is None else float(ratio)


def _with_ratio(row: dict[str, Any], higher_is_better: bool) -> dict[str, Any]:
    """``row`` with its quality ratio, at the top and among its metrics (an objective too)."""
    ratio = row_ratio(row)
    quality, reference = row.get("quality"), row.get("reference_quality")
    if ratio is None and quality is not None and reference is not None:
        ratio = quality_ratio(float(quality), float(reference), higher_is_better=higher_is_better)
    metrics = {**(row.get("metrics") or {}), "quality_ratio": ratio}
    return {**row, "quality_ratio": ratio, "metrics": metrics}


def _higher_is_better(workload: str) -> bool:
    from tournament import workloads

    return bool(workloads.get(workload).metric.higher_is_better)


class ReplayEvaluator:
    """Answers each proposal from the table (no measurement); counts the evaluations."""

    def __init__(self, rows: dict[str, dict[str, Any]]) -> None:
        self.rows = rows
        self.evaluations = 0

    def enter(self, proposal: Proposal) -> dict[str, Any]:
        return {}

    def measure(self, proposals: list[Proposal]) -> Measured:
        outcomes = {}
        for proposal in proposals:
            row = self.rows[proposal.submission.config_hash]
            self.evaluations += 1
            outcomes[proposal.trial_number] = Outcome(
                metrics=dict(row.get("metrics") or {}),
                quality_ratio=row_ratio(row),
                quality=row.get("quality"),
                reference_quality=row.get("reference_quality"),
                error=row.get("error"),
                source="measured",
            )
        return Measured(outcomes)
