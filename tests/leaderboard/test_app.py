"""The app as a whole: first-run page, read-only, and refresh on database changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tournament.store import Store

PAGES = ("rounds", "leaderboard", "pareto", "entry", "search", "recommend")


def _info(at: Any) -> str:
    return "\n".join(str(i.value) for i in at.info)


def test_missing_database_shows_the_first_run_page_on_every_page(app: Any, tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "tourney.db"
    at = app(f"sqlite:///{path}")
    for page in PAGES:
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception
        assert at.title[0].value == "Tourney leaderboard"
        assert "**No results yet.**" in _info(at) and "no database there" in _info(at)
        assert "`make demo`" in _info(at)
    assert not path.exists() and not path.parent.exists()


def test_empty_database_shows_the_first_run_page(app: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tourney.db'}"
    Store(url).close()
    at = app(url, "pareto")
    assert "a database without any result or round" in _info(at)
    assert not at.dataframe


def test_visiting_every_page_leaves_the_database_file_untouched(app: Any, seeded: Any) -> None:
    before = (seeded.path.read_bytes(), seeded.path.stat().st_mtime_ns)
    at = app(seeded.url)
    for page in PAGES:
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, page
    assert (seeded.path.read_bytes(), seeded.path.stat().st_mtime_ns) == before


def test_new_results_appear_on_the_next_rerun(app: Any, seeded_copy: Any) -> None:
    at = app(seeded_copy.url, "leaderboard")
    at.selectbox(key="lb_round").set_value("(any)").run()
    assert len(at.dataframe[0].value) == 17
    at.run()
    assert len(at.dataframe[0].value) == 17
    with Store(seeded_copy.url) as store:  # the driver records one more result
        (run_id,) = store.queue_runs("offline", {"x": 1}, submission_ids=[1])
        assert store.claim_run(run_id, worker="test")
        row = store.result(1)
        measurement = {k: row[k] for k in _measurement_keys()} | _ci(row)
        measurement.update(scenario="offline", latencies_ms=[], power_trace=[])
        store.finish_run(run_id, measurement)
    at.run()
    assert len(at.dataframe[0].value) == 18


def _measurement_keys() -> list[str]:
    from dataclasses import fields

    from tournament.measurement import Measurement

    return [f.name for f in fields(Measurement) if "ci_" not in f.name and f.name != "latencies_ms"]


def _ci(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name in ("latency_p50", "latency_p90", "latency_p99", "latency_mean"):
        out[f"{name}_ci_ms"] = (row[f"{name}_ci_low_ms"], row[f"{name}_ci_high_ms"])
    out["throughput_ci_sps"] = (row["throughput_ci_low_sps"], row["throughput_ci_high_sps"])
    return out


@pytest.mark.parametrize("password", ["s3cret"])
def test_the_sidebar_names_the_database_without_its_password(password: str) -> None:
    from leaderboard.ui import safe_url

    shown = safe_url(f"postgresql+psycopg://tourney:{password}@db.example/tourney")
    assert password not in shown and "db.example" in shown
