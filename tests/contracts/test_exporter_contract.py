"""The exporter contract (``tournament/export/base.py``) on every registered exporter.

Each exporter writes a real round (a SQLite store: two entries measured with made-up results,
closed and ranked, and an open round without results) through a
:class:`~tournament.store.readonly.ReadOnlyStore`, so that any write to the store fails.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tournament.export import EXPORTERS, Exporter
from tournament.results import Result
from tournament.rounds import close_round, create_round, open_round, parse_round_spec
from tournament.store import Store
from tournament.store.readonly import ReadOnlyStore

from .conftest import implementations, submission

EXPORTER_NAMES = implementations(EXPORTERS)
RULES = {
    "warmup_queries": 2,
    "warmup_s": 0.0,
    "min_duration_s": 0.1,
    "min_queries": 20,
    "max_duration_s": 5.0,
    "bootstrap_resamples": 200,
    "timeout_s": 120.0,
}


def _spec(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "division": "closed",
        "runtimes": ["torch", "onnxruntime"],
        "quantizations": ["fp32"],
        "workloads": {
            "digits-cnn": {
                "variants": ["small"],
                "target_ratios": {"99": 0.99, "99.9": 0.999},
                "hypervolume_reference": {"latency_p90_ms": 10.0, "energy_j_per_query": 1.0},
            }
        },
        "scenarios": {"single-stream": dict(RULES)},
        "machines": ["local"],
        "prices": {"local": {"price_usd_per_hour": 0.1, "tariff_usd_per_kwh": 0.3}},
    }


@pytest.fixture
def rounds(fresh_database: Callable[[str], str], make_result: Callable[..., Result]) -> str:
    """A store with round ``ranked`` (two results, closed) and round ``empty`` (open)."""
    url = fresh_database("sqlite")
    with Store(url) as store:
        for name in ("ranked", "empty"):
            create_round(store, parse_round_spec(_spec(name)))
            open_round(store, name)
        for i, runtime in enumerate(("torch", "onnxruntime")):
            sub = submission(name=f"e{i}", runtime=runtime)
            sub_id, _ = store.add_submission(sub, round_name="ranked")
            (run_id,) = store.queue_runs("single-stream", RULES, submission_ids=[sub_id])
            assert store.claim_run(run_id, "w")
            store.record_result(run_id, make_result(1.0 + i, rules=dict(RULES)))
        close_round(store, "ranked")
    return url


@pytest.fixture(params=EXPORTER_NAMES)
def exporter(request: pytest.FixtureRequest) -> Exporter:
    return EXPORTERS.get(str(request.param))


def _files(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()}


def test_class_attributes(exporter: Exporter) -> None:
    assert exporter.name in EXPORTERS.names()
    assert EXPORTERS.get(exporter.name) is exporter
    assert isinstance(exporter.description, str) and exporter.description.strip()


def test_default_output_is_relative_to_the_working_directory(exporter: Exporter) -> None:
    output = exporter.default_output("round-7")
    assert isinstance(output, Path) and not output.is_absolute()


@pytest.mark.parametrize("round_name", ["ranked", "empty"])
def test_write_only_reads_and_returns_every_file_it_wrote(
    exporter: Exporter, rounds: str, tmp_path: Path, round_name: str
) -> None:
    root = tmp_path / "exports"
    output = root / "not" / "yet" / exporter.default_output(round_name)
    with Store(rounds) as store:
        before = (store.counts(), store.round(round_name), store.results())
    with ReadOnlyStore(rounds) as reader:
        written = exporter.write(reader, round_name, output)
    assert isinstance(written, list) and all(isinstance(path, Path) for path in written)
    assert len(set(written)) == len(written)
    assert {path.resolve() for path in written} == {path.resolve() for path in _files(root)}
    for path in written:
        assert path.resolve().is_relative_to(output.resolve()), (path, output)
    if round_name == "ranked":
        assert written, "a round with results gives at least one file"
        assert all(path.stat().st_size > 0 for path in written)
    with Store(rounds) as store:
        assert (store.counts(), store.round(round_name), store.results()) == before
