"""The thin Plotly layer: each function draws one figure from data built in
:mod:`leaderboard.figures`, and decides nothing about the data itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from leaderboard.figures.feasible import FeasibleSet
from leaderboard.figures.latency import Cdf, Histogram
from leaderboard.figures.pareto import ParetoData, Points
from leaderboard.figures.power import PowerTrace
from leaderboard.figures.rounds import HypervolumeSeries

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from leaderboard.figures.search import HypervolumeHistory

GREY = "rgba(150, 150, 150, 0.45)"
FRONT = "#d62728"
SIZE_PX = (6.0, 22.0)
WEBGL_ABOVE = 2000
"""Above this many points, scatter plots use WebGL (``Scattergl``)."""


def pareto_figure(
    data: ParetoData,
    *,
    log_x: bool = False,
    log_y: bool = False,
    error_bars: bool = True,
    color_by: str | None = None,
    symbol_by: str | None = None,
    gate: float | None = None,
    fronts: dict[str, tuple[list[float], list[float]]] | None = None,
) -> go.Figure:
    """Valid points (coloured by a metric, or by the category ``color_by`` with one legend
    entry per value, marked by ``symbol_by``), invalid points in grey, the frontier as a red
    staircase through rings that keep each point's colour, labelled with its entry; with
    ``error_bars``, each point's 95 % intervals (the axis titles say what they cover); ``gate``
    draws the accuracy gate on a quality-ratio axis; ``fronts`` adds other staircases (e.g.
    the search league's front next to the humans')."""
    import plotly.graph_objects as go

    fig = go.Figure()
    bars = error_bars
    fig.add_trace(_scatter(data.invalid, "invalid", GREY, None, data, error_bars=bars))
    for trace in _valid_traces(data, color_by, symbol_by, bars):
        fig.add_trace(trace)
    for i, (name, (xs, ys)) in enumerate((fronts or {}).items()):
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="lines", name=f"{name} front",
                line={"color": OTHER_FRONTS[i % len(OTHER_FRONTS)], "width": 2, "dash": "dash"},
                hoverinfo="skip",
            )
        )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=data.step_x,
            y=data.step_y,
            mode="lines",
            line={"shape": "linear", "color": FRONT, "width": 2},
            name=f"Pareto frontier ({_count(len(data.frontier), 'point')})",
            hoverinfo="skip",
        )
    )
    fig.add_trace(_frontier_trace(data))
    _gate(fig, data, gate)
    fig.update_layout(
        xaxis_title=_axis_title(data, data.x, bars),
        yaxis_title=_axis_title(data, data.y, bars),
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        clickmode="event+select",
    )
    fig.update_xaxes(type="log" if log_x else "linear")
    fig.update_yaxes(type="log" if log_y else "linear")
    return fig


OTHER_FRONTS = ("#1f77b4", "#2ca02c", "#9467bd")
SYMBOLS = ("circle", "square", "triangle-up", "cross", "x", "star", "pentagon", "hexagon")


def _valid_traces(
    data: ParetoData, color_by: str | None, symbol_by: str | None, bars: bool
) -> list[go.Scatter | go.Scattergl]:
    """The valid points: one trace, or one per value of ``color_by`` (and ``symbol_by``)."""
    cats = data.valid.categories or {}
    if color_by not in cats and symbol_by not in cats:
        return [_scatter(data.valid, "valid", None, data.color, data, error_bars=bars)]
    colours = cats.get(color_by or "", [""] * len(data.valid))
    symbols = cats.get(symbol_by or "", [""] * len(data.valid))
    symbol_of = {v: SYMBOLS[i % len(SYMBOLS)] for i, v in enumerate(dict.fromkeys(symbols))}
    palette = PALETTE
    colour_of = {v: palette[i % len(palette)] for i, v in enumerate(dict.fromkeys(colours))}
    traces = []
    for key in dict.fromkeys(zip(colours, symbols, strict=True)):
        rows = [i for i, k in enumerate(zip(colours, symbols, strict=True)) if k == key]
        name = " · ".join(v for v in key if v) or "valid"
        subset = _subset(data.valid, rows)
        colour = colour_of[key[0]] if color_by in cats else None
        traces.append(
            _scatter(subset, name, colour, None, data, symbol_of[key[1]], error_bars=bars)
        )
    return traces


PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
)  # fmt: skip


def _subset(points: Points, rows: list[int]) -> Points:
    """The points at ``rows`` of ``points``."""
    from dataclasses import replace

    def pick(values: list[Any] | None) -> list[Any] | None:
        return None if values is None else [values[i] for i in rows]

    def pick_err(err: tuple[list[float], list[float]] | None) -> Any:
        return None if err is None else ([err[0][i] for i in rows], [err[1][i] for i in rows])

    return replace(
        points,
        result_ids=[points.result_ids[i] for i in rows],
        entries=[points.entries[i] for i in rows],
        configurations=[points.configurations[i] for i in rows],
        xs=[points.xs[i] for i in rows],
        ys=[points.ys[i] for i in rows],
        colors=pick(points.colors),
        sizes=pick(points.sizes),
        hover=[points.hover[i] for i in rows],
        runs=[points.runs[i] for i in rows],
        x_err=pick_err(points.x_err),
        y_err=pick_err(points.y_err),
        categories=None,
    )


def _frontier_trace(data: ParetoData) -> go.Scatter:
    """Red rings around the frontier points (their own colour shows through), each labelled
    with its entry's name; clicking one selects its result too."""
    import plotly.graph_objects as go

    front = data.frontier
    return go.Scatter(
        x=front.xs,
        y=front.ys,
        mode="markers+text",
        name="on the frontier",
        text=[e.split("/", 1)[-1] for e in front.entries],
        textposition="top center",
        textfont={"size": 11, "color": FRONT},
        marker={"symbol": "circle-open", "size": 16, "color": FRONT, "line": {"width": 2}},
        hovertext=front.hover,
        hovertemplate="%{hovertext}<extra></extra>",
        customdata=front.result_ids,
    )


