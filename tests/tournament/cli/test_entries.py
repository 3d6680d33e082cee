"""Two teams, one configuration: ``tourney submit`` gives each its entry, one real measurement
(local backend, quick rules) serves both, and a team's name clash stores nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).parents[3] / "submissions" / "examples" / "digits-ort-fp32.yaml"


def _as(tmp_path: Path, team: str, name: str) -> str:
    text = EXAMPLE.read_text().replace("team: baseline", f"team: {team}")
    path = tmp_path / f"{team}-{name}.yaml"
    path.write_text(text.replace("name: digits-ort-fp32", f"name: {name}"))
    return str(path)


def _count(home: Path, table: str) -> int:
    with sqlite3.connect(home / "tourney.db") as con:
        return int(con.execute(f"select count(*) from {table}").fetchone()[0])


def test_two_teams_one_configuration_one_measurement(
    tourney: Any, tmp_path: Path, _tourney_home: Path
) -> None:
    a, b = _as(tmp_path, "team-a", "fast"), _as(tmp_path, "team-b", "quick")
    out = tourney("submit", a, b).stdout
    assert f"{a}: submitted as #1 (config " in out
    assert "submitted as #2 (config " in out and "measured once for it and team-a/fast #1)" in out
    assert "already submitted as #2" in tourney("submit", b).stdout

    other = tmp_path / "team-a-fast-b2.yaml"
    other.write_text(
        EXAMPLE.read_text()
        .replace("team: baseline", "team: team-a")
        .replace("name: digits-ort-fp32", "name: fast")
        .replace("batch_size: 1", "batch_size: 2")
    )
    fresh = _as(tmp_path, "team-c", "new")
    proc = tourney("submit", fresh, str(other), check=False)
    assert proc.returncode == 2
    assert f"{other}: name: team team-a already has an entry 'fast' outside any round (#1" in (
        proc.stderr
    )
    assert _count(_tourney_home, "submissions") == 2  # all or nothing: team-c's file neither

    tourney("run", "--backend", "local", "--quick")
    assert _count(_tourney_home, "runs") == 1
    (row,) = json.loads(tourney("results", "--format", "json").stdout)
    assert row["entry"] == "team-a/fast" and row["shared_with"] == ["team-b/quick"]
    assert row["valid"] is True
    table = tourney("results", env={"COLUMNS": "200"}).stdout
    assert "shared with team-b/quick" in table
