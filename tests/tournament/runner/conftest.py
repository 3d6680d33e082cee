"""Runner tests: fault-injecting plugin workload, submissions helpers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PLUGINS = str(Path(__file__).parents[2] / "plugins")
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


@pytest.fixture(scope="module")
def fault_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Environment for worker processes: the fault plugin importable and loaded."""
    fault_dir = tmp_path_factory.mktemp("faults")
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "TOURNEY_PLUGINS", "TOURNEY_FAULT_DIR")}
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [PLUGINS, saved["PYTHONPATH"]]))
    os.environ["TOURNEY_PLUGINS"] = "tourney_faults"
    os.environ["TOURNEY_FAULT_DIR"] = str(fault_dir)
    import sys

    sys.path.insert(0, PLUGINS)
    from tournament import plugins, workloads

    plugins.refresh()
    yield fault_dir
    sys.path.remove(PLUGINS)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    plugins.refresh()
    workloads.unregister("faulty-tiny")
    sys.modules.pop("tourney_faults", None)


def entry(
    variant: str,
    *,
    workload: str = "faulty-tiny",
    runtime: str = "torch",
    machine: str = "local",
    name: str | None = None,
    **extra: Any,
) -> Any:
    """A validated submission."""
    from tournament.schema.validate import parse_submission

    data = {
        "team": "tests",
        "name": name or f"{workload}-{variant}-{machine}",
        "workload": workload,
        "variant": variant,
        "runtime": runtime,
        "quantization": "fp32",
        "machine": machine,
        **extra,
    }
    return parse_submission(data)


@pytest.fixture
def quick() -> dict[str, Any]:
    """Short rules for runner tests."""
    return dict(QUICK)


@pytest.fixture
def make_entry() -> Any:
    """Factory of validated submissions (see :func:`entry`)."""
    return entry
