"""Optuna auto-search: a multi-objective, accuracy-constrained participant.

The platform searches the configuration space of a workload by itself: each trial is a real
submission (origin ``search``, team ``optuna``) measured by the runner, its objectives are
figures of the metric table, the accuracy gate and the validity rule of its result are Optuna
constraints, and the study lives in the store's database. See docs/search.md.
"""

from __future__ import annotations

from tournament.search.derive import SpaceSpec, build_space
from tournament.search.evaluation import Evaluator, Measured, Outcome, Proposal
from tournament.search.loop import LoopResult, SearchLoop
from tournament.search.objectives import Objective, objective, objective_names, parse_objectives
from tournament.search.report import SearchReport, TrialInfo, build_report
from tournament.search.session import SearchInterrupted, run_search, search_status
from tournament.search.settings import RunOptions, SearchSettings
from tournament.search.space import SearchSpace

__all__ = [
    "Evaluator",
    "LoopResult",
    "Measured",
    "Objective",
    "Outcome",
    "Proposal",
    "RunOptions",
    "SearchInterrupted",
    "SearchLoop",
    "SearchReport",
    "SearchSettings",
    "SearchSpace",
    "SpaceSpec",
    "TrialInfo",
    "build_report",
    "build_space",
    "objective",
    "objective_names",
    "parse_objectives",
    "run_search",
    "search_status",
]
