"""``tourney db backup`` takes a consistent copy while another process keeps writing."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_support import QUICK, REPO, db_command

from tournament.cli.db import read_counts
from tournament.store import Store

WRITER = """
import sys, time
from pathlib import Path
from tournament.schema import Submission
from tournament.store import Store
url, stop, rules = sys.argv[1], Path(sys.argv[2]), eval(sys.argv[3])
with Store(url) as store:
    i = 0
    while not stop.exists():
        sub = Submission(team="w", name=f"n{i}", workload="digits-cnn", variant="small",
                         runtime="onnxruntime", batch_size=1 + i % 1000,
                         runtime_options={"intra_op_threads": 1 + i // 1000})
        sid, _ = store.add_submission(sub)
        store.queue_runs("single-stream", rules, submission_ids=[sid])
        i += 1
"""
"""A second process adding submissions and queueing their runs until ``stop`` exists."""


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    Store(url).close()  # created and migrated before the writer starts
    stop = tmp_path / "stop"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, url, str(stop), repr(QUICK)], cwd=REPO)
    try:
        deadline = time.monotonic() + 120
        while read_counts(url)["runs"] < 20:
            assert proc.poll() is None and time.monotonic() < deadline, "the writer did not start"
            time.sleep(0.05)
        yield url
    finally:
        stop.touch()
        assert proc.wait(timeout=60) == 0


def _db(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"TOURNEY_DB_URL": url}
    return subprocess.run([*db_command(), *args], env={**os.environ, **env}, cwd=REPO,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_backup_while_a_writer_runs_is_a_consistent_copy(writer: str, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    before = read_counts(writer)
    proc = _db(writer, "backup", str(target))
    after = read_counts(writer)
    assert proc.returncode == 0, proc.stderr
    assert after["submissions"] > before["submissions"], "no write happened during the backup"
    copy = read_counts(f"sqlite:///{target}")
    for table in ("submissions", "runs"):
        assert before[table] <= copy[table] <= after[table]
    # the writer adds a submission, then queues its run: two transactions, a copy falls between
    assert copy["submissions"] - copy["runs"] in (0, 1)
    with sqlite3.connect(target) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        ids = [i for (i,) in db.execute("SELECT id FROM submissions ORDER BY id")]
    assert ids == list(range(1, len(ids) + 1))  # a prefix of what the writer wrote: no gaps
    assert not Path(f"{target}-wal").exists()
    assert f"{copy['submissions']} submissions" in proc.stdout


def test_backup_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    missing = _db(url, "backup", str(tmp_path / "x.db"))
    assert (missing.returncode, missing.stderr.count("\n")) == (2, 1)
    assert "nothing to back up" in missing.stderr
    Store(url).close()
    taken = tmp_path / "taken.db"
    taken.write_text("not a database")
    refused = _db(url, "backup", str(taken))
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert _db(url, "backup", "--force", str(taken)).returncode == 0
    assert read_counts(f"sqlite:///{taken}")["submissions"] == 0
    itself = _db(url, "backup", str(tmp_path / "live.db"))
    assert itself.returncode == 2 and "the database itself" in itself.stderr


def test_counts_reads_without_creating(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'absent.db'}"
    proc = _db(url, "counts", "--format", "json")
    assert proc.returncode == 2 and not (tmp_path / "absent.db").exists()
    with Store(url) as store:
        store.queue_runs("single-stream", QUICK)
        expected = store.counts()
    assert json.loads(_db(url, "counts", "--format", "json").stdout) == expected


def test_postgresql_counts_and_backup_refusal(pg_url: str) -> None:
    with Store(pg_url) as store:
        expected = store.counts()
    assert json.loads(_db(pg_url, "counts", "--format", "json").stdout) == expected
    refused = _db(pg_url, "backup", "x.db")
    assert refused.returncode == 2 and "pg_dump" in refused.stderr
