"""Broken storage is one sentence: damaged, foreign, missing, empty databases and a full disk.

Each command runs in its own process (``python -m tournament``) against a real SQLite file:
stderr is one line naming the database, the exit code is non-zero, no traceback, read-only
commands never create or initialise a database, and a write that hits a full disk stores
nothing and leaves what was stored intact.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .reliability_support import REPO, tourney, write_submissions

READERS = (("results",), ("db", "counts"), ("round", "list"), ("machines", "list"))
EXAMPLE = REPO / "submissions" / "examples" / "digits-ort-fp32.yaml"


def _env(db: Path, home: Path) -> dict[str, str]:
    return {"TOURNEY_DB_URL": f"sqlite:///{db}", "TOURNEY_HOME": str(home), "COLUMNS": "120"}


def _one_sentence(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode != 0, done.stdout
    assert len(lines) == 1, done.stderr  # one sentence, no traceback
    assert "Traceback" not in done.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture(scope="module")
def good_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real database with one stored submission."""
    home = tmp_path_factory.mktemp("good")
    db = home / "tourney.db"
    done = tourney("submit", EXAMPLE, env=_env(db, home))
    assert done.returncode == 0, done.stderr
    return db


def test_a_damaged_database_is_one_sentence(good_db: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.db"
    data = good_db.read_bytes()
    damaged.write_bytes(data[: len(data) // 3])
    for args in (*READERS, ("submit", str(EXAMPLE))):
        done = tourney(*args, env=_env(damaged, tmp_path))
        _one_sentence(done, f"database file {damaged}", "malformed")
    assert damaged.read_bytes() == data[: len(data) // 3]  # nothing wrote to it


def test_a_foreign_file_is_one_sentence(tmp_path: Path) -> None:
    foreign = tmp_path / "notes.db"
    foreign.write_text("these are my notes, not a database\n")
    for args in (*READERS, ("submit", str(EXAMPLE))):
        _one_sentence(tourney(*args, env=_env(foreign, tmp_path)), "not a database")
    assert foreign.read_text() == "these are my notes, not a database\n"


def test_read_only_commands_never_create_a_database(tmp_path: Path) -> None:
    missing, empty = tmp_path / "missing.db", tmp_path / "empty.db"
    empty.touch()
    for args in READERS:
        _one_sentence(tourney(*args, env=_env(missing, tmp_path)), "does not exist")
        assert not missing.exists()
    for args in (("results",), ("round", "list"), ("machines", "list")):
        _one_sentence(tourney(*args, env=_env(empty, tmp_path)), "has no Tourney tables")
        assert empty.stat().st_size == 0  # not initialised


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs (needs the right to mount; skipped without it)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_during_submit_stores_nothing(
    good_db: Path, small_disk: Path, tmp_path: Path
) -> None:
    db = small_disk / "tourney.db"
    shutil.copy(good_db, db)
    env = _env(db, tmp_path)
    before = tourney("db", "counts", "--format", "json", env=env)
    assert before.returncode == 0, before.stderr
    fd = os.open(small_disk / "filler", os.O_WRONLY | os.O_CREAT)  # fill it to the last byte
    for size in (65536, 512, 1):
        try:
            while True:
                os.write(fd, b"\0" * size)
        except OSError:
            pass
    os.close(fd)
    folder = tmp_path / "many"
    folder.mkdir()
    files = write_submissions(folder, 300)  # distinct entries: enough rows to need new pages
    done = tourney("submit", *files, env=env)
    _one_sentence(done, "disk is full", "stored nothing")
    (small_disk / "filler").unlink()
    after = tourney("db", "counts", "--format", "json", env=env)
    assert after.returncode == 0 and after.stdout == before.stdout  # intact, nothing added
