"""Page: typed budgets -> the best valid configuration per workload and machine, and why
(``tourney recommend``'s rule), among the results of one rules group (results of different
rules are never compared); the feasible set as a scatter with the budget lines; when nothing
qualifies, the binding budget and the nearest miss."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from leaderboard import plots, ui
from leaderboard.data import cache
from leaderboard.data.source import database_url
from leaderboard.filters import choices, most_results
from leaderboard.metrics import fmt, label
from leaderboard.recommend import (
    OBJECTIVES,
    Constraints,
    binding,
    objective_label,
    recommend,
    why,
)
from leaderboard.rules import in_group
from leaderboard.table import display_table, entry_link, result_ids
from leaderboard.ui import ANY, pick_rules
from tournament.rounds.recommend import OBJECTIVES as OBJECTIVE_METRICS


def _constraints(results: pd.DataFrame) -> Constraints:
    st.sidebar.header("Budgets")
    workload = st.sidebar.selectbox("Workload", choices(results, "workload"), key="rec_workload")
    scoped = results[results["workload"] == workload]
    scenarios = choices(scoped, "scenario")
    busiest = most_results(scoped, "scenario")
    first = scenarios.index(busiest) if busiest is not None else 0
    scenario = st.sidebar.selectbox("Scenario", scenarios, index=first, key="rec_scenario")
    max_p99 = st.sidebar.number_input(
        "max p99 latency (ms)", min_value=0.0, value=None, format="%g", key="rec_p99",
        placeholder="no budget", help="Leave empty for no latency budget.",
    )  # fmt: skip
    ratio = st.sidebar.number_input(
        "min quality / fp32 reference", min_value=0.0, max_value=1.0, value=0.99,
        step=0.001, format="%g", key="rec_ratio",
    )  # fmt: skip
    max_cost = st.sidebar.number_input(
        "max cost (USD/M samples)", min_value=0.0, value=None, format="%g", key="rec_cost",
        placeholder="no budget", help="Leave empty for no cost budget.",
    )  # fmt: skip
    machine = st.sidebar.selectbox(
        "Machine", [ANY, *choices(scoped[scoped["scenario"] == scenario], "machine")],
        key="rec_machine",
    )  # fmt: skip
    objective = st.sidebar.selectbox(
        "Optimise", OBJECTIVES, format_func=objective_label, key="rec_objective"
    )
    return Constraints(
        workload,
        scenario,
        None if max_p99 is None else float(max_p99),
        float(ratio),
        None if machine == ANY else machine,
        objective,
        None if max_cost is None else float(max_cost),
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
    group = in_group(results, rules.key)
    chosen = [records[int(i)] for i in in_group(scope, rules.key)["result_id"]]
    answer = recommend(chosen, constraints)
    others = len(scope) - len(chosen)
    elsewhere = f" ({others} more under other rules are not compared)" if others else ""
    st.caption(
        f"How it was chosen (`tourney recommend`'s rule): among results measured under the "
        f"rules {rules.label}{elsewhere}; " + "; ".join(answer.reasons) + "."
    )
    if answer.best is None:
        miss = binding(chosen, constraints)
        st.warning(f"No valid configuration meets these budgets. {miss.sentence}")
    else:
        best = answer.best.record
        st.success(
            f"Best: **{best.entry.label}**: {best.entry.configuration} (result "
            f"[{best.result_id}]({entry_link(best.result_id)}))"
        )
        st.markdown("\n".join(f"* {reason}" for reason in why(answer, constraints)))
        ids = [c.record.result_id for c in (answer.best, answer.runner_up) if c is not None]
        _pair(results, ids)
    _feasible(in_group(scope, rules.key), constraints, answer)
    _per_workload(group, [records[int(i)] for i in group["result_id"]], constraints)


def _pair(results: pd.DataFrame, ids: list[int]) -> None:
    """The best and the runner-up side by side; a click on a row opens its entry page."""
    rows = results.set_index("result_id").loc[ids].reset_index()
    table = rows.assign(rank=None, tied=False, pareto_rank=None, tie_size=0, ranked_on=None)
    shown = display_table(table).drop(
        columns=["rank", "tie group", "Pareto rank", "ranked on", "figure", "95% CI"]
    )
    shown.insert(0, "choice", ["best", "runner-up"][: len(shown)])
    event = st.dataframe(
        shown, hide_index=True, key="rec_pair", on_select="rerun", selection_mode="single-row",
        column_config={"result": st.column_config.LinkColumn(display_text=r"entry\?result=(\d+)")},
    )  # fmt: skip
    picked = ui.selected_rows(event)
    if picked:
        ui.open_entry([result_ids(shown)[picked[0]]])


def _feasible(scope: pd.DataFrame, c: Constraints, answer: object) -> None:
    """Every valid result of the scope on p99 x the objective, within budgets or not, with
    the budget lines; a click on a point opens its entry page."""
    from leaderboard.figures.feasible import feasible_set

    data = feasible_set(scope, c, getattr(getattr(answer, "best", None), "record", None))
    st.subheader("Feasible set")
    if not data.points:
        st.info("No valid result with a p99 latency and this objective's figure to draw.")
        return
    event = st.plotly_chart(
        plots.feasible_figure(data), width="stretch", key="rec_chart", on_select="rerun",
        selection_mode="points",
    )  # fmt: skip
    ui.open_entry(ui.selected_points(event)[:1])
    st.caption(
        f"{data.feasible} of {len(data.points)} valid results meet every budget (green); the "
        "dotted lines are the budgets; the star is the recommendation. Click a point to open "
        "its Entry detail page."
    )


def _per_workload(group: pd.DataFrame, records: list[object], c: Constraints) -> None:
    """The best valid configuration per workload and machine under the same budgets."""
    from dataclasses import replace

    st.subheader(f"Best per workload and machine ({c.scenario})")
    name = OBJECTIVE_METRICS[c.objective]
    rows = []
    pairs = group[group["scenario"] == c.scenario][["workload", "machine"]].drop_duplicates()
    for workload, machine in sorted(pairs.itertuples(index=False)):
        asked = replace(c, workload=str(workload), machine=str(machine))
        answer = recommend(records, asked)  # type: ignore[arg-type]
        best = answer.best.record if answer.best is not None else None
        rows.append(
            {
                "workload": workload,
                "machine": machine,
                "best": best.entry.label if best else "none qualifies",
                "configuration": best.entry.configuration if best else "",
                label(name): fmt(name, best.value(name)) if best else "",
                label("latency_p99_ms"): fmt("latency_p99_ms", best.value("latency_p99_ms"))
                if best
                else "",
                "quality / fp32": f"{best.result.quality.ratio:.2%}"
                if best and best.result.quality.ratio is not None
                else "",
                "why not": "" if best else binding(records, asked).sentence,  # type: ignore[arg-type]
                "result": entry_link(best.result_id) if best else None,
            }
        )
    st.dataframe(
        pd.DataFrame(rows), hide_index=True, width="stretch", key="rec_table",
        column_config={"result": st.column_config.LinkColumn(display_text=r"entry\?result=(\d+)")},
    )  # fmt: skip


if __name__ == "__main__":
    render()
