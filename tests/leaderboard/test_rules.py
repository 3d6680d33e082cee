"""Results of several runs and rules groups, below the pages: frame, ranking, frontier."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from leaderboard.data.queries import load_records, results_frame
from leaderboard.figures.pareto import pareto_data
from leaderboard.metrics import FEW
from leaderboard.rules import groups, in_group, labels, most_common, rules_label
from leaderboard.table import display_table, ranked
from tournament.harness.base import Rules
from tournament.results import Estimate
from tournament.results.aggregate import between_runs
from tournament.store.readonly import ReadOnlyStore

FULL_LABEL = "3 runs · min 200 queries · 0.5 s"
QUICK_LABEL = "quick rules (1 run · min 64 queries · 0.2 s · contention not judged)"
ALPHA_P50 = (0.020, 0.022, 0.021)  # alpha's three runs in the seeded database (conftest)


@pytest.fixture(scope="module")
def loaded(seeded_runs: Any) -> tuple[dict[int, Any], pd.DataFrame]:
    with ReadOnlyStore(seeded_runs.url) as store:
        records = load_records(store)
    return records, results_frame(records.values())


def _row(frame: pd.DataFrame, entry: str) -> pd.Series:
    return frame[frame["entry"] == entry].iloc[0]


def test_three_runs_are_one_row_with_a_between_run_interval(
    loaded: tuple[dict[int, Any], pd.DataFrame], seeded_runs: Any
) -> None:
    records, frame = loaded
    assert len(frame) == 5  # 13 stored runs, 5 results
    alpha = _row(frame, "alpha/three-runs")
    ids = seeded_runs.runs["alpha/three-runs"]
    assert alpha["runs"] == 3 and alpha["result_id"] == ids[0]
    assert tuple(alpha["result_ids"]) == tuple(ids)
    assert alpha["interval"] == "between 3 runs"
    assert alpha["latency_p50_ms_interval"] == "between-runs"
    # the core's interval over the three runs' p50 values, wider than any run's own
    expected = between_runs(ALPHA_P50, "ms", Estimate(0.0))
    low, high = alpha["latency_p50_ms_low"], alpha["latency_p50_ms_high"]
    assert alpha["latency_p50_ms"] == pytest.approx(sum(ALPHA_P50) / 3)
    assert (low, high) == pytest.approx((expected.ci_low, expected.ci_high))
    assert high - low > 0.04 * max(ALPHA_P50)  # each run's within-run CI spans 4 % of its p50
    assert _row(frame, "gamma/quick")["interval"] == "within one run"
    shown = display_table(ranked(frame, records))
    row = shown[shown["entry"] == "alpha/three-runs"].iloc[0]
    assert row["runs"] == 3 and row["interval"] == "between 3 runs"
    assert row["p50 95% CI"] == f"[{low:.4g}, {high:.4g}]"


def test_rules_groups_are_labelled_and_counted(loaded: tuple[dict[int, Any], pd.DataFrame]) -> None:
    _, frame = loaded
    assert [(label, n) for _, label, n in groups(frame)] == [(FULL_LABEL, 4), (QUICK_LABEL, 1)]
    assert in_group(frame, most_common(frame))["rules_label"].unique().tolist() == [FULL_LABEL]
    assert rules_label(Rules().model_dump()) == ("default rules (3 runs · min 1024 queries · 10 s)")
    # two rules sets that read the same are told apart by their keys
    assert labels({"aa1111": {"warmup_s": 1.0}, "bb2222": {"warmup_s": 2.0}}) == {
        "aa1111": "3 runs · min 1024 queries · 10 s · #aa1111",
        "bb2222": "3 runs · min 1024 queries · 10 s · #bb2222",
    }


def test_rules_groups_are_ranked_apart(loaded: tuple[dict[int, Any], pd.DataFrame]) -> None:
    records, frame = loaded
    table = ranked(frame, records)
    full = table[table["rules_label"] == FULL_LABEL]
    quick = table[table["rules_label"] == QUICK_LABEL]
    # the quick run is the fastest of all; ranked with the full ones it would take rank 1
    assert quick["entry"].tolist() == ["gamma/quick"] and quick["rank"].tolist() == [1]
    # within the full rules the fastest valid one ranks first (tied where the wide intervals of
    # three runs overlap); ranked with the quick run, nobody here would rank first
    best = full.loc[full["rank"] == 1, "entry"].tolist()
    assert "alpha/three-runs" in best and "gamma/quick" not in full["entry"].tolist()
    assert table["rules_label"].tolist() == [FULL_LABEL] * 4 + [QUICK_LABEL]


def test_a_contended_aggregate_is_unranked_with_its_reason(
    loaded: tuple[dict[int, Any], pd.DataFrame],
) -> None:
    records, frame = loaded
    shown = display_table(ranked(frame, records))
    delta = shown[shown["entry"] == "delta/contended"].iloc[0]
    assert pd.isna(delta["rank"])  # the fastest full-rules result, but one run was contended
    assert delta["gate"].startswith("✗ INVALID: contended")
    assert delta["contention / drift"] == "others 80% CPU"


def test_an_insufficient_p99_is_never_a_plain_number(
    loaded: tuple[dict[int, Any], pd.DataFrame],
) -> None:
    records, frame = loaded
    shown = display_table(ranked(frame, records))
    row = shown[shown["entry"] == "epsilon/few-p99"].iloc[0]
    assert pd.isna(row["p99 ms"])
    assert row["p99 95% CI"].startswith(f"{FEW} 200 queries; MLPerf's early-stopping rule")
    assert not pd.isna(row["p50 ms"])  # its other figures are shown
    data = pareto_data(in_group(frame, most_common(frame)), "latency_p99_ms", "throughput_sps")
    assert data.few == 1
    assert "epsilon/few-p99" not in data.valid.entries + data.invalid.entries


def test_a_frontier_stays_within_one_rules_group(
    loaded: tuple[dict[int, Any], pd.DataFrame],
) -> None:
    _, frame = loaded
    full = pareto_data(in_group(frame, most_common(frame)), "latency_p50_ms", "throughput_sps")
    assert full.frontier.entries == ["alpha/three-runs"]
    assert full.intervals == {
        "latency_p50_ms": "between 3 runs",
        "throughput_sps": "between 3 runs",
    }
    assert full.valid.x_err is not None and max(full.valid.x_err[1]) > 0
    quick_key = next(k for k, label, _ in groups(frame) if label == QUICK_LABEL)
    quick = pareto_data(in_group(frame, quick_key), "latency_p50_ms", "throughput_sps")
    assert quick.frontier.entries == ["gamma/quick"]