def _gate(fig: go.Figure, data: ParetoData, gate: float | None) -> None:
    """The accuracy gate as a dotted line on whichever axis is the quality ratio."""
    if gate is None:
        return
    text = f"accuracy gate: {gate:.4g} x fp32"
    if data.y == "quality_ratio":
        fig.add_hline(y=gate, line_dash="dot", line_color="#555", annotation_text=text)
    elif data.x == "quality_ratio":
        fig.add_vline(x=gate, line_dash="dot", line_color="#555", annotation_text=text)


def _axis_title(data: ParetoData, key: str, error_bars: bool) -> str:
    """The axis label, with what its error bars cover (``95% CI between 3 runs``)."""
    kind = (data.intervals or {}).get(key, "")
    if not error_bars or not kind:
        return data.labels[key]
    return f"{data.labels[key]} (bars: 95% CI {kind})"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _scatter(
    points: Points,
    name: str,
    color: str | None,
    color_key: str | None,
    data: ParetoData,
    symbol: str = "circle",
    *,
    error_bars: bool = False,
) -> go.Scatter | go.Scattergl:
    import plotly.graph_objects as go

    errors: dict[str, object] = {}
    for axis, bars in (("error_x", points.x_err), ("error_y", points.y_err)):
        if error_bars and bars is not None:
            below, above = bars
            errors[axis] = {
                "type": "data", "array": above, "arrayminus": below, "visible": True,
                "thickness": 1, "width": 0, "color": color or "rgba(60, 60, 60, 0.45)",
            }  # fmt: skip

    marker: dict[str, object] = {"symbol": symbol, "size": 9}
    if color is not None:
        marker["color"] = color
    elif color_key is not None and points.colors is not None:
        marker.update(
            color=points.colors,
            colorscale="Viridis",
            showscale=True,
            colorbar={"title": data.labels[color_key]},
        )
    if points.sizes is not None and data.size is not None:
        marker["size"] = _pixels(points.sizes, data)
    trace = go.Scattergl if len(points) > WEBGL_ABOVE else go.Scatter
    return trace(
        x=points.xs,
        y=points.ys,
        mode="markers",
        name=name,
        marker=marker,
        text=points.hover,
        hovertemplate="%{text}<extra></extra>",
        customdata=points.result_ids,
        **errors,
    )


def _pixels(values: list[float], data: ParetoData) -> list[float]:
    every = (data.valid.sizes or []) + (data.invalid.sizes or [])
    low, high = min(every), max(every)
    span = high - low or 1.0
    small, big = SIZE_PX
    return [small + (big - small) * (v - low) / span for v in values]


