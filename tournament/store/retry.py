"""Retry a database write when the database is busy.

SQLite allows one writer at a time: a second writer waits ``busy_timeout`` and then fails with
``database is locked``. PostgreSQL may abort a transaction on a deadlock or a serialization
conflict. Both are transient: the whole transaction can simply run again. Every write of the
store goes through :func:`retrying`, so each wrapped function must be one complete transaction.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar, overload

from sqlalchemy.exc import OperationalError

P = ParamSpec("P")
T = TypeVar("T")

BUDGET_S = 60.0
"""Total time spent sleeping between attempts before giving up."""

_TRANSIENT = (
    "database is locked",
    "database is busy",
    "database table is locked",
    "deadlock detected",
    "could not serialize access",
)


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` is a busy/locked/conflict error that a retry may cure."""
    if not isinstance(error, OperationalError):
        return False
    message = str(error.orig if error.orig is not None else error).lower()
    return any(text in message for text in _TRANSIENT)


def backoff_delays(budget_s: float, base_s: float, cap_s: float) -> list[float]:
    """Sleep durations: exponential with full jitter, capped per step and bounded in total."""
    delays: list[float] = []
    total, step = 0.0, base_s
    while total < budget_s:
        delay = min(random.uniform(step / 2, step), budget_s - total)
        delays.append(delay)
        total += delay
        step = min(step * 2, cap_s)
    return delays


@overload
def retrying(fn: Callable[P, T]) -> Callable[P, T]: ...


@overload
def retrying(
    fn: None = None, *, budget_s: float = ..., base_s: float = ..., cap_s: float = ...
) -> Callable[[Callable[P, T]], Callable[P, T]]: ...


def retrying(
    fn: Callable[P, T] | None = None,
    *,
    budget_s: float = BUDGET_S,
    base_s: float = 0.05,
    cap_s: float = 2.0,
) -> Callable[P, T] | Callable[[Callable[P, T]], Callable[P, T]]:
    """Run ``fn`` again while it fails with a transient database error.

    Use as ``@retrying`` or ``@retrying(budget_s=5)``. The wrapped function must be a whole
    transaction (open its own session), so that running it again is safe. Other errors, and the
    last transient one once ``budget_s`` seconds of back-off are spent, propagate unchanged.
    """

    def decorate(func: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            delays = iter(backoff_delays(budget_s, base_s, cap_s))
            while True:
                try:
                    return func(*args, **kwargs)
                except OperationalError as error:
                    delay = next(delays, None)
                    if delay is None or not is_transient(error):
                        raise
                    time.sleep(delay)

        return wrapper

    return decorate(fn) if fn is not None else decorate
