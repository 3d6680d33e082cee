"""Search tests: a small real digits-cnn space, quick rules, and one real search per session."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tournament.search import RunOptions, SearchReport, SearchSettings, SpaceSpec

SCREENING = {
    "warmup_queries": 2,
    "warmup_s": 0.0,
    "min_duration_s": 0.1,
    "min_queries": 24,
    "max_duration_s": 5.0,
    "bootstrap_resamples": 100,
    "timeout_s": 300.0,
    "runs": 1,  # one run per trial keeps the suite short (a trial aggregates rules.runs runs)
    "max_foreign_cpu_share": 1.0,  # measured, not judged: the suite may run beside other work
    "max_speed_drift": None,
}
FULL = {**SCREENING, "min_queries": 48, "min_duration_s": 0.2}
"""Stand-in "full" rules: longer than screening, still short enough for tests."""

SMALL_SPACE = SpaceSpec(
    variants=("small",),
    runtimes=("onnxruntime", "torch"),
    quantizations=("fp32", "int8-dynamic"),
    batch_sizes=(8, 64),
    threads=(1,),
    graph_optimizations=("all",),
)
"""12 configurations of digits-cnn whose artifacts build in about a second each."""

OBJECTIVES = ("throughput_sps", "latency_p99_ms", "energy_j_per_query")


@pytest.fixture
def search_settings() -> Any:
    """A factory of small-search settings: ``search_settings(**changes)``."""
    return small_settings


def small_settings(**changes: Any) -> SearchSettings:
    """Settings of a small real search (quick rules, the small space)."""
    data: dict[str, Any] = {
        "workload": "digits-cnn",
        "objectives": OBJECTIVES,
        "space": SMALL_SPACE,
        "screening_rules": SCREENING,
        "full_rules": FULL,
        **changes,
    }
    return SearchSettings(**data)


@dataclass(frozen=True)
class RealSearch:
    """The outcome of one real search shared by a module's tests."""

    url: str
    home: Path
    study: str
    settings: SearchSettings
    report: SearchReport
    export_dir: Path
    events: list[tuple[str, int, str]]


@pytest.fixture(scope="session")
def real_search(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealSearch]:
    """A real 3-trial TPE search of the small space through the local backend (~30 s).

    Screening under quick rules, then ``ceil(3 / 3) = 1`` trial promoted to the "full" rules,
    and the bests exported as YAML.
    """
    from tournament.search import run_search

    home = tmp_path_factory.mktemp("search-home")
    url = f"sqlite:///{home / 'tourney.db'}"
    export_dir = home / "exports"
    settings = small_settings()
    events: list[tuple[str, int, str]] = []
    options = RunOptions(
        trials=3, sampler="tpe", seed=0, eta=3, backend="local", export_dir=export_dir
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TOURNEY_HOME", str(home))
        report = run_search(
            settings,
            options,
            study_name="real",
            url=url,
            progress=lambda *event: events.append(event),
        )
    yield RealSearch(url, home, "real", settings, report, export_dir, events)
