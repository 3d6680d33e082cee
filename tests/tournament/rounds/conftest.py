"""Round tests: spec factory, quick rules, the CLI through a local typer app, entries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

REPO = Path(__file__).parents[3]
EXAMPLES = REPO / "submissions" / "examples"
QUICK = {
    "warmup_queries": 2,
    "warmup_s": 0.0,
    "min_duration_s": 0.1,
    "min_queries": 20,
    "max_duration_s": 5.0,
    "bootstrap_resamples": 200,
    "timeout_s": 120.0,
    "runs": 1,
    "max_foreign_cpu_share": 1.0,  # measured, not judged: the suite may run beside other work
    "max_speed_drift": None,  # likewise
}
STANDALONE = (
    "import typer; from tournament.cli import evidence, rounds; "
    "app = typer.Typer(pretty_exceptions_enable=False); rounds.register(app); "
    "evidence.register(app); app()"
)
"""``python -c STANDALONE round run ...``: the round CLI in a subprocess of its own."""


def spec_data(name: str = "flow", **overrides: Any) -> dict[str, Any]:
    """A round spec over digits-cnn on the local machine with quick single-stream rules."""
    data: dict[str, Any] = {
        "name": name,
        "division": "closed",
        "runtimes": ["torch", "onnxruntime"],
        "quantizations": ["fp32"],
        "workloads": {
            "digits-cnn": {
                "variants": ["small"],
                "target_ratios": {"99": 0.99, "99.9": 0.999},
                "hypervolume_reference": {"latency_p90_ms": 1.0, "energy_j_per_query": 0.01},
            }
        },
        "scenarios": {"single-stream": dict(QUICK)},
        "machines": ["local"],
        "prices": {"local": {"price_usd_per_hour": 0.1, "tariff_usd_per_kwh": 0.3}},
    }
    data.update(overrides)
    return data


def entry(example: str) -> Any:
    """A validated submission from ``submissions/examples/<example>.yaml``."""
    from tournament.schema.validate import load_submission

    return load_submission(EXAMPLES / f"{example}.yaml")


class Cli:
    """The round commands on a local typer app (the lead wires them into ``tourney``)."""

    def __init__(self) -> None:
        from tournament.cli import evidence
        from tournament.cli.rounds import register

        self.app = typer.Typer(pretty_exceptions_enable=False)
        register(self.app)
        evidence.register(self.app)
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int | None = 0) -> Result:
        """Invoke ``args``; assert the exit code unless ``code`` is None."""
        result = self.runner.invoke(self.app, list(args))
        if code is not None and result.exit_code != code:
            raise AssertionError(
                f"{' '.join(args)} exited {result.exit_code} (expected {code}):\n"
                f"{result.output}\n{result.exception!r}"
            )
        return result


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def store() -> Any:
    """A store in the test's TOURNEY_HOME."""
    from tournament.store import Store

    with Store() as opened:
        yield opened
