"""Page: the automatic search, per Optuna study: hypervolume against trials, trials table."""

from __future__ import annotations

import streamlit as st

from leaderboard import plots
from leaderboard.data import cache
from leaderboard.data.source import database_url
from leaderboard.figures.search import hypervolume_history, trials_table


def render() -> None:
    """Draw the Search page."""
    url = database_url()
    st.title("Search")
    names = cache.study_names(url)
    if not names:
        st.info(
            "No search study in this database yet. A search enters its trials as submissions "
            "of the search league and keeps its Optuna study in the same database."
        )
        return
    name = st.selectbox("Study", names, key="search_study")
    study = cache.study(url, name)
    history = hypervolume_history(study)
    done = sum(t.values is not None for t in study.trials)
    objectives = ", ".join(
        f"{m} ({'max' if d == 'max' else 'min'})"
        for m, d in zip(study.metric_names, study.directions, strict=True)
    )
    st.caption(
        f"{len(study.trials)} trials, {done} complete, {history.feasible} feasible "
        f"(pass the accuracy gate). Objectives: {objectives}."
    )
    st.subheader("Hypervolume vs trial")
    if history.values:
        st.plotly_chart(plots.search_figure(history), width="stretch")
        st.caption(
            "Hypervolume of the feasible trials so far, each objective normalised to [0, 1] "
            "between the best and worst feasible value, reference point 1.1 (maximum 1.21)."
        )
    else:
        st.info("No trial has completed yet.")
    st.subheader("Trials")
    results = cache.results(url)
    rules_of = dict(zip(results["result_id"].astype(int), results["rules_label"], strict=True))
    table = trials_table(study, cache.study_result_ids(url, name), rules_of)
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(
        "results: the stored results of each trial (each the aggregate of its runs, named by its "
        "first run's id; open one on the Entry detail page); rules: what they were measured "
        "under. The objective values are those the search recorded for the trial; results of "
        "different rules are compared on the other pages only within one rules group."
    )


if __name__ == "__main__":
    render()
