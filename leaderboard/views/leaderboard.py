"""Page: the round leaderboard, filtered, ranked with ties and Pareto ranks, downloadable."""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from leaderboard import ui
from leaderboard.data import cache
from leaderboard.data.source import Signature, database_url
from leaderboard.filters import Filters, apply_filters
from leaderboard.metrics import label, metric
from leaderboard.standings import has_standings, standings_table
from leaderboard.table import BY_SCENARIO, display_table, ranked, to_csv

RANK_CHOICES = (
    BY_SCENARIO,
    "latency_p50_ms",
    "latency_p90_ms",
    "latency_p99_ms",
    "throughput_sps",
    "cost_usd_per_million",
    "energy_j_per_query",
)
EXPLAINED = (
    "Ranks are within each workload x scenario x machine, among valid results: rows whose 95% "
    "confidence intervals overlap share a rank (a tie group). The Pareto rank sorts the same "
    "rows into fronts over the primary metric, cost, energy and quality (1 = not dominated). "
    "Click a column header to sort."
)


def _rank_label(key: str) -> str:
    if key == BY_SCENARIO:
        return f"each scenario's primary metric ({_primaries()})"
    return label(key)


def _primaries() -> str:
    """E.g. ``single-stream: p90 latency (ms/query); ...``, as each scenario says."""
    from tournament import harness

    return "; ".join(
        f"{name}: {metric(harness.get(name).primary_metric()).label}" for name in harness.names()
    )


def render() -> None:
    """Draw the Round leaderboard page."""
    url = database_url()
    st.title("Round leaderboard")
    results = cache.results(url)
    rounds = cache.rounds(url)
    filters = ui.sidebar_filters(
        results, rounds["name"].tolist(), "lb", default_round=_latest_round(rounds)
    )
    primary = st.sidebar.selectbox("Rank by", RANK_CHOICES, format_func=_rank_label, key="lb_rank")
    _official(rounds, filters)
    table, valid = _table(url, cache.signature(url), filters, primary)
    st.caption(f"{ui.describe(filters)}: {len(table)} of {len(results)} results shown.")
    if table.empty:
        st.warning("No result matches these filters.")
        return
    cols = st.columns(3)
    cols[0].metric("results shown", len(table))
    cols[1].metric("valid", valid)
    cols[2].metric("on a Pareto front", int((table["Pareto rank"] == 1).sum()))
    st.dataframe(table, hide_index=True, width="stretch", column_config=_columns())
    st.download_button(
        "Download CSV of this table",
        partial(to_csv, table),  # built when clicked, not on every rerun
        file_name="tourney-leaderboard.csv",
        mime="text/csv",
        key="lb_csv",
        on_click="ignore",
    )
    st.caption(EXPLAINED)


def _official(rounds: pd.DataFrame, filters: Filters) -> None:
    """The stored standings of a closed round, above the live ranking of its results."""
    chosen = rounds[rounds["name"] == filters.round_name]
    if chosen.empty or not has_standings(chosen["ranking"].iloc[0]):
        return
    row = chosen.iloc[0]
    ranking = row["ranking"]
    st.subheader(f"Official standings of round {row['name']}")
    missing = sum(len(g.get("missing", [])) for g in ranking["groups"])
    st.caption(
        f"Stored when the round closed ({row['closed_at']:%Y-%m-%d %H:%M} UTC): per workload x "
        "scenario x machine x accuracy class, one representative (median) result per entry, "
        f"gated, ranked with ties and Pareto ranks. {missing} entry-group(s) had no result."
    )
    st.dataframe(standings_table(ranking, filters), hide_index=True, key="lb_official")
    st.subheader("Every result of the round, ranked live")


def _latest_round(rounds: pd.DataFrame) -> str | None:
    """The newest round with results: what the page opens on (None: every result)."""
    with_results = rounds[rounds["results"] > 0]["name"].tolist()
    return with_results[-1] if with_results else None


@st.cache_data(show_spinner=False, ttl=cache.TTL_S, max_entries=32)
def _table(
    url: str, version: Signature, filters: Filters, primary: str
) -> tuple[pd.DataFrame, int]:
    """The shown table and its count of valid rows, for one database version and selection."""
    shown = apply_filters(cache.results(url), filters)
    ranks = ranked(shown, cache.records(url), primary, target_ratio=filters.accuracy_class)
    return display_table(ranks), int(ranks["valid"].sum())


def _columns() -> dict[str, Any]:
    number = st.column_config.NumberColumn
    return {
        "p50 ms": number(format="%.4g"),
        "p99 ms": number(format="%.4g"),
        "samples/s": number(format="%.4g"),
        "quality": number(format="%.4f"),
        "quality / fp32": number(format="percent"),
        "J/query": number(format="%.3g"),
        "USD/M samples": number(format="%.3g"),
    }


if __name__ == "__main__":
    render()
