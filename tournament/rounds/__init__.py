"""Rounds: scheduled, frozen, ranked, reproducible tournament rounds.

``spec`` (what a round is), ``lifecycle`` (draft -> open -> running -> closed), ``entries``
(who may enter), ``run`` (resumable measuring), ``standings`` (the ranking at close),
``scheduler`` and ``lease`` (acting on schedules, one driver per round), ``reproduce`` and
``replay`` (checking results), ``recommend`` (the best configuration under constraints),
``status``. See ``docs/rounds.md``.
"""

from __future__ import annotations

from tournament.rounds.entries import check_entry, submit_to_round
from tournament.rounds.lifecycle import close_round, create_round, open_round, require_round
from tournament.rounds.load import load_round_spec, parse_round_spec
from tournament.rounds.play import Played, play_round
from tournament.rounds.recommend import Recommendation, recommend
from tournament.rounds.replay import Replay, kendall_tau, replay_round
from tournament.rounds.reproduce import Reproduction, reproduce
from tournament.rounds.run import RoundRunSummary, run_round
from tournament.rounds.scheduler import Action, Scheduler
from tournament.rounds.spec import Division, RoundSpec
from tournament.rounds.status import round_status

__all__ = [
    "Action",
    "Division",
    "Played",
    "Recommendation",
    "Replay",
    "Reproduction",
    "RoundRunSummary",
    "RoundSpec",
    "Scheduler",
    "check_entry",
    "close_round",
    "create_round",
    "kendall_tau",
    "load_round_spec",
    "open_round",
    "parse_round_spec",
    "play_round",
    "recommend",
    "replay_round",
    "reproduce",
    "require_round",
    "round_status",
    "run_round",
    "submit_to_round",
]
