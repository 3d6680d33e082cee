"""``tourney workloads / validate / submit``: output, exit codes, database untouched on errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).parents[3] / "submissions" / "examples"


def submissions_in(home: Path) -> int:
    db = home / "tourney.db"
    if not db.exists():
        return 0
    with sqlite3.connect(db) as con:
        return int(con.execute("select count(*) from submissions").fetchone()[0])


def test_workloads_lists_workloads_and_valid_combinations(tourney: Any) -> None:
    out = tourney("workloads").stdout
    assert "digits-cnn" in out and "minilm-embed" in out
    assert "onnxruntime" in out and "int8-static" in out


def test_validate_examples_ok(tourney: Any) -> None:
    files = sorted(str(p) for p in EXAMPLES.iterdir())
    out = tourney("validate", *files).stdout
    assert out.count(": ok (") == len(files)


def test_validate_reports_every_problem_with_file_and_field(tourney: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "team: t\nname: n\nworkload: digits-cnn\nvariant: huge\nruntime: torch\n"
        "quantization: int8-static\nbatch_size: 0\nextra: 1\n"
    )
    proc = tourney("validate", str(bad), check=False)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert all(line.startswith(f"{bad}: ") for line in lines), lines
    fields = {line.split(": ")[1] for line in lines}
    assert {"batch_size", "extra"} <= fields
    assert "Traceback" not in proc.stderr + proc.stdout


def test_submit_is_idempotent(tourney: Any, _tourney_home: Path) -> None:
    path = str(EXAMPLES / "digits-ort-fp32.yaml")
    first = tourney("submit", path).stdout
    second = tourney("submit", path).stdout
    assert "submitted as #1" in first and "already submitted as #1" in second
    assert submissions_in(_tourney_home) == 1


def test_submit_is_all_or_nothing(tourney: Any, tmp_path: Path, _tourney_home: Path) -> None:
    tourney("submit", str(EXAMPLES / "digits-ort-fp32.yaml"))
    bad = tmp_path / "bad.json"
    bad.write_text('{"team": "t", "name": "n"}')
    proc = tourney("submit", str(EXAMPLES / "digits-torch-fp32.yaml"), str(bad), check=False)
    assert proc.returncode == 2
    assert f"{bad}: workload: required field is missing." in proc.stderr
    assert submissions_in(_tourney_home) == 1


def test_unknown_machine_is_rejected_with_known_ones(tourney: Any, tmp_path: Path) -> None:
    sub = tmp_path / "m.yaml"
    sub.write_text((EXAMPLES / "digits-ort-fp32.yaml").read_text() + "machine: gpu-a\n")
    proc = tourney("validate", str(sub), check=False)
    assert proc.returncode == 2
    assert "machine: unknown machine 'gpu-a'; expected one of: local" in proc.stderr


def test_submit_to_a_round_checks_the_round(tourney: Any, _tourney_home: Path) -> None:
    rounds = Path(__file__).parents[3] / "submissions" / "rounds"
    path = str(EXAMPLES / "digits-ort-fp32.yaml")
    proc = tourney("submit", "--round", "nope", path, check=False)
    assert proc.returncode == 2 and "round nope does not exist" in proc.stderr
    tourney("round", "create", str(rounds / "demo.yaml"))
    proc = tourney("submit", "--round", "demo", path, check=False)
    assert proc.returncode == 2 and "draft" in proc.stderr  # not open yet
    tourney("round", "open", "demo")
    assert "submitted as #1" in tourney("submit", "--round", "demo", path).stdout
    assert submissions_in(_tourney_home) == 1
