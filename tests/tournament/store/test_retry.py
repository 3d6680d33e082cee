"""retrying: transient database errors are retried with back-off, others are not."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tournament.store.retry import backoff_delays, is_transient, retrying


def _locked_error() -> OperationalError:
    return OperationalError("INSERT ...", {}, Exception("database is locked"))


def test_transient_errors_are_retried_until_success() -> None:
    calls: list[int] = []

    @retrying(base_s=0.001, cap_s=0.002)
    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise _locked_error()
        return "written"

    assert flaky() == "written"
    assert len(calls) == 3


def test_other_errors_are_not_retried() -> None:
    calls: list[int] = []

    @retrying(base_s=0.001)
    def broken() -> None:
        calls.append(1)
        raise OperationalError("SELECT", {}, Exception("no such table: runs"))

    with pytest.raises(OperationalError, match="no such table"):
        broken()
    assert len(calls) == 1


def test_the_last_transient_error_propagates_once_the_budget_is_spent() -> None:
    calls: list[int] = []

    @retrying(budget_s=0.02, base_s=0.005, cap_s=0.01)
    def always_locked() -> None:
        calls.append(1)
        raise _locked_error()

    with pytest.raises(OperationalError, match="database is locked"):
        always_locked()
    assert len(calls) > 1


def test_backoff_grows_and_is_bounded() -> None:
    delays = backoff_delays(budget_s=60.0, base_s=0.05, cap_s=2.0)
    assert sum(delays) == pytest.approx(60.0)
    assert max(delays) <= 2.0
    assert delays[0] <= 0.05 < max(delays[:8])


def test_is_transient() -> None:
    assert is_transient(_locked_error())
    assert is_transient(OperationalError("x", {}, Exception("database is busy")))
    assert not is_transient(ValueError("database is locked"))


def test_a_real_lock_is_waited_out(tmp_path: Path) -> None:
    """A writer with no busy timeout meets a held write lock and retries until it is released."""
    path = tmp_path / "locked.db"
    url = f"sqlite:///{path}"
    holder = create_engine(url, connect_args={"isolation_level": None})
    impatient = create_engine(url, connect_args={"timeout": 0})
    with holder.connect() as c:
        c.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    attempts: list[int] = []

    @retrying(base_s=0.01, cap_s=0.05)
    def write() -> None:
        attempts.append(1)
        with impatient.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (1)"))

    lock = holder.connect()
    lock.exec_driver_sql("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, lambda: lock.exec_driver_sql("COMMIT"))
    release.start()
    write()
    release.join()
    lock.close()
    with holder.connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM t").scalar() == 1
    holder.dispose()
    impatient.dispose()
    assert len(attempts) > 1
