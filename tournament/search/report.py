"""What a study found, as plain data: trials, Pareto set, hypervolume history, best per objective.

These are pure "info" functions over Optuna's frozen trials (and the full-rule results read from
the store as :class:`~tournament.store.records.ResultRecord`); :mod:`tournament.search.render`
draws them. Only feasible, non-duplicate trials take part in the Pareto set, the hypervolume and
the bests: an infeasible trial (one that misses the accuracy class or whose result does not
count) is never reported as best, whatever its objective values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from tournament.search import pareto
from tournament.search.settings import SearchSettings

if TYPE_CHECKING:
    from optuna import Study
    from optuna.trial import FrozenTrial

    from tournament.store.records import ResultRecord

FullResults = dict[int, "ResultRecord"]
"""Full-rule results by submission id."""


@dataclass(frozen=True)
class TrialInfo:
    """One trial as the reports see it."""

    number: int
    state: str
    source: str | None
    config: dict[str, Any] | None
    values: tuple[float, ...] | None
    constraint: float | None
    quality: float | None
    reference_quality: float | None
    quality_ratio: float | None
    """Quality over the fp32 reference's, oriented so that higher is always better."""
    submission_id: int | None
    error: str | None
    invalid_reasons: tuple[str, ...] = ()
    """Why the trial's result does not count at the study's accuracy class."""
    full: ResultRecord | None = None
    estimated: tuple[str, ...] = ()
    """The objectives whose figures are estimates (energy without a hardware meter)."""

    @property
    def counted(self) -> bool:
        """Evaluated by this study (not a duplicate, not unfinished)."""
        return self.source in ("measured", "stored")

    @property
    def feasible(self) -> bool:
        """Complete, and every constraint (accuracy gate, validity rule) met."""
        return (
            self.state == "COMPLETE"
            and self.values is not None
            and self.constraint is not None
            and self.constraint <= 0
        )


@dataclass
class SearchReport:
    """A study's state and finds (see the module docstring)."""

    study_name: str
    settings: SearchSettings
    space_size: int
    trials: list[TrialInfo]
    pareto: list[TrialInfo]
    history: list[tuple[int, float]]
    best: dict[str, TrialInfo]
    stop_reason: str | None = None
    promoted: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def evaluated(self) -> int:
        return sum(1 for t in self.trials if t.counted)

    @property
    def feasible(self) -> list[TrialInfo]:
        return [t for t in self.trials if t.counted and t.feasible]

    @property
    def hypervolume(self) -> float:
        return self.history[-1][1] if self.history else 0.0

    def infeasible_message(self) -> str | None:
        """A sentence when trials were evaluated but none was feasible."""
        done = [t for t in self.trials if t.counted and t.state == "COMPLETE"]
        if not done or self.feasible:
            return None
        target = self.settings.min_quality_ratio
        best = max(done, key=lambda t: t.quality_ratio or 0.0)
        ratio = best.quality_ratio or 0.0
        if ratio < target:
            return (
                f"no trial met the accuracy constraint quality_ratio >= {target:g} (quality "
                f"over the fp32 reference's, higher is better): the best of {len(done)} trials "
                f"reached {ratio:.4f} (trial {best.number}); lower --min-quality-ratio or widen "
                "the search space."
            )
        reasons = "; ".join(best.invalid_reasons) or "it does not count"
        return (
            f"no trial gave a valid result: trial {best.number}, the most accurate of "
            f"{len(done)}, met the accuracy constraint but {reasons}; change the rules or "
            "the search space."
        )


def trial_info(frozen: FrozenTrial, full: FullResults | None = None) -> TrialInfo:
    """A frozen trial as :class:`TrialInfo` (``full``: full-rule results by submission id)."""
    attrs = frozen.user_attrs
    source = "duplicate" if "duplicate_of" in attrs else attrs.get("source")
    submission_id = attrs.get("submission_id")
    constraints = frozen.constraints
    return TrialInfo(
        number=frozen.number,
        state=frozen.state.name,
        source=source if frozen.state.is_finished() else None,
        config=attrs.get("config"),
        values=tuple(frozen.values) if frozen.values is not None else None,
        constraint=max(constraints.values()) if constraints else None,
        quality=attrs.get("quality"),
        reference_quality=attrs.get("reference_quality"),
        quality_ratio=attrs.get("quality_ratio"),
        submission_id=submission_id,
        error=attrs.get("error"),
        invalid_reasons=tuple(attrs.get("invalid_reasons") or ()),
        full=(full or {}).get(submission_id) if submission_id is not None else None,
        estimated=tuple(attrs.get("estimated") or ()),
    )


def build_report(
    study: Study,
    settings: SearchSettings,
    space_size: int,
    full: FullResults | None = None,
) -> SearchReport:
    """The report of ``study`` (``full``: full-rule results by submission id)."""
    trials = [trial_info(t, full) for t in study.get_trials(deepcopy=False)]
    maximize = [o.maximize for o in settings.objective_list()]
    feasible = [t for t in trials if t.counted and t.feasible]
    return SearchReport(
        study_name=study.study_name,
        settings=settings,
        space_size=space_size,
        trials=trials,
        pareto=pareto_set(feasible, maximize),
        history=hypervolume_history(trials, maximize),
        best=best_per_objective(feasible, settings),
    )


def pareto_set(feasible: list[TrialInfo], maximize: list[bool]) -> list[TrialInfo]:
    """The non-dominated feasible trials, in trial order."""
    if not feasible:
        return []
    mask = pareto.nondominated(pareto.losses([t.values or () for t in feasible], maximize))
    return [t for t, keep in zip(feasible, mask, strict=True) if keep]


def hypervolume_history(trials: list[TrialInfo], maximize: list[bool]) -> list[tuple[int, float]]:
    """Normalised hypervolume after each evaluated trial (bounds: the final feasible front)."""
    counted = [t for t in trials if t.counted]
    feasible = [t for t in counted if t.feasible]
    if not feasible:
        return [(t.number, 0.0) for t in counted]
    scale = pareto.Normalizer.of_front(pareto.losses([t.values or () for t in feasible], maximize))
    history: list[tuple[int, float]] = []
    front = np.empty((0, len(maximize)))
    value = 0.0
    for trial in counted:
        if trial.feasible:
            point = scale(pareto.losses([trial.values or ()], maximize))
            candidates = np.vstack([front, point])
            front = candidates[pareto.nondominated(candidates)]
            value = pareto.hypervolume(front)
        history.append((trial.number, value))
    return history


def best_per_objective(feasible: list[TrialInfo], settings: SearchSettings) -> dict[str, TrialInfo]:
    """For each objective, the feasible trial with the best value (earliest on ties)."""
    best: dict[str, TrialInfo] = {}
    for i, objective in enumerate(settings.objective_list()):
        sign = -1.0 if objective.maximize else 1.0
        ranked = sorted(feasible, key=lambda t: (sign * _value(t, i), t.number))
        if ranked:
            best[objective.name] = ranked[0]
    return best


def _value(trial: TrialInfo, index: int) -> float:
    return float((trial.values or ())[index])
