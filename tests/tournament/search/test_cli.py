"""``tourney search`` and ``tourney search status`` through typer's CliRunner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from tournament.cli.search import register
from tournament.schema.validate import load_submission

SMALL = [
    "--workload",
    "digits-cnn",
    "--variants",
    "small",
    "--runtimes",
    "onnxruntime",
    "--quantizations",
    "fp32",
    "--batch-sizes",
    "8",
    "--threads",
    "1",
    "--graph-optimizations",
    "all",
    "--backend",
    "local",
]


@pytest.fixture
def cli() -> Any:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Tourney (test application)."""

    register(app)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search"], "workload: expected --workload NAME"),
        (["search", "--workload", "nope"], "workload: unknown workload 'nope'"),
        (
            ["search", "--workload", "digits-cnn", "--objectives", "speed"],
            "objectives: unknown objective 'speed'",
        ),
        (
            ["search", "--workload", "digits-cnn", "--runtimes", "tensorrt"],
            "runtimes: 'tensorrt' not available",
        ),
        (
            ["search", "--workload", "digits-cnn", "--min-quality-ratio", "0"],
            "min_quality_ratio: input should be greater than 0",
        ),
        (
            ["search", "--workload", "digits-cnn", "--sampler", "cmaes"],
            "sampler: expected one of gp, grid, nsga2, random, tpe",
        ),
        (["search", "--workload", "digits-cnn", "--study", "bad name"], "study: expected 1-48"),
        (["search", "status", "nope"], "study: 'nope' does not exist"),
        (
            ["search", *SMALL, "--study", "unpriced"],  # the default objectives include a cost
            "objectives: cost_usd_per_million is unknown on machine 'local'",
        ),
    ],
)
def test_user_errors_are_one_clear_sentence(cli: Any, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output


@pytest.mark.slow
def test_impossible_constraint_ends_with_a_clear_message(cli: Any) -> None:
    result = cli(
        "search",
        *SMALL,
        "--objectives",
        "throughput_sps,latency_p99_ms",
        "--trials",
        "1",
        "--no-full",
        "--min-quality-ratio",
        "1.5",
        "--study",
        "impossible",
    )
    assert result.exit_code == 1, result.output
    assert "trial 0 told" in result.output and "[infeasible]" in result.output
    assert "no trial met the accuracy constraint quality_ratio >= 1.5" in result.output
    assert "Best feasible configuration" not in result.output


@pytest.mark.slow
def test_status_prints_pareto_set_and_exports(
    cli: Any, real_search: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TOURNEY_DB_URL", real_search.url)
    result = cli("search", "status", "real", "--export-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "study real: 3 configurations evaluated of 12" in result.output
    assert "Pareto set" in result.output and "Hypervolume history" in result.output
    assert f"hypervolume {real_search.report.hypervolume:.4f}" in result.output
    for path in tmp_path.glob("best-*.yaml"):
        assert load_submission(path).team == "optuna"
    assert len(list(tmp_path.glob("best-*.yaml"))) == 3
