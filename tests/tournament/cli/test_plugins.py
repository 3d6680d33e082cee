"""``tourney plugins``: every group, name, target and origin; ``--check`` loads each."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tournament.plugins import GROUPS


def _broken_distribution(site: Path) -> None:
    info = site / "broken_runtime-0.2.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-runtime\nVersion: 0.2\n")
    (info / "entry_points.txt").write_text(
        "[tourney.runtimes]\nbroken = broken_runtime_xyz:Engine\n\n[tourney.runtime]\nx = a:b\n"
    )


def test_plugins_lists_every_group_with_targets_and_origins(tourney: Any) -> None:
    tourney.env["COLUMNS"] = "120"
    out = tourney("plugins").stdout
    for group in GROUPS:
        assert group in out
    row = next(line for line in out.splitlines() if " torch-compile " in line)
    assert "tournament.runtimes.torch_compile:TorchCompile" in row and "tourney 0.1.0" in row
    assert "┃ loads" not in out  # the column --check adds
    assert max(len(line) for line in out.splitlines()) <= 120


def test_check_reports_each_failure_in_one_sentence(tourney: Any, tmp_path: Path) -> None:
    site = tmp_path / "site"
    _broken_distribution(site)
    tourney.env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(site), os.environ.get("PYTHONPATH")])
    )
    listed = tourney("plugins")
    assert "broken-runtime 0.2" in listed.stdout
    assert listed.stderr.startswith("tourney.runtime: no registry reads this entry-point group")
    proc = tourney("plugins", "--check", check=False)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "runtime 'broken': the plugin broken_runtime_xyz:Engine (entry point 'broken' in group "
        "tourney.runtimes, distribution broken-runtime 0.2) does not load: ModuleNotFoundError: "
        "No module named 'broken_runtime_xyz'.",
        "tourney.runtime: no registry reads this entry-point group; expected one of: "
        + ", ".join(GROUPS)
        + ".",
    ]
    row = next(line for line in proc.stdout.splitlines() if " broken " in line)
    assert row.rstrip(" │").endswith("no")


def test_a_submission_naming_a_broken_runtime_gets_the_sentence(
    tourney: Any, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    _broken_distribution(site)
    tourney.env["PYTHONPATH"] = str(site)
    sub = tmp_path / "sub.yaml"
    sub.write_text(
        "team: t\nname: n\nworkload: digits-cnn\nvariant: small\nruntime: broken\n"
        "quantization: fp32\nbatch_size: 1\n"
    )
    proc = tourney("validate", str(sub), check=False)
    assert proc.returncode == 2
    assert "sub.yaml: runtime 'broken': the plugin broken_runtime_xyz:Engine" in proc.stderr
    assert "Traceback" not in proc.stderr
