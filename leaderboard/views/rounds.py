"""Page: every round's status, schedule, entries and hypervolume; hypervolume across rounds."""

from __future__ import annotations

import streamlit as st

from leaderboard import plots
from leaderboard.data import cache
from leaderboard.data.source import database_url
from leaderboard.figures.rounds import (
    hypervolume_across_rounds,
    hypervolume_table,
    rounds_table,
)


def render() -> None:
    """Draw the Rounds page."""
    url = database_url()
    st.title("Rounds")
    rounds = cache.rounds(url)
    if rounds.empty:
        results = cache.results(url)
        st.info(
            f"No round has been created yet; {len(results)} result(s) were measured outside "
            "rounds (see the Round leaderboard). Rounds appear here once an organiser creates one."
        )
        return
    table = rounds_table(rounds)
    closed = int((rounds["status"] == "closed").sum())
    st.caption(f"{len(rounds)} round(s), {closed} closed.")
    st.dataframe(table, hide_index=True, width="stretch")
    series = hypervolume_across_rounds(rounds)
    st.subheader("Hypervolume across rounds")
    if series.points:
        st.plotly_chart(plots.rounds_figure(series), width="stretch")
        st.caption(
            "Hypervolume of each frontier (workload/scenario/machine/accuracy class), as stored "
            "in the round's ranking when it closed: higher is better (the front dominates more "
            "of the objective space). Each frontier has its own reference point: compare a line "
            "across rounds, not lines with each other."
        )
        st.dataframe(hypervolume_table(rounds), hide_index=True, key="rounds_hv")
    else:
        st.info("No round has recorded a hypervolume yet (it is stored when a round closes).")


if __name__ == "__main__":
    render()
