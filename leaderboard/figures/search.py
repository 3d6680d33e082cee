"""The Search page: hypervolume of a study's feasible trials as it ran, and its trials table.

Objectives have different units, so the hypervolume is normalised: each objective is mapped
to [0, 1] (0 = best value any feasible trial reached, 1 = worst), every objective minimised,
and the reference point is 1.1 on every axis. The curve can only rise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from leaderboard.data.studies import StudyData, TrialData

if TYPE_CHECKING:
    import pandas as pd

REFERENCE = 1.1
MAX_CHECKPOINTS = 400
"""Longer studies get the curve evaluated at this many evenly spaced trials."""


@dataclass(frozen=True)
class HypervolumeHistory:
    """Normalised hypervolume after each trial (``values[i]`` after ``trial_numbers[i]``)."""

    trial_numbers: list[int]
    values: list[float]
    feasible: int


def hypervolume_history(study: StudyData) -> HypervolumeHistory:
    """The hypervolume curve of ``study`` (all zeros until a feasible trial completes)."""
    done = sorted((t for t in study.trials if t.values is not None), key=lambda t: t.number)
    good = [t for t in done if t.feasible]
    if not done:
        return HypervolumeHistory([], [], 0)
    normalised = _normalised(good, study.directions)
    rows = {t.number: normalised[i] for i, t in enumerate(good)}
    numbers = [t.number for t in done]
    checkpoints = _checkpoints(numbers)
    values: list[float] = []
    front: list[np.ndarray] = []
    current = 0.0
    for number in numbers:
        point = rows.get(number)
        if point is not None and not any(np.all(q <= point) for q in front):
            # the front changed: drop what the new point dominates, measure again
            front = [q for q in front if not np.all(point <= q)] + [point]
            current = _volume(front, len(study.directions))
        if number in checkpoints:
            values.append(current)
    return HypervolumeHistory(sorted(checkpoints), values, len(good))


def _normalised(trials: list[TrialData], directions: tuple[str, ...]) -> np.ndarray:
    if not trials:
        return np.zeros((0, len(directions)))
    values = np.array([t.values for t in trials], dtype=float)
    signs = np.array([-1.0 if d == "max" else 1.0 for d in directions])
    values = values * signs
    low, high = values.min(axis=0), values.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    return (values - low) / span


def _checkpoints(numbers: list[int]) -> set[int]:
    if len(numbers) <= MAX_CHECKPOINTS:
        return set(numbers)
    picks = np.linspace(0, len(numbers) - 1, MAX_CHECKPOINTS).round().astype(int)
    return {numbers[i] for i in picks}


def _volume(points: list[np.ndarray], dims: int) -> float:
    from tournament.ranking.hypervolume import hypervolume

    if not points:
        return 0.0
    return float(hypervolume(np.array(points), ["min"] * dims, np.full(dims, REFERENCE)))


def trials_table(
    study: StudyData,
    result_ids: dict[int, list[int]],
    rules_of: Mapping[int, str] | None = None,
) -> pd.DataFrame:
    """One row per trial: state, feasibility, objective values, parameters, the ids of the
    results measured for it (``result_ids`` by trial number, see
    :func:`leaderboard.data.queries.study_result_ids`) and, given ``rules_of`` (result id ->
    rules description), the rules they were measured under (a ``rules`` column)."""
    import pandas as pd

    rows = []
    for trial in sorted(study.trials, key=lambda t: t.number):
        row: dict[str, object] = {
            "trial": trial.number,
            "state": trial.state,
            "feasible": trial.feasible if trial.values is not None else None,
        }
        for name, value in zip(study.metric_names, trial.values or (), strict=False):
            row[name] = value
        row.update({f"param {k}": v for k, v in trial.params.items()})
        ids = sorted(result_ids.get(trial.number, []))
        row["results"] = ", ".join(str(i) for i in ids)
        if rules_of is not None:
            row["rules"] = " / ".join(dict.fromkeys(rules_of[i] for i in ids if i in rules_of))
        rows.append(row)
    return pd.DataFrame(rows)
