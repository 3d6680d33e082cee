"""Replay a table of measurements instead of measuring: for benchmarks of the search itself.

A table is JSON: ``{"space": <SearchSpace>, "rows": [{"config_hash", "config", "metrics",
"quality", "reference_quality", "error"}, ...]}``, one row per configuration, as written by
``benchmarks/search.py --measure`` from a real grid search. The replaying evaluator runs behind
the same :class:`~tournament.search.evaluation.Evaluator` contract as the real one, so the
search loop, samplers and constraint handling are exactly those of ``tourney search``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    rows = {row["config_hash"]: row for row in data["rows"]}
    about = {k: v for k, v in data.items() if k not in ("space", "rows")}
    return Table(SearchSpace.model_validate(data["space"]), rows, about)


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
                metrics={**(row.get("metrics") or {}), "quality": row.get("quality")},
                quality=row.get("quality"),
                reference_quality=row.get("reference_quality"),
                error=row.get("error"),
                source="measured",
            )
        return Measured(outcomes)
