"""Migration 0003: a results row written by the first schema reads back as a typed result."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from tournament.results import IntervalKind, Provenance
from tournament.store import Store, make_engine
from tournament.store.migrate import schema_diff, upgrade

NOW = datetime(2026, 11, 30, tzinfo=UTC).replace(tzinfo=None)
OLD_RESULT = {
    "id": 1,
    "run_id": 1,
    "submission_id": 1,
    "scenario": "server",
    "batch_size": 1,
    "queries": 500,
    "samples": 500,
    "duration_s": 10.0,
    "min_rules_met": True,
    **{f"latency_{p}_ms": v for p, v in (("p50", 2.0), ("p90", 3.0), ("p99", 60.0), ("mean", 2.2))},
    **{f"latency_{p}_ci_low_ms": v for p, v in (("p50", 1.9), ("p90", 2.9), ("p99", 55.0))},
    **{f"latency_{p}_ci_high_ms": v for p, v in (("p50", 2.1), ("p90", 3.1), ("p99", 65.0))},
    "latency_mean_ci_low_ms": 2.1,
    "latency_mean_ci_high_ms": 2.3,
    "throughput_sps": 50.0,
    "throughput_ci_low_sps": 45.0,
    "throughput_ci_high_sps": 55.0,
    "quality": 0.97,
    "quality_metric": "accuracy",
    "reference_quality": 0.98,
    "target_ratio": 0.99,
    "valid": True,
    "flops_per_sample": 1e5,
    "gflops_per_s": 0.005,
    "model_size_mb": 0.5,
    "peak_rss_mb": 300.0,
    "artifact_sha256": "ab" * 32,
    "energy_j": 20.0,
    "energy_j_per_query": 0.04,
    "energy_j_per_sample": 0.04,
    "avg_power_w": 2.0,
    "power_source": "estimate-tdp",
    "price_usd_per_hour": 0.0,
    "tariff_usd_per_kwh": 0.2,
    "cost_usd_per_million": 0.0,
    "energy_cost_usd_per_million": 0.0022,
    "peak_gflops": None,
    "roofline_fraction": None,
    "rules": json.dumps({"server_latency_bound_ms": 50.0}),
    "environment": "{}",
    "artifact_details": "{}",
    "extra": "{}",
    "power_trace": "[]",
    "latencies": None,
    "created_at": NOW,
}


def _old_database(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine, "0001")
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO machines (id, spec, price_usd_per_hour, tariff_usd_per_kwh, notes, "
                "created_at, updated_at) VALUES ('local', '{}', 0, 0.15, :notes, :now, :now)"
            ),
            {
                "now": NOW,
                "notes": "Price unknown: set price_usd_per_hour (0 means costs read as zero).",
            },
        )
        c.execute(
            text(
                "INSERT INTO submissions (id, config_hash, round_name, team, name, workload, "
                "variant, runtime, quantization, batch_size, machine, config, document, origin, "
                "created_at) VALUES (1, 'cafe', '', 't', 'e', 'digits-cnn', 'small', "
                "'onnxruntime', 'fp32', 1, 'local', '{}', '{}', 'human', :now)"
            ),
            {"now": NOW},
        )
        c.execute(
            text(
                "INSERT INTO runs (id, submission_id, scenario, rules, rules_sha256, repeat, "
                "status, attempts, queued_at) VALUES (1, 1, 'server', '{}', 'x', 0, 'done', 1, "
                ":now)"
            ),
            {"now": NOW},
        )
        columns = ", ".join(OLD_RESULT)
        values = ", ".join(f":{k}" for k in OLD_RESULT)
        c.execute(text(f"INSERT INTO results ({columns}) VALUES ({values})"), OLD_RESULT)
    engine.dispose()


def _check_upgraded(url: str) -> None:
    with Store(url) as store:  # opening migrates to head
        assert schema_diff(store.engine) == []
        record = store.result(1)
    result = record.result
    p99 = result.figure("latency_p99_ms")
    assert p99 is not None and (p99.value, p99.ci_low, p99.ci_high) == (60.0, 55.0, 65.0)
    assert p99.unit == "ms" and p99.interval is IntervalKind.WITHIN_RUN
    assert result.value("quality_ratio") == pytest.approx(0.97 / 0.98)
    energy = result.figure("energy_j_per_sample")
    assert energy is not None and energy.provenance is Provenance.ESTIMATED
    # the machine's price was never given (stored as 0): its cost is unknown, not 0
    assert result.figure("cost_usd_per_million") is None
    energy_cost = result.figure("energy_cost_usd_per_million")
    assert energy_cost is not None and energy_cost.provenance is Provenance.DERIVED
    assert result.figure("roofline_fraction") is None
    assert result.pricing is not None and result.pricing.price_usd_per_hour is None
    assert result.pricing.tariff_usd_per_kwh == 0.2 and result.pricing.peak_gflops is None
    assert store_machine_price(url) is None
    assert result.artifact.bytes == 2**19
    assert result.quality.higher_is_better
    # p99 60 ms is over the run's 50 ms bound: under the full validity rule it does not count
    assert not result.valid and not store_valid(url)


def store_machine_price(url: str) -> float | None:
    with Store(url) as store:
        machine = store.machine("local")
    assert machine is not None
    return machine.price_usd_per_hour


def store_valid(url: str) -> bool:
    engine = make_engine(url)
    with engine.connect() as c:
        value = bool(c.execute(text("SELECT valid FROM results WHERE id = 1")).scalar())
    engine.dispose()
    return value


def test_results_of_the_first_schema_migrate(db_url: str) -> None:
    _old_database(db_url)
    _check_upgraded(db_url)


def test_results_of_the_first_schema_migrate_on_postgresql(pg_url: str) -> None:
    _old_database(pg_url)
    _check_upgraded(pg_url)
