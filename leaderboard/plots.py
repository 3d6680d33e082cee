"""The thin Plotly layer: each function draws one figure from data built in
:mod:`leaderboard.figures`, and decides nothing about the data itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    data: ParetoData, *, log_x: bool = False, log_y: bool = False, error_bars: bool = True
) -> go.Figure:
    """Valid points (coloured/sized if asked), invalid points in grey, the frontier in red;
    with ``error_bars``, each point's 95 % intervals (the axis titles say what they cover)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    bars = error_bars
    fig.add_trace(_scatter(data.invalid, "invalid", GREY, None, data, error_bars=bars))
    fig.add_trace(_scatter(data.valid, "valid", None, data.color, data, error_bars=bars))
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
    fig.add_trace(_scatter(data.frontier, "on the frontier", FRONT, None, data, symbol="diamond"))
    fig.update_layout(
        xaxis_title=_axis_title(data, data.x, bars),
        yaxis_title=_axis_title(data, data.y, bars),
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )
    fig.update_xaxes(type="log" if log_x else "linear")
    fig.update_yaxes(type="log" if log_y else "linear")
    return fig


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
