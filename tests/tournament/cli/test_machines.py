"""``tourney machines``: register (measured by default), measure, list, show, in real SQLite."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import yaml


def _spec(home: Path, machine_id: str) -> dict[str, Any]:
    with sqlite3.connect(home / "tourney.db") as con:
        (text,) = con.execute("select spec from machines where id = ?", (machine_id,)).fetchone()
    return dict(json.loads(text))


def test_register_measures_and_list_show_measure_display_it(
    tourney: Any, _tourney_home: Path
) -> None:
    out = tourney("machines", "register", "--detect", "--id", "here").stdout
    assert "machine here: registered" in out and "peaks and bandwidth measured" in out
    first = _spec(_tourney_home, "here")["measured"]
    assert set(first["gemm"]) == {"fp32", "bf16", "int8"} and first["triad"]["gb_s_n"] > 0
    listing = tourney("machines", "list", env={"COLUMNS": "250"}).stdout
    assert first["measured_at"] in listing and "not measured" not in listing
    shown = tourney("machines", "show", "here", env={"COLUMNS": "250"}).stdout
    assert "nominal formula" in shown and "torch.ops.quantized.linear" in shown
    assert "triad GB/s" in shown
    again = tourney("machines", "measure", "here", env={"COLUMNS": "250"}).stdout
    assert "machine here: measured" in again
    assert _spec(_tourney_home, "here")["measured"]["measured_at"] >= first["measured_at"]


def test_no_measure_and_other_hosts_files_keep_the_nominal_peak(
    tourney: Any, tmp_path: Path, _tourney_home: Path
) -> None:
    detected = yaml.safe_load(tourney("machines", "detect", "--id", "plain").stdout)
    mine = tmp_path / "plain.yaml"
    mine.write_text(yaml.safe_dump(detected))
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump(detected | {"id": "other", "cpu_model": "Imaginary CPU 9000"}))
    out = tourney("machines", "register", str(mine), str(other), "--no-measure").stdout
    assert "machine plain: registered" in out and "not measured (--no-measure)" in out
    assert _spec(_tourney_home, "plain")["measured"] is None
    out = tourney("machines", "register", str(other)).stdout
    assert "not measured: it is not this host" in out and "tourney machines measure other" in out
    shown = tourney("machines", "show", "plain", env={"COLUMNS": "250"}).stdout
    assert "not measured (the cost model uses the nominal figures)" in shown
    listing = tourney("machines", "list", env={"COLUMNS": "250"}).stdout
    assert listing.count("not measured") == 2


def test_measure_refuses_another_hosts_machine(tourney: Any, tmp_path: Path) -> None:
    detected = yaml.safe_load(tourney("machines", "detect", "--id", "far").stdout)
    path = tmp_path / "far.yaml"
    path.write_text(yaml.safe_dump(detected | {"cpu_model": "Imaginary CPU 9000"}))
    tourney("machines", "register", str(path))
    proc = tourney("machines", "measure", "far", check=False)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "registered with cpu_model 'Imaginary CPU 9000'" in lines[0]
    assert lines[0].endswith("measure it on its own host.")
    missing = tourney("machines", "measure", "nowhere", check=False)
    assert missing.returncode == 2 and "'nowhere' is not registered" in missing.stderr


def test_text_from_a_machine_file_reaches_the_terminal_as_text(
    tourney: Any, tmp_path: Path, _tourney_home: Path
) -> None:
    detected = yaml.safe_load(tourney("machines", "detect", "--id", "plain").stdout)
    hostile = "\x1b[31mRed CPU[/] [bold]bold[/bold] :gem:"
    path = tmp_path / "odd.yaml"
    path.write_text(
        yaml.safe_dump(detected | {"id": "odd", "cpu_model": hostile, "price_usd_per_hour": 0.5})
    )
    out = tourney("machines", "register", str(path), "--no-measure").stdout
    assert "\x1b" not in out and "\\x1b[31mRed CPU[/] [bold]bold[/bold] :gem:" in out
    for args in (("machines", "list"), ("machines", "show", "odd")):
        shown = tourney(*args, env={"COLUMNS": "300"}).stdout
        assert "\x1b" not in shown, args  # no escape sequence reaches the terminal
        assert "[bold]bold[/bold]" in shown, args  # markup printed, not interpreted
    # A price from a file without its origin is stored as the file's (its date unknown).
    spec = _spec(_tourney_home, "odd")
    assert spec["price_source"] == "machine file odd.yaml" and spec["price_date"] is None
