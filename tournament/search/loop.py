"""The ask/tell loop: the driver asks Optuna for configurations, has them measured, tells.

Only this loop talks to the study. Per batch it asks up to ``parallel`` trials, turns each into a
validated submission, lets the evaluator enter and measure them, and tells every outcome: the
objective values and two Optuna constraints (``Trial.set_constraint``, the documented API of
Optuna 5; feasible when <= 0): the accuracy gate on the oriented quality ratio, and the validity
rule of the result. A trial whose evaluation failed, or whose result leaves an objective figure
or the quality ratio unknown, is told ``FAIL`` with the reason in its ``error`` attribute.

Budget: ``budget`` counts the distinct configurations the study has evaluated. A trial that
proposes a configuration evaluated before in the study is told the same outcome at once, marked
``duplicate_of``, and costs nothing. Trials left ``RUNNING`` by a killed driver are resumed
first: entered again (idempotent) and measured, and an existing result is reused rather than
measured twice.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tournament.schema.submission import Submission
from tournament.schema.validate import parse_submission
from tournament.search.evaluation import (
    Evaluator,
    Outcome,
    Proposal,
    accuracy_constraint,
    validity_constraint,
)
from tournament.search.settings import TEAM
from tournament.search.space import SearchSpace, describe

if TYPE_CHECKING:
    import optuna
    from optuna.trial import FrozenTrial

Progress = Callable[[str, int, str], None]
"""``progress(event, trial_number, text)``; events: resumed, started, measured, told,
duplicate, failed."""

ACCURACY = "accuracy"
"""The accuracy gate as a constraint on every told trial: ``min_quality_ratio - quality_ratio``."""

VALIDITY = "validity"
"""The validity rule as a constraint on every told trial: how many reasons the result does not
count (minimum rules, accuracy class, the scenario's own rule); 0 when it counts."""

DUPLICATE_STREAK = 50
"""Consecutive duplicate proposals (per parallel slot) after which the search stops."""

FAILURE_STREAK = 5
"""Consecutive failed trials after which the search stops (a broken set-up, not a bad config:
the budget is not burnt on it, and the next session resumes)."""


@dataclass(frozen=True)
class LoopResult:
    """How a loop ended: ``evaluated`` distinct configurations in the study, and why it stopped
    (``budget``, ``exhausted``, ``duplicates``, ``failures`` or ``interrupted``)."""

    evaluated: int
    stop_reason: str


@dataclass
class _Pending:
    trial: optuna.trial.Trial
    proposal: Proposal


class SearchLoop:
    """Runs one study's ask/tell loop against an evaluator (see the module docstring)."""

    def __init__(
        self,
        study: optuna.Study,
        space: SearchSpace,
        evaluator: Evaluator,
        *,
        objectives: tuple[str, ...],
        min_quality_ratio: float,
        grid_seed: int | None = None,
        grid: bool = False,
        progress: Progress | None = None,
    ) -> None:
        self.study = study
        self.space = space
        self.evaluator = evaluator
        self.objectives = objectives
        self.min_quality_ratio = min_quality_ratio
        self.progress: Progress = progress or (lambda event, number, text: None)
        self._seen: dict[str, FrozenTrial] = {}
        self._late: list[tuple[optuna.trial.Trial, _Pending]] = []
        self._failures = 0
        self._grid: list[dict[str, Any]] | None = None
        self._size = space.size()
        if grid:
            order = [params for params, _ in space.enumerate()]
            random.Random(grid_seed).shuffle(order)
            self._grid = order

    def run(self, budget: int, parallel: int = 1) -> LoopResult:
        """Evaluate until the study holds ``budget`` distinct configurations (or stops early)."""
        import optuna

        for frozen in self.study.get_trials(deepcopy=False):
            key = frozen.user_attrs.get("config_hash")
            if frozen.state.is_finished() and key and "duplicate_of" not in frozen.user_attrs:
                self._seen.setdefault(key, frozen)
        batch = self._resume(
            self.study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,))
        )
        reason = "budget"
        while True:
            room = budget - len(self._seen) - len(batch)
            asked, stop = self._ask(min(parallel, room) if not batch else 0)
            batch += asked
            reason = stop or reason
            if not batch:
                return LoopResult(len(self._seen), reason)
            if self._measure(batch):
                return LoopResult(len(self._seen), "interrupted")
            batch = []
            if self._failures >= FAILURE_STREAK:
                return LoopResult(len(self._seen), "failures")
            if stop:
                return LoopResult(len(self._seen), stop)

    # -- asking -----------------------------------------------------------------------------

    def _ask(self, wanted: int) -> tuple[list[_Pending], str | None]:
        batch: list[_Pending] = []
        streak = 0
        while len(batch) < wanted:
            if self._grid is not None and not self._enqueue_next():
                return batch, "exhausted"
            if len(self._seen) + len(batch) >= self._size:
                return batch, "exhausted"
            trial = self.study.ask()
            config = self.space.walk(_suggester(trial))
            pending = self._pending(trial, config)
            twin = self._twin(pending, batch)
            if twin is None:
                self._enter(pending)
                batch.append(pending)
                streak = 0
                continue
            self._tell_duplicate(trial, twin)
            streak += 1
            if streak >= DUPLICATE_STREAK * max(1, wanted):
                return batch, "duplicates"
        return batch, None

    def _enqueue_next(self) -> bool:
        assert self._grid is not None
        while self._grid:
            params = self._grid.pop()
            config = self.space.config_from_params(params)
            if _submission(config, "grid", "").config_hash not in self._seen:
                self.study.enqueue_trial(params)
                return True
        return False

    def _pending(self, trial: optuna.trial.Trial, config: dict[str, Any]) -> _Pending:
        name = f"{self.study.study_name}-t{trial.number}"
        submission = _submission(
            config, name, f"Optuna study {self.study.study_name}, trial {trial.number}."
        )
        return _Pending(trial, Proposal(trial.number, dict(trial.params), submission))

    def _twin(self, pending: _Pending, batch: list[_Pending]) -> FrozenTrial | _Pending | None:
        key = pending.proposal.submission.config_hash
        if key in self._seen:
            return self._seen[key]
        same = [p for p in batch if p.proposal.submission.config_hash == key]
        return same[0] if same else None

    def _enter(self, pending: _Pending) -> None:
        sub = pending.proposal.submission
        pending.trial.set_user_attr("config_hash", sub.config_hash)
        pending.trial.set_user_attr("config", sub.config())
        for key, value in self.evaluator.enter(pending.proposal).items():
            pending.trial.set_user_attr(key, value)
        self.progress("started", pending.trial.number, describe(sub.config()))

    # -- resuming ---------------------------------------------------------------------------

    def _resume(self, running: list[FrozenTrial]) -> list[_Pending]:
        import optuna

        batch: list[_Pending] = []
        for frozen in running:
            trial = optuna.trial.Trial(self.study, frozen._trial_id)
            try:
                config = self.space.config_from_params(frozen.params)
            except KeyError:
                trial.set_user_attr(
                    "error", "the driver stopped before the trial's parameters were complete"
                )
                self.study.tell(trial, state=optuna.trial.TrialState.FAIL)
                self.progress("failed", frozen.number, "incomplete parameters")
                continue
            pending = self._pending(trial, config)
            twin = self._twin(pending, batch)
            if twin is not None:
                self._tell_duplicate(trial, twin)
                continue
            self._enter(pending)
            self.progress("resumed", frozen.number, describe(config))
            batch.append(pending)
        return batch

    # -- measuring and telling --------------------------------------------------------------

    def _measure(self, batch: list[_Pending]) -> bool:
        """Measure and tell ``batch``, then its in-batch duplicates; True when interrupted."""
        import optuna

        measured = self.evaluator.measure([p.proposal for p in batch])
        for pending in batch:
            outcome = measured.outcomes.get(pending.trial.number)
            if outcome is None:
                continue  # interrupted: the trial stays RUNNING and is resumed next time
            self.progress("measured", pending.trial.number, "")
            frozen = self._tell(pending.trial, outcome)
            failed = frozen.state != optuna.trial.TrialState.COMPLETE
            self._failures = self._failures + 1 if failed else 0
            self._seen[pending.proposal.submission.config_hash] = frozen
        late, self._late = self._late, []
        for trial, twin in late:
            told = self._seen.get(twin.proposal.submission.config_hash)
            if told is not None:
                self._tell_duplicate(trial, told)
        return measured.interrupted

    def _tell(self, trial: optuna.trial.Trial, outcome: Outcome) -> FrozenTrial:
        import optuna

        trial.set_user_attr("source", outcome.source)
        for key, value in outcome.attrs.items():
            trial.set_user_attr(key, value)
        trial.set_user_attr("metrics", outcome.metrics)
        trial.set_user_attr("quality", outcome.quality)
        trial.set_user_attr("reference_quality", outcome.reference_quality)
        trial.set_user_attr("quality_ratio", outcome.quality_ratio)
        trial.set_user_attr("invalid_reasons", list(outcome.invalid_reasons))
        values = [_known(outcome.metrics.get(name)) for name in self.objectives]
        accuracy = accuracy_constraint(outcome, self.min_quality_ratio)
        error = outcome.error or _unknown(self.objectives, values, accuracy)
        if error is not None:
            trial.set_user_attr("error", error)
            frozen = self.study.tell(trial, state=optuna.trial.TrialState.FAIL)
            self.progress("failed", trial.number, error.splitlines()[0])
            return frozen
        assert accuracy is not None
        validity = validity_constraint(outcome)
        trial.set_constraint(ACCURACY, accuracy)
        trial.set_constraint(VALIDITY, validity)
        frozen = self.study.tell(trial, [float(v) for v in values if v is not None])
        feasible = accuracy <= 0 and validity <= 0
        self.progress("told", trial.number, _summary(self.objectives, values, feasible))
        return frozen

    def _tell_duplicate(self, trial: optuna.trial.Trial, twin: FrozenTrial | _Pending) -> None:
        import optuna

        if isinstance(twin, _Pending):  # a twin in the same batch: told once it is measured
            trial.set_user_attr("duplicate_of", twin.trial.number)
            self._late.append((trial, twin))
            return
        trial.set_user_attr("duplicate_of", twin.number)
        trial.set_user_attr("config_hash", twin.user_attrs.get("config_hash"))
        if twin.state != optuna.trial.TrialState.COMPLETE or twin.values is None:
            self.study.tell(trial, state=optuna.trial.TrialState.FAIL)
        else:
            for key, value in twin.constraints.items():
                trial.set_constraint(key, value)
            self.study.tell(trial, list(twin.values))
        self.progress("duplicate", trial.number, f"same configuration as trial {twin.number}")


