"""Several processes open and write one SQLite file at once; backups are consistent copies."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from pathlib import Path

import pytest

from tournament.errors import UserError
from tournament.results import Result
from tournament.schema import Submission
from tournament.store import Store

MakeSubmission = Callable[..., Submission]
MakeResult = Callable[..., Result]
WORKERS, PER_WORKER = 4, 50


def test_concurrent_writers_lose_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """4 spawned processes x 50 add_submission on a database none of them has created yet."""
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    from store_writer_process import add_many

    url = f"sqlite:///{tmp_path / 'shared.db'}"
    context = multiprocessing.get_context("spawn")
    barrier, out = context.Barrier(WORKERS), context.Queue()
    processes = [
        context.Process(target=add_many, args=(url, worker, PER_WORKER, barrier, out))
        for worker in range(WORKERS)
    ]
    for process in processes:
        process.start()
    try:
        for process in processes:
            process.join(timeout=120)
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
    assert [process.exitcode for process in processes] == [0] * WORKERS
    assert [out.get(timeout=5) for _ in processes] == [PER_WORKER] * WORKERS
    with Store(url) as store:
        assert store.counts()["submissions"] == WORKERS * PER_WORKER
        rows = store.submissions()
    assert len({row.config_hash for row in rows}) == WORKERS * PER_WORKER


def test_backup_is_a_consistent_copy(
    tmp_path: Path, make_submission: MakeSubmission, make_result: MakeResult
) -> None:
    source = tmp_path / "source.db"
    with Store(f"sqlite:///{source}") as store:
        store.upsert_machine("local", {"cores": 2}, 0.1, 0.2)
        store.add_submission(make_submission())
        (run_id,) = store.queue_runs("single-stream", {})
        store.claim_run(run_id, "w")
        store.record_result(run_id, make_result())
        target = store.backup(tmp_path / "backups" / "copy.db")
        expected = store.counts()
        with pytest.raises(UserError, match="is the database itself"):
            store.backup(source)
    with Store(f"sqlite:///{target}") as copy:
        assert copy.counts() == expected
        assert copy.results()[0].value("latency_p50_ms") == 2.0
