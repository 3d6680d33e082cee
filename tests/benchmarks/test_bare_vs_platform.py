"""``benchmarks/bare_vs_platform.py`` runs end to end and judges its targets correctly."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "bare_vs_platform.py"


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bare_vs_platform", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def _rows(stdout: str) -> dict[str, list[str]]:
    lines = [ln for ln in stdout.splitlines() if ln.startswith("| ") and "---" not in ln]
    cells = [[c.strip() for c in ln.strip("|").split("|")] for ln in lines]
    return {row[0]: row for row in cells[1:]}


def _check_rows(rows: dict[str, list[str]], names: list[str]) -> None:
    bvp = _module()
    configs = {c.name: c for c in bvp.CONFIGS}
    assert sorted(rows) == sorted(names)
    for name, row in rows.items():
        threads = configs[name].threads
        assert row[1] == f"{threads}/{threads}", row  # set alike and read back on both sides
        assert float(row[2]) > 0 and float(row[3]) > 0  # p50 bare, platform
        assert float(row[6]) > 0 and float(row[7]) > 0  # throughput bare, platform
        assert row[5] in {"met", "NOT MET"} and row[9] in {"met", "NOT MET"}


def test_one_configuration_runs_end_to_end() -> None:
    name = "digits-cnn-torch-fp32-b1-t1"
    proc = _run("--quick", "--only", name)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "CPU: " in proc.stdout
    assert "load average at start: " in proc.stdout
    _check_rows(_rows(proc.stdout), [name])


@pytest.mark.slow
def test_every_configuration_runs_in_quick_mode() -> None:
    proc = _run("--quick")
    assert proc.returncode == 0, proc.stderr[-2000:]
    _check_rows(_rows(proc.stdout), [c.name for c in _module().CONFIGS])


def test_an_unknown_configuration_is_one_sentence_naming_the_option() -> None:
    proc = _run("--only", "no-such-config")
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines()[-1].startswith("--only: unknown configuration")


def _result(
    bare: list[tuple[float, float]], platform: list[tuple[float, float]], threads: Any
) -> Any:
    cfg = _module().CONFIGS[0]
    from dataclasses import asdict

    return {
        "config": asdict(cfg),
        "bare": bare,
        "platform": platform,
        "threads": threads,
        "load": 0.1,
    }


def test_ratios_are_median_pair_ratios_judged_against_the_targets() -> None:
    bvp = _module()
    t = bvp.CONFIGS[0].threads
    threads = [("bare", t), ("platform", t)]
    bare = [(1.0, 100.0), (2.0, 50.0), (1.0, 100.0)]
    # pairs: p50 ratios 1.02, 1.10, 1.02 -> 1.02 (met); throughput 0.99, 0.90, 0.99 -> 0.99 (met)
    platform = [(1.02, 99.0), (2.2, 45.0), (1.02, 99.0)]
    row = bvp.row(_result(bare, platform, threads))
    assert row[4].startswith("1.020 (1.02-1.10)") and row[5] == "met"
    assert row[8].startswith("0.990 (0.90-0.99)") and row[9] == "met"
    slower = [(1.05, 95.0), (2.1, 47.5), (1.05, 95.0)]  # 5 % slower in every pair
    row = bvp.row(_result(bare, slower, threads))
    assert row[5] == "NOT MET" and row[9] == "NOT MET"
    row = bvp.row(_result(bare, platform, [("bare", t), ("platform", t + 1)]))
    assert row[1].endswith("MISMATCH")
