"""Page: every round's status, schedule, entries and hypervolume; hypervolume across rounds."""

from __future__ import annotations

import streamlit as st

from leaderboard import plots
from leaderboard.data import cache
from leaderboard.data.source import database_url
from leaderboard.figures.rounds import (
    comparable_across_rounds,
    hypervolume_table,
    rounds_table,
    winners_table,
)


def _winners(rounds: object) -> None:
    """Each frontier's winner and headline figures, as stored when its round closed."""
    table = winners_table(rounds)
    st.subheader("Winners and headline results")
    if table.empty:
        st.info("No round has been closed and ranked yet: winners appear when one closes.")
        return
    st.dataframe(
        table, hide_index=True, width="stretch", key="rounds_winners",
        column_config={
            "result": st.column_config.LinkColumn(display_text=r"entry\?result=(\d+)"),
            "round": st.column_config.TextColumn(pinned=True),
            "winner": st.column_config.TextColumn(pinned=True),
        },
    )  # fmt: skip
    st.caption(
        "Per frontier (workload/scenario/machine/accuracy class): the entry ranked first on "
        "the scenario's primary metric among valid entries (tied: their 95% CIs overlap), with "
        "that figure's 95% CI; the frontier's hypervolume in the product of its objectives' "
        "units, against the reference point shown. Click a result to open its entry page."
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
    _winners(rounds)
    series = comparable_across_rounds(rounds)
    st.subheader("Hypervolume across rounds")
    if series.points:
        st.plotly_chart(plots.rounds_figure(series), width="stretch")
        st.caption(
            "Hypervolume of each frontier (workload/scenario/machine/accuracy class), as stored "
            "in the round's ranking when it closed: higher is better (the front dominates more "
            "of the objective space). A line joins only values measured on the same objectives "
            "and reference point (a changed reference starts a new line); compare a line across "
            "rounds, not lines with each other. Units and reference points are in the winners "
            "table above."
        )
        st.dataframe(hypervolume_table(rounds), hide_index=True, key="rounds_hv")
    else:
        st.info("No round has recorded a hypervolume yet (it is stored when a round closes).")


if __name__ == "__main__":
    render()
