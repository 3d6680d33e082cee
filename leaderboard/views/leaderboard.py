"""Page: the round leaderboard, filtered, ranked with ties and Pareto ranks, downloadable.

One row per result (a configuration's runs aggregated); one table per rules group, each
ranked on its own (results of different rules are never ranked together)."""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from leaderboard import ui
from leaderboard.data import cache
from leaderboard.data.source import Signature, database_url
from leaderboard.filters import Filters, apply_filters
from leaderboard.metrics import FEW, label, metric
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
    "A row is a result: the runs of one configuration x scenario x machine under one set of "
    "rules, aggregated (runs column); its 95% CIs are over its runs (interval: between N runs) "
    "or, for a single run, over that run's queries only (within one run). Ranks are within each "
    "rules group x workload x scenario x machine, among valid results: rows whose 95% "
    "confidence intervals overlap share a rank (a tie group). The Pareto rank sorts the same "
    "rows into fronts over the primary metric, cost, energy and quality (1 = not dominated). "
    f"{FEW} instead of a figure: too few queries for that percentile (the CI column says how "
    "many); a contended or otherwise invalid result is listed unranked with its reason. Click "
    "a column header to sort."
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
    groups = list(dict.fromkeys(table["rules"]))
    cols = st.columns(4)
    cols[0].metric("results shown", len(table))
    cols[1].metric("valid", valid)
    cols[2].metric("on a Pareto front", int((table["Pareto rank"] == 1).sum()))
    cols[3].metric("rules groups", len(groups), help="Results of different rules are ranked apart.")
    for i, rules in enumerate(groups):
        _group_table(table[table["rules"] == rules], rules, i, several=len(groups) > 1)
    st.caption(EXPLAINED)


def _group_table(table: pd.DataFrame, rules: str, index: int, *, several: bool) -> None:
    """One rules group's ranked table, labelled with its rules, and its CSV download."""
    st.subheader(f"Rules: {rules}")
    if several:
        st.caption(
            f"{len(table)} result(s) measured under these rules, ranked among themselves only."
        )
    shown = table.reset_index(drop=True)
    st.dataframe(
        shown, hide_index=True, width="stretch", column_config=_columns(), key=f"lb_table_{index}"
    )
    st.download_button(
        "Download CSV of this table",
        partial(to_csv, shown),  # built when clicked, not on every rerun
        file_name=f"tourney-leaderboard-{index + 1}.csv" if index else "tourney-leaderboard.csv",
        mime="text/csv",
        key="lb_csv" if index == 0 else f"lb_csv_{index}",
        on_click="ignore",
    )


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
        "scenario x machine x accuracy class, one result per entry (the aggregate of its runs), "
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
    number, text = st.column_config.NumberColumn, st.column_config.TextColumn
    few = f"; empty when the figure lacks evidence ({FEW} in its CI column says why)"
    ci = (
        "95% interval: over the result's runs (interval: between N runs) or, for one run, over "
        "its queries only (within one run)"
    )
    return {
        "gate": text(
            help="VALID, or INVALID with the reasons (contended, gate missed, ...)", width="medium"
        ),
        "rules": text(help="The measurement rules: results of other rules are ranked apart"),
        "runs": number(help="Independent runs aggregated into this result", format="%d"),
        "interval": text(help="What the 95% intervals of this row cover"),
        "contention / drift": text(
            help="CPU share other processes took in the most contended run, and the largest "
            "drift of the machine's speed index over the runs (blank: not measured)"
        ),
        "p50 ms": number(format="%.4g", help="Median latency" + few),
        "p50 95% CI": text(help=ci),
        "p99 ms": number(format="%.4g", help="99th percentile latency" + few),
        "p99 95% CI": text(help=ci),
        "samples/s": number(format="%.4g", help="Throughput" + few),
        "samples/s 95% CI": text(help=ci),
        "quality": number(format="%.4f"),
        "quality / fp32": number(format="percent"),
        "J/query": number(format="%.3g"),
        "USD/M samples": number(format="%.3g"),
    }


if __name__ == "__main__":
    render()
