"""Successive halving in two rungs: every trial is screened under short rules, and the most
promising ``ceil(evaluated / eta)`` feasible trials are measured again under full rules.

Promising means: first the best trial of each objective (those are what ``--export-dir``
writes), then the others by non-domination rank and, within a rank, by closeness to the ideal
point (sum of normalised losses). The full-rule runs are recorded with label ``full`` (the
screening runs with ``screening``) on the same submissions; they do not change what Optuna was
told, and are what the leaderboard compares with human entries measured under the same rules.
"""

from __future__ import annotations

import math

import numpy as np

from tournament.hashing import sha256_of
from tournament.schema.submission import Submission
from tournament.search import pareto
from tournament.search.evaluation import Measured, Proposal
from tournament.search.report import FullResults, TrialInfo, best_per_objective
from tournament.search.settings import TEAM, SearchSettings
from tournament.search.store_evaluator import StoreEvaluator
from tournament.store.contract import StoreReader

FULL = "full"
SCREENING = "screening"


def promotion_count(evaluated: int, eta: int) -> int:
    """How many trials the full-rule rung takes: ``ceil(evaluated / eta)``."""
    return math.ceil(evaluated / eta) if evaluated else 0


def select(feasible: list[TrialInfo], settings: SearchSettings, count: int) -> list[TrialInfo]:
    """The ``count`` most promising feasible trials (see the module docstring)."""
    if not feasible or count <= 0:
        return []
    maximize = [o.maximize for o in settings.objective_list()]
    loss = pareto.losses([t.values or () for t in feasible], maximize)
    ranks = pareto.pareto_ranks(loss)
    closeness = pareto.Normalizer(loss)(loss).sum(axis=1)
    order = np.lexsort((np.array([t.number for t in feasible]), closeness, ranks))
    chosen = [t.number for t in best_per_objective(feasible, settings).values()]
    chosen += [feasible[i].number for i in order]
    by_number = {t.number: t for t in feasible}
    return [by_number[n] for n in dict.fromkeys(chosen)][:count]


def promote(evaluator: StoreEvaluator, trials: list[TrialInfo]) -> Measured:
    """Measure ``trials`` under the evaluator's (full) rules; results go to the store only."""
    proposals = []
    for trial in trials:
        assert trial.config is not None
        submission = Submission.model_validate(
            {"team": TEAM, "name": f"{evaluator.study_name}-t{trial.number}", **trial.config}
        )
        proposals.append(Proposal(trial.number, {}, submission))
    for proposal in proposals:
        evaluator.enter(proposal)
    return evaluator.measure(proposals)


def full_results(
    store: StoreReader, settings: SearchSettings, submission_ids: set[int]
) -> FullResults:
    """Full-rule results of ``submission_ids`` (by submission id), where they exist."""
    if settings.full_rules is None or not submission_ids:
        return {}
    sha = sha256_of(settings.full_rules)
    runs = {
        r.id
        for r in store.runs(status="done")
        if r.rules_sha256 == sha and r.scenario == settings.scenario
    }
    records = store.results(scenario=settings.scenario)
    return {
        entry.submission_id: r  # a result serves every entry of its configuration
        for r in records
        if r.run_id in runs
        for entry in (r.entry, *r.shared_with)
        if entry.submission_id in submission_ids
    }