def _suggester(trial: optuna.trial.Trial) -> Callable[[str, tuple[Any, ...]], Any]:
    def choose(name: str, choices: tuple[Any, ...]) -> Any:
        return trial.suggest_categorical(name, list(choices))

    return choose


def _submission(config: dict[str, Any], name: str, description: str) -> Submission:
    return parse_submission({"team": TEAM, "name": name, "description": description, **config})


def _known(value: float | None) -> float | None:
    """``value``, or None when it is unknown or not a finite number."""
    return value if value is not None and math.isfinite(value) else None


def _unknown(
    objectives: tuple[str, ...], values: list[float | None], accuracy: float | None
) -> str | None:
    """Why the trial cannot be told: an unknown objective figure or quality ratio (never 0)."""
    absent = [name for name, value in zip(objectives, values, strict=True) if value is None]
    if absent:
        return (
            f"the result has no {', '.join(absent)}: unknown on this machine (not measured, or "
            "no price or peak to derive it from), and an unknown figure is never taken as 0"
        )
    if accuracy is None:
        return "the result has no quality ratio: its quality or fp32 reference is undefined"
    return None


def _summary(objectives: tuple[str, ...], values: list[float | None], feasible: bool) -> str:
    shown = ", ".join(f"{name}={value:.4g}" for name, value in zip(objectives, values, strict=True))
    return f"{shown} [{'feasible' if feasible else 'infeasible'}]"