def histogram_figure(hist: Histogram) -> go.Figure:
    """Latency histogram as a filled step line over the bin edges (log axis when asked)."""
    import plotly.graph_objects as go

    ys = [*hist.counts, hist.counts[-1]] if hist.counts else []
    fig = go.Figure(
        go.Scatter(x=hist.edges, y=ys, mode="lines", line={"shape": "hv"}, fill="tozeroy")
    )
    fig.update_layout(xaxis_title="latency (ms)", yaxis_title="queries per bin")
    fig.update_xaxes(type="log" if hist.log_scale else "linear")
    return fig


def cdf_figure(cdf: Cdf, marks: dict[str, float]) -> go.Figure:
    """Empirical latency CDF as a step line, with the stored percentiles marked."""
    import plotly.graph_objects as go

    fig = go.Figure(
        go.Scatter(x=cdf.latencies_ms, y=cdf.fractions, mode="lines", line={"shape": "hv"})
    )
    corners = ("bottom right", "top left", "top right")
    for (name, value), corner in zip(marks.items(), corners * len(marks), strict=False):
        fig.add_vline(x=value, line_dash="dot", annotation_text=name, annotation_position=corner)
    fig.update_layout(xaxis_title="latency (ms)", yaxis_title="fraction of queries")
    fig.update_xaxes(type="log" if cdf.log_scale else "linear")
    return fig


def power_figure(trace: PowerTrace) -> go.Figure:
    """Power samples over time, titled with their source (ESTIMATE when modelled)."""
    import plotly.graph_objects as go

    fig = go.Figure(go.Scatter(x=trace.times_s, y=trace.watts, mode="lines+markers"))
    fig.update_layout(title=trace.title, xaxis_title="time (s)", yaxis_title="power (W)")
    return fig


def rounds_figure(series: HypervolumeSeries) -> go.Figure:
    """Hypervolume per frontier across rounds, one line each."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for name, values in series.lines.items():
        fig.add_trace(go.Scatter(x=series.rounds, y=values, mode="lines+markers", name=name))
    fig.update_layout(xaxis_title="round", yaxis_title="hypervolume")
    fig.update_yaxes(type="log" if series.log_scale else "linear")
    return fig


def search_figure(history: HypervolumeHistory) -> go.Figure:
    """Normalised hypervolume of the feasible trials so far, against the trial number."""
    import plotly.graph_objects as go

    fig = go.Figure(
        go.Scatter(
            x=history.trial_numbers,
            y=history.values,
            mode="lines+markers",
            line={"shape": "hv"},
            name="hypervolume",
        )
    )
    fig.update_layout(xaxis_title="trial", yaxis_title="normalised hypervolume")
    return fig


def feasible_figure(data: FeasibleSet) -> go.Figure:
    """Valid results within every budget (green) and outside (grey), the recommendation as
    a star, the budgets as dotted lines; each point's result id in ``customdata``."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for feasible, name, colour in ((True, "within budgets", "#2ca02c"), (False, "outside", GREY)):
        pts = [p for p in data.points if p.feasible is feasible]
        fig.add_trace(
            go.Scatter(
                x=[p.p99_ms for p in pts], y=[p.value for p in pts], mode="markers", name=name,
                marker={"color": colour, "size": 10}, customdata=[p.result_id for p in pts],
                text=[f"{p.entry} (result {p.result_id})" for p in pts],
                hovertemplate="%{text}<br>p99 %{x:.4g} ms<br>%{y:.4g}<extra></extra>",
            )
        )  # fmt: skip
    best = [p for p in data.points if p.result_id == data.best]
    if best:
        fig.add_trace(
            go.Scatter(
                x=[best[0].p99_ms], y=[best[0].value], mode="markers+text", name="recommended",
                text=[best[0].entry.split("/", 1)[-1]], textposition="top center",
                marker={"symbol": "star", "size": 18, "color": FRONT},
                customdata=[best[0].result_id], hovertemplate="recommended<extra></extra>",
            )
        )  # fmt: skip
    if data.x_budget is not None:
        fig.add_vline(x=data.x_budget, line_dash="dot", annotation_text="p99 budget")
    if data.y_budget is not None:
        fig.add_hline(y=data.y_budget, line_dash="dot", annotation_text="cost budget")
    fig.update_layout(
        xaxis_title=data.x_label,
        yaxis_title=data.y_label,
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        clickmode="event+select",
    )
    return fig
