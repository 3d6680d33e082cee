"""Page: constraint sliders -> the best valid configuration, and why (``tourney recommend``),
among the results of one rules group (results of different rules are never compared)."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from leaderboard.data import cache
from leaderboard.data.source import database_url
from leaderboard.filters import choices, most_results
from leaderboard.recommend import OBJECTIVES, Constraints, objective_label, recommend, why
from leaderboard.rules import in_group
from leaderboard.table import display_table
from leaderboard.ui import ANY, pick_rules


def _constraints(results: pd.DataFrame) -> Constraints:
    st.sidebar.header("Constraints")
    workload = st.sidebar.selectbox("Workload", choices(results, "workload"), key="rec_workload")
    scoped = results[results["workload"] == workload]
    scenarios = choices(scoped, "scenario")
    busiest = most_results(scoped, "scenario")
    first = scenarios.index(busiest) if busiest is not None else 0
    scenario = st.sidebar.selectbox("Scenario", scenarios, index=first, key="rec_scenario")
    scoped = scoped[scoped["scenario"] == scenario]
    p99 = scoped["latency_p99_ms"].dropna()
    top = float(p99.max()) if len(p99) else 1.0
    step = 10 ** math.floor(math.log10(top / 100)) if top > 0 else 0.01
    ceiling = (math.floor(top / step) + 1) * step
    max_p99 = st.sidebar.slider(
        "max p99 latency (ms)", 0.0, ceiling, ceiling, step=step, format="%.4g", key="rec_p99"
    )
    ratio = st.sidebar.slider(
        "min quality / fp32 reference", 0.90, 1.0, 0.99, step=0.001, format="%.3f", key="rec_ratio"
    )
    machine = st.sidebar.selectbox("Machine", [ANY, *choices(scoped, "machine")], key="rec_machine")
    objective = st.sidebar.selectbox(
        "Optimise", OBJECTIVES, format_func=objective_label, key="rec_objective"
    )
    return Constraints(
        workload, scenario, max_p99, ratio, None if machine == ANY else machine, objective
    )


def _scope(results: pd.DataFrame, c: Constraints) -> pd.DataFrame:
    """The results of the chosen workload, scenario and machine (any machine: None)."""
    mask = (results["workload"] == c.workload) & (results["scenario"] == c.scenario)
    if c.machine is not None:
        mask &= results["machine"] == c.machine
    return results[mask]


def render() -> None:
    """Draw the Recommend page."""
    url = database_url()
    st.title("Recommend")
    results = cache.results(url)
    if results.empty:
        st.info("No result has been measured yet.")
        return
    constraints = _constraints(results)
    scope = _scope(results, constraints)
    rules = pick_rules(scope, "rec_rules")
    records = cache.records(url)
    chosen = [records[int(i)] for i in in_group(scope, rules.key)["result_id"]]
    answer = recommend(chosen, constraints)
    others = len(scope) - len(chosen)
    elsewhere = f" ({others} more under other rules are not compared)" if others else ""
    st.caption(
        f"How it was chosen: among results measured under the rules {rules.label}{elsewhere}; "
        + "; ".join(answer.reasons)
        + "."
    )
    if answer.best is None:
        st.warning("No valid configuration meets these constraints: relax one of them.")
        return
    best = answer.best.record
    st.success(
        f"Best: **{best.entry.label}**: {best.entry.configuration} (result {best.result_id})"
    )
    st.markdown("\n".join(f"* {reason}" for reason in why(answer, constraints)))
    ids = [c.record.result_id for c in (answer.best, answer.runner_up) if c is not None]
    rows = results.set_index("result_id").loc[ids].reset_index()
    table = rows.assign(rank=None, tied=False, pareto_rank=None, tie_size=0)
    shown = display_table(table).drop(columns=["rank", "tie group", "Pareto rank"])
    st.dataframe(shown.assign(choice=["best", "runner-up"][: len(shown)]), hide_index=True)


if __name__ == "__main__":
    render()
