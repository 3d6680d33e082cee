"""An aggregate keeps the evidence of every run's discarded contended attempts."""

from __future__ import annotations

from collections.abc import Callable

from tournament.results import Result
from tournament.results.aggregate import aggregate


def test_discarded_attempts_of_every_run_are_kept(make_result: Callable[..., Result]) -> None:
    first = [{"attempt": 1, "measured": True, "foreign_cpu_share": 0.4}]
    third = [{"attempt": 1, "measured": True, "foreign_cpu_share": 0.6},
             {"attempt": 2, "measured": True, "foreign_cpu_share": 0.5}]  # fmt: skip
    runs = [
        make_result(extra={"contention_attempts": first}),
        make_result(),
        make_result(extra={"contention_attempts": third}),
    ]
    assert aggregate(runs).extra["contention_attempts"] == first + third
    assert "contention_attempts" not in aggregate([runs[1], runs[1]]).extra
