"""The leaderboard table: ranks with tie groups, Pareto ranks, badges, CSV."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from leaderboard.filters import Filters, apply_filters
from leaderboard.table import INVALID_BADGE, VALID_BADGE, display_table, ranked, to_csv
from tournament.errors import UserError
from tournament.store import ResultRecord

Records = dict[int, ResultRecord]


def _single_local(results: pd.DataFrame) -> pd.DataFrame:
    return apply_filters(
        results, Filters(workload="digits-cnn", scenario="single-stream", machine="local")
    )


def test_valid_rows_are_ranked_and_invalid_ones_listed_unranked(
    results: pd.DataFrame, records: Records
) -> None:
    table = ranked(_single_local(results), records)
    ranked_rows = table[table["rank"].notna()]
    assert len(ranked_rows) == 12 and ranked_rows["valid"].all()
    assert table[table["rank"].isna()]["entry"].tolist() == ["alpha/ort-int8s", "search/trial-2"]
    # ranks order the primary metric (p90 latency for single-stream), best first
    p90 = ranked_rows.sort_values(["rank", "latency_p90_ms"])["latency_p90_ms"].tolist()
    assert p90 == sorted(p90)
    assert ranked_rows["rank"].min() == 1


def test_overlapping_cis_form_a_tie_group(results: pd.DataFrame, records: Records) -> None:
    table = ranked(_single_local(results), records)
    tied = table[table["tied"]]
    # ort-fp32 (p50 0.020) and ort-fp32-r2 (p50 0.0198) overlap in their p90 CIs
    assert sorted(tied["entry"]) == ["alpha/ort-fp32", "alpha/ort-fp32-r2"]
    assert tied["rank"].nunique() == 1 and set(tied["tie_size"]) == {2}
    shown = display_table(table)
    group = shown[shown["tie group"] != ""]
    rank = int(tied["rank"].iloc[0])
    assert group["tie group"].tolist() == [f"{rank} (2 tied)"] * 2


def test_pareto_rank_one_is_not_dominated(results: pd.DataFrame, records: Records) -> None:
    table = ranked(_single_local(results), records)
    front = table[table["pareto_rank"] == 1]
    assert "alpha/ort-int8" in set(front["entry"])  # fastest valid p90 -> on the front
    assert (table["pareto_rank"].dropna() >= 1).all()


def test_ranking_by_another_metric(results: pd.DataFrame, records: Records) -> None:
    table = ranked(_single_local(results), records, "throughput_sps")
    best = table[table["rank"] == 1]["entry"].tolist()
    assert best == ["search/trial-5"]  # batch 32 has the highest throughput
    with pytest.raises(UserError):
        ranked(results, records, "speed")


def test_display_has_badges_cis_and_the_estimate_label(
    results: pd.DataFrame, records: Records
) -> None:
    shown = display_table(ranked(results, records))
    assert len(shown) == 17
    assert (shown["gate"] == VALID_BADGE).sum() == 15
    invalid = shown.loc[shown["gate"] != VALID_BADGE, "gate"].tolist()
    assert len(invalid) == 2 and all(g.startswith(f"{INVALID_BADGE}: quality ") for g in invalid)
    row = shown[shown["entry"] == "alpha/ort-int8"].iloc[0]
    assert row["p50 95% CI"] == "[0.01176, 0.01224]"
    assert row["energy source"] == "ESTIMATE (estimate-tdp)"
    assert shown[shown["entry"] == "delta/minilm-ort"]["energy source"].item() == "not recorded"


def test_csv_holds_exactly_the_shown_table(results: pd.DataFrame, records: Records) -> None:
    shown = display_table(ranked(_single_local(results), records))
    back = pd.read_csv(io.BytesIO(to_csv(shown)), keep_default_na=False)
    assert back.columns.tolist() == shown.columns.tolist()
    assert back["result"].tolist() == shown["result"].tolist()
    assert back["gate"].tolist() == shown["gate"].tolist()


def test_ranking_at_another_accuracy_class_uses_the_filters_gate(
    results: pd.DataFrame, records: Records
) -> None:
    shown = apply_filters(results, Filters(accuracy_class=0.999))
    table = ranked(shown, records, target_ratio=0.999)
    # only the minilm result keeps 99.9% of its reference
    assert table.loc[table["rank"].notna(), "entry"].tolist() == ["delta/minilm-ort"]
    assert (table["rank"].notna() == table["valid"]).all()
