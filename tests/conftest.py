"""Project-wide test set-up: every test gets its own data directory; caches are shared."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tournament.results import Artifact, Estimate, Provenance, Quality, Result

if TYPE_CHECKING:
    from tournament.store.records import ResultRecord

_SHARED_CACHE = Path(
    os.environ.get("TOURNEY_TEST_CACHE") or tempfile.mkdtemp(prefix="tourney-cache-")
)
os.environ["TOURNEY_CACHE"] = str(_SHARED_CACHE)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Ray clusters started by tests (embedded, local) listen on 127.0.0.1 only; read at ray import.
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

PG_ENV = "TOURNEY_TEST_PG_URL"
PG_ADMIN_URL = next(
    (
        u
        for u in (os.environ.get(PG_ENV), os.environ.get("TOURNEY_DB_URL"))
        if u and u.startswith("postgresql")
    ),
    "",
)
"""A PostgreSQL server's admin URL (``TOURNEY_TEST_PG_URL``, ``eval "$(.ci/postgres.sh start)"``),
read at import: :func:`_tourney_home` unsets ``TOURNEY_DB_URL`` for every test."""
NO_POSTGRES = f'no PostgreSQL: set {PG_ENV} (`eval "$(.ci/postgres.sh start)"`)'


@contextmanager
def scratch_postgres() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database (no schema), dropped on exit.

    Skips the calling test when no server is configured (:data:`PG_ADMIN_URL`).
    """
    if not PG_ADMIN_URL:
        pytest.skip(NO_POSTGRES)
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"tourney_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_database() -> Callable[[], AbstractContextManager[str]]:
    """:func:`scratch_postgres`, for fixtures of any scope: ``with postgres_database() as url``."""
    return scratch_postgres


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test (skipped without a server)."""
    with scratch_postgres() as url:
        yield url


@pytest.fixture(autouse=True)
def _tourney_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh TOURNEY_HOME (database, settings) per test; the model cache stays shared."""
    home = tmp_path / "home"
    monkeypatch.setenv("TOURNEY_HOME", str(home))
    monkeypatch.delenv("TOURNEY_DB_URL", raising=False)
    yield home


def build_result(p50_ms: float = 2.0, **overrides: Any) -> Result:
    """A made-up :class:`Result` (test data, never a measurement of anything).

    Keyword arguments override fields of the result; ``figures`` entries are merged into the
    default figures (``None`` removes one); ``quality`` may be a float (the quality value).
    """
    latencies = tuple(p50_ms * (0.9 + 0.001 * i) for i in range(200))
    est = lambda v, lo=None, hi=None, unit="ms", **kw: Estimate(v, lo, hi, unit=unit, **kw)  # noqa: E731
    estimated = {"provenance": Provenance.ESTIMATED, "method": "estimate-tdp (test data)"}
    figures: dict[str, Estimate] = {
        "latency_p50_ms": est(p50_ms, p50_ms * 0.98, p50_ms * 1.02),
        "latency_p90_ms": est(p50_ms * 1.05, p50_ms * 1.03, p50_ms * 1.07),
        "latency_p99_ms": est(p50_ms * 1.09, p50_ms * 1.08, p50_ms * 1.1),
        "latency_mean_ms": est(p50_ms, p50_ms * 0.99, p50_ms * 1.01),
        "throughput_sps": est(1000 / p50_ms, 990 / p50_ms, 1010 / p50_ms, "samples/s"),
        "quality_ratio": est(0.98 / 0.984, unit="ratio"),
        "gflops_per_s": est(0.1, unit="GFLOP/s", provenance=Provenance.DERIVED),
        "model_size_mb": est(0.04, unit="MiB"),
        "peak_rss_mb": est(300.0, unit="MiB"),
        "energy_j": est(1.5, unit="J", **estimated),
        "energy_j_per_query": est(1.5 / len(latencies), unit="J", **estimated),
        "energy_j_per_sample": est(1.5 / len(latencies), unit="J", **estimated),
        "avg_power_w": est(3.0, unit="W", **estimated),
    }
    for name, value in dict(overrides.pop("figures", {})).items():
        if value is None:
            figures.pop(name, None)
        else:
            figures[name] = value if isinstance(value, Estimate) else est(float(value), unit="")
    quality = overrides.pop("quality", 0.98)
    if not isinstance(quality, Quality):
        quality = Quality(float(quality), "accuracy", True, 0.984, 0.99, "top-1 accuracy")
    fields: dict[str, Any] = {
        "scenario": "single-stream",
        "rules": {"min_queries": 200, "min_duration_s": 0.5},
        "batch_size": 1,
        "queries": len(latencies),
        "samples": len(latencies),
        "duration_s": sum(latencies) / 1000,
        "min_rules_met": True,
        "quality": quality,
        "figures": figures,
        "flops_per_sample": 2.0e5,
        "artifact": Artifact("ab" * 32, 41943, {"format": "onnx", "note": "test data"}),
        "environment": {"note": "test data, not a measurement", "torch": "2.13.0"},
        "power_source": "estimate-tdp",
        "latencies_ms": latencies,
        "power_trace": ((0.0, 3.0), (0.25, 3.1), (0.5, 2.9)),
        "extra": {"harness_overhead_us": 4.0},
    }
    fields.update(overrides)
    return Result(**fields)


@pytest.fixture
def make_result() -> Callable[..., Result]:
    """:func:`build_result`: a made-up result from a p50 latency; keywords override fields."""
    return build_result


def build_record(result: Result | None = None, result_id: int = 1, **entry: Any) -> ResultRecord:
    """A made-up :class:`ResultRecord` of ``result`` (default :func:`build_result`).

    Keyword arguments override fields of its :class:`EntryRef` (``team``, ``name``,
    ``workload``, ``machine``, ``config_hash``...); ``run_id`` and ``repeat`` those of the record.
    """
    from datetime import UTC, datetime

    from tournament.store.records import EntryRef, ResultRecord

    run_id = int(entry.pop("run_id", result_id))
    repeat = int(entry.pop("repeat", 0))
    fields: dict[str, Any] = {
        "submission_id": result_id,
        "team": "baseline",
        "name": f"entry-{result_id}",
        "workload": "digits-cnn",
        "variant": "small",
        "runtime": "onnxruntime",
        "quantization": "fp32",
        "batch_size": 1,
        "machine": "local",
        "config_hash": f"{result_id:064x}",
    }
    fields.update(entry)
    return ResultRecord(
        result_id=result_id,
        run_id=run_id,
        repeat=repeat,
        label=None,
        created_at=datetime(2026, 12, 1, tzinfo=UTC),
        entry=EntryRef(**fields),
        result=result if result is not None else build_result(),
    )


@pytest.fixture
def make_record() -> Callable[..., ResultRecord]:
    """:func:`build_record`: a made-up stored record of a result; keywords override the entry."""
    return build_record
