"""Helpers of the reliability tests: submission files, the CLI in a subprocess, fault runs."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from tournament.store.contract import StoreWriter

REPO = Path(__file__).parents[2]
PLUGINS = REPO / "tests" / "plugins"
QUICK: dict[str, Any] = {
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
"""Short rules: a faulty-tiny run measures for a fraction of a second."""


def submission_doc(i: int) -> dict[str, Any]:
    """Valid submission number ``i`` (< 1,024,000): distinct configuration for each ``i``."""
    return {
        "team": f"team-{i // 100}",
        "name": f"entry-{i}",
        "workload": "digits-cnn",
        "variant": "small",
        "runtime": "onnxruntime",
        "batch_size": 1 + i % 1000,
        "runtime_options": {"intra_op_threads": 1 + i // 1000},
    }


def write_submissions(folder: Path, count: int) -> list[Path]:
    """``count`` distinct valid submission files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"entry-{i:04d}.yaml"
        path.write_text(yaml.safe_dump(submission_doc(i), sort_keys=False))
        paths.append(path)
    return paths


def tourney(
    *args: str | Path, env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tournament ARGS`` with ``env`` added to this environment."""
    return subprocess.run(
        [sys.executable, "-m", "tournament", *map(str, args)],
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )


DB_CLI = """
import sys, typer
from tournament.cli.db import register
from tournament.errors import UserError
app = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
@app.callback()
def _root() -> None:
    pass
register(app)
try:
    app(sys.argv[1:], prog_name="tourney")
except UserError as exc:
    print(*exc.problems, sep="\\n", file=sys.stderr)
    sys.exit(exc.exit_code)
"""
"""``tourney db ...`` for when ``tournament/cli/app.py`` does not register it yet."""


@functools.cache
def db_command() -> tuple[str, ...]:
    """The command line prefix that runs ``tourney db``: the real CLI once it has ``db``."""
    probe = tourney("db", "--help", env={})
    if probe.returncode == 0:
        return (sys.executable, "-m", "tournament", "db")
    return (sys.executable, "-c", DB_CLI, "db")


def fault_env(fault_dir: Path) -> dict[str, str]:
    """Environment that loads the fault-injecting workload plugin in every process."""
    path = os.pathsep.join(filter(None, [str(PLUGINS), os.environ.get("PYTHONPATH")]))
    return {
        "PYTHONPATH": path,
        "TOURNEY_PLUGINS": "tourney_faults",
        "TOURNEY_FAULT_DIR": str(fault_dir),
    }


def entry(variant: str, name: str, batch_size: int = 1) -> Any:
    """A validated faulty-tiny submission."""
    from tournament.schema.validate import parse_submission

    data = {"team": "faults", "name": name, "workload": "faulty-tiny", "variant": variant,
            "runtime": "torch", "batch_size": batch_size}  # fmt: skip
    return parse_submission(data)


def queue(store: StoreWriter, sub: Any, rules: dict[str, Any]) -> int:
    """Enter ``sub`` and queue one single-stream run of it under ``rules``; the run id."""
    submission_id, _ = store.add_submission(sub)
    (run_id,) = store.queue_runs("single-stream", rules, submission_ids=[submission_id])
    return int(run_id)


def drive(store: StoreWriter, progress: Callable[[str, int, str], None] | None = None) -> Any:
    """Measure every queued run with the real driver and local backend; the summary."""
    from tournament.runner.driver import Driver
    from tournament.runner.local import LocalBackend
    from tournament.runner.session import machine_specs, work_items

    tasks = store.pending_runs()
    items = work_items(store, machine_specs(store, {t.machine for t in tasks}), tasks)
    backend = LocalBackend()
    try:
        return Driver(store, backend, progress=progress).run(items)
    finally:
        backend.close()


def record_figures(name: str, data: dict[str, Any]) -> None:
    """Print figures, and write them to ``$TOURNEY_FIGURES_DIR/NAME.json`` when it is set."""
    print(f"\n[figures] {name}: {json.dumps(data, sort_keys=True)}")
    out = os.environ.get("TOURNEY_FIGURES_DIR")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        Path(out, f"{name}.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
