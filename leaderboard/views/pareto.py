"""Page: the Pareto explorer, two chosen metrics (plus colour and size) and their frontier,
within one rules group (a frontier never mixes results of different rules)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from leaderboard import plots, ui
from leaderboard.data import cache
from leaderboard.data.source import database_url
from leaderboard.figures.pareto import ParetoData, frontier_hypervolume, gate_line, pareto_data
from leaderboard.filters import apply_filters
from leaderboard.metrics import AXES, DEFAULT_X, DEFAULT_Y, FEW, label
from leaderboard.rules import in_group
from leaderboard.table import entry_link

NONE = "(none)"


CATEGORY_LABELS = {
    "team": "team", "runtime": "runtime", "quantization": "quantization",
    "batch_size": "batch size", "machine": "machine", "origin": "league", "round_name": "round",
}  # fmt: skip
"""The categories a point may be coloured or marked by (columns of the results frame)."""


def _label(key: str) -> str:
    if key == NONE:
        return key
    return CATEGORY_LABELS.get(key) or label(key)


def _axes() -> tuple[str, str, str | None, str | None, str | None]:
    """x, y, colour (a metric or a category), size (a metric), symbol (a category)."""
    keys = list(AXES)
    cats = list(CATEGORY_LABELS)
    cols = st.columns(5)
    x = cols[0].selectbox("x", keys, keys.index(DEFAULT_X), _label, key="px_x")
    y = cols[1].selectbox("y", keys, keys.index(DEFAULT_Y), _label, key="px_y")
    color = cols[2].selectbox("colour", [NONE, *cats, *keys], format_func=_label, key="px_c")
    size = cols[3].selectbox("size", [NONE, *keys], format_func=_label, key="px_s")
    symbol = cols[4].selectbox("symbol", [NONE, *cats], format_func=_label, key="px_sym")
    pick = [None if v == NONE else str(v) for v in (color, size, symbol)]
    return str(x), str(y), pick[0], pick[1], pick[2]


def render() -> None:
    """Draw the Pareto explorer page."""
    url = database_url()
    st.title("Pareto explorer")
    results = cache.results(url)
    rounds = cache.rounds(url)["name"].tolist()
    filters = ui.sidebar_filters(results, rounds, "px", require_frontier=True)
    shown = apply_filters(results, filters)
    rules = ui.pick_rules(shown, "px_rules")
    x, y, color, size, symbol = _axes()
    color_by = color if color in CATEGORY_LABELS else None
    color_metric = None if color_by else color
    if x == y:
        st.warning("Choose two different metrics for x and y.")
        return
    logs = st.columns(3)
    log_x = logs[0].toggle("log x axis", key="px_logx")
    log_y = logs[1].toggle("log y axis", key="px_logy")
    bars = logs[2].toggle("error bars (95% CI)", value=True, key="px_bars")
    group = in_group(shown, rules.key)
    data = pareto_data(group, x, y, color_metric, size)
    st.caption(_summary(data, ui.describe(filters), rules.label))
    if not len(data.valid) + len(data.invalid):
        st.warning("No result with these figures matches the filters.")
        return
    unsafe = [a for a, on in (("x", log_x), ("y", log_y)) if on and not data.positive[a]]
    if unsafe:
        st.warning(f"Some values on {' and '.join(unsafe)} are <= 0: a log axis hides them.")
    fronts = _league_fronts(group, x, y)
    figure = plots.pareto_figure(
        data,
        log_x=log_x,
        log_y=log_y,
        error_bars=bars,
        color_by=color_by,
        symbol_by=symbol,
        gate=gate_line(group, filters.accuracy_class),
        fronts=fronts,
    )
    event = st.plotly_chart(
        figure, width="stretch", key="px_chart", on_select="rerun", selection_mode="points"
    )
    ui.open_entry(ui.selected_points(event)[:1])
    st.caption(
        "Click a point to open its Entry detail page. "
        + (
            "Dashed: the front of each league's own valid results (search against humans)."
            if fronts
            else ""
        )
    )
    _hypervolume(data)
    _frontier_table(data)


def _league_fronts(
    group: pd.DataFrame, x: str, y: str
) -> dict[str, tuple[list[float], list[float]]]:
    """Each league's own frontier, when both the human and the search league have results."""
    leagues = [v for v in ("human", "search") if (group["origin"] == v).any()]
    if len(leagues) < 2:
        return {}
    out = {}
    for league in leagues:
        data = pareto_data(group[group["origin"] == league], x, y)
        if data.step_x:
            out[f"{league} league"] = (data.step_x, data.step_y)
    return out


def _hypervolume(data: ParetoData) -> None:
    """The frontier's hypervolume with its reference point and units."""
    hv = frontier_hypervolume(data)
    ref = ", ".join(
        f"{label(k)} {v:g}" for k, v in zip((data.x, data.y), hv.reference, strict=True)
    )
    value = "-" if hv.value is None else f"{hv.value:.4g} {hv.unit}"
    st.metric(
        "Hypervolume of the frontier",
        value,
        help="The area of the (x, y) plane the frontier dominates, up to the reference point; "
        "higher is better. Compare only values with the same axes and reference.",
    )
    st.caption(f"Reference point: {ref} (the project's default worst values, {hv.unit}).")


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
    st.subheader("On the frontier")
    rows = {
        "result": [entry_link(i) for i in data.frontier.result_ids],
        "runs": data.frontier.runs,
        "entry": data.frontier.entries,
        "configuration": data.frontier.configurations,
        data.labels[data.x]: data.frontier.xs,
        data.labels[data.y]: data.frontier.ys,
    }
    link = st.column_config.LinkColumn("result", display_text=r"entry\?result=(\d+)")
    st.dataframe(
        pd.DataFrame(rows), hide_index=True, width="stretch", column_config={"result": link}
    )


if __name__ == "__main__":
    render()
