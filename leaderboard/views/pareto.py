"""Page: the Pareto explorer, two chosen metrics (plus colour and size) and their frontier,
within one rules group (a frontier never mixes results of different rules)."""

from __future__ import annotations

import streamlit as st

from leaderboard import plots, ui
from leaderboard.data import cache
from leaderboard.data.source import database_url
from leaderboard.figures.pareto import ParetoData, pareto_data
from leaderboard.filters import apply_filters
from leaderboard.metrics import AXES, DEFAULT_X, DEFAULT_Y, FEW, label
from leaderboard.rules import in_group

NONE = "(none)"


def _label(key: str) -> str:
    return key if key == NONE else label(key)


def _axes() -> tuple[str, str, str | None, str | None]:
    keys = list(AXES)
    extra = [NONE, *keys]
    cols = st.columns(4)
    x = cols[0].selectbox("x", keys, keys.index(DEFAULT_X), _label, key="px_x")
    y = cols[1].selectbox("y", keys, keys.index(DEFAULT_Y), _label, key="px_y")
    color = cols[2].selectbox("colour", extra, format_func=_label, key="px_c")
    size = cols[3].selectbox("size", extra, format_func=_label, key="px_s")
    return str(x), str(y), None if color == NONE else color, None if size == NONE else size


def render() -> None:
    """Draw the Pareto explorer page."""
    url = database_url()
    st.title("Pareto explorer")
    results = cache.results(url)
    rounds = cache.rounds(url)["name"].tolist()
    filters = ui.sidebar_filters(results, rounds, "px", require_frontier=True)
    shown = apply_filters(results, filters)
    rules = ui.pick_rules(shown, "px_rules")
    x, y, color, size = _axes()
    if x == y:
        st.warning("Choose two different metrics for x and y.")
        return
    logs = st.columns(3)
    log_x = logs[0].toggle("log x axis", key="px_logx")
    log_y = logs[1].toggle("log y axis", key="px_logy")
    bars = logs[2].toggle("error bars (95% CI)", value=True, key="px_bars")
    data = pareto_data(in_group(shown, rules.key), x, y, color, size)
    st.caption(_summary(data, ui.describe(filters), rules.label))
    if not len(data.valid) + len(data.invalid):
        st.warning("No result with these figures matches the filters.")
        return
    unsafe = [a for a, on in (("x", log_x), ("y", log_y)) if on and not data.positive[a]]
    if unsafe:
        st.warning(f"Some values on {' and '.join(unsafe)} are <= 0: a log axis hides them.")
    figure = plots.pareto_figure(data, log_x=log_x, log_y=log_y, error_bars=bars)
    st.plotly_chart(figure, width="stretch")
    _frontier_table(data)


def _summary(data: ParetoData, scope: str, rules: str) -> str:
    text = (
        f"{scope}: {len(data.valid)} valid results, {len(data.invalid)} invalid (grey), "
        f"{len(data.frontier)} on the frontier, all measured under the rules {rules}."
    )
    if data.dropped:
        text += f" {data.dropped} result(s) lack one of the chosen figures and are not drawn."
    if data.few:
        text += (
            f" {data.few} result(s) have one of them from too few queries {FEW} and are not drawn."
        )
    kinds = [f"{axis} {data.intervals[k]}" for axis, k in (("x", data.x), ("y", data.y))
             if data.intervals and data.intervals.get(k)]  # fmt: skip
    if kinds:
        text += " Error bars: 95% CI, " + ", ".join(kinds) + "."
    return text


def _frontier_table(data: ParetoData) -> None:
    import pandas as pd

    st.subheader("On the frontier")
    rows = {
        "result": data.frontier.result_ids,
        "runs": data.frontier.runs,
        "entry": data.frontier.entries,
        "configuration": data.frontier.configurations,
        data.labels[data.x]: data.frontier.xs,
        data.labels[data.y]: data.frontier.ys,
    }
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


if __name__ == "__main__":
    render()
