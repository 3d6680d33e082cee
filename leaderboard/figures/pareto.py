"""The Pareto explorer's figure: valid points, greyed invalid ones and the frontier as steps.

The frontier is computed over valid results only (an invalid result cannot win) with
:mod:`tournament.ranking.pareto`; each axis is minimised or maximised as its metric says. The
frame given must hold one rules group (:mod:`leaderboard.rules`): a frontier across rules would
compare quick runs with full ones. A figure that lacks evidence (a p99 from too few queries) is
not drawn. Error bars are the figures' 95 % intervals; :attr:`ParetoData.intervals` says what
they cover (between runs, within one run).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from leaderboard.metrics import (
    ESTIMATE_TAG,
    ESTIMATED,
    FEW,
    axis_label,
    interval_label,
    metric,
    power_source_label,
)

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Points:
    """A set of points with what the hover box shows for each."""

    result_ids: list[int]
    entries: list[str]
    configurations: list[str]
    xs: list[float]
    ys: list[float]
    colors: list[float] | None
    sizes: list[float] | None
    hover: list[str]
    runs: list[int]
    """How many runs each point's result aggregates."""
    x_err: tuple[list[float], list[float]] | None = None
    y_err: tuple[list[float], list[float]] | None = None
    """Error bars (below, above) of x and y: the 95 % intervals (0 where a figure has none);
    None when no point has one."""

    def __len__(self) -> int:
        return len(self.xs)


@dataclass(frozen=True)
class ParetoData:
    """Everything the Pareto chart draws.

    ``frontier`` holds the non-dominated valid points, sorted by x; ``step_x``/``step_y`` is
    the staircase through them. ``dropped`` counts rows lacking a value of x, y, colour or
    size (e.g. energy where no power was recorded); ``few`` those whose x, y, colour or size
    lacks evidence (:data:`~leaderboard.metrics.FEW`); neither is drawn. ``intervals`` says
    what the error bars cover, per axis (e.g. ``between 3 runs``, several joined by ``/``).
    """

    x: str
    y: str
    color: str | None
    size: str | None
    labels: dict[str, str]
    valid: Points
    invalid: Points
    frontier: Points
    step_x: list[float]
    step_y: list[float]
    dropped: int
    few: int = 0
    intervals: dict[str, str] | None = None

    @property
    def positive(self) -> dict[str, bool]:
        """Whether every drawn x (resp. y) is > 0, i.e. whether a log axis can show them."""
        xs = self.valid.xs + self.invalid.xs
        ys = self.valid.ys + self.invalid.ys
        return {"x": all(v > 0 for v in xs), "y": all(v > 0 for v in ys)}


def pareto_data(
    frame: pd.DataFrame, x: str, y: str, color: str | None = None, size: str | None = None
) -> ParetoData:
    """The chart of ``frame``'s results on metrics ``x`` and ``y`` (names in the metric table).

    Raises:
        UserError: a name is not in the metric table.
    """
    keys = [k for k in dict.fromkeys((x, y, color, size)) if k is not None]
    labels = {k: axis_label(k, _provenances(frame, k)) for k in keys}
    known = frame.dropna(subset=keys)
    drawn = known[~_lacking(known, keys)]
    valid, invalid = drawn[drawn["valid"]], drawn[~drawn["valid"]]
    on_front = valid[_front_mask(valid, x, y)].sort_values([x, y])
    step_x, step_y = _steps(on_front, x, y)
    return ParetoData(
        x=x,
        y=y,
        color=color,
        size=size,
        labels=labels,
        valid=_points(valid, x, y, color, size, labels),
        invalid=_points(invalid, x, y, color, size, labels),
        frontier=_points(on_front, x, y, color, size, labels),
        step_x=step_x,
        step_y=step_y,
        dropped=len(frame) - len(known),
        few=len(known) - len(drawn),
        intervals={k: _intervals(drawn, k) for k in (x, y)},
    )


def _lacking(frame: pd.DataFrame, keys: list[str]) -> Any:
    """Rows where one of ``keys`` is insufficient (``<key>_insufficient`` non-empty)."""
    import numpy as np

    mask = np.zeros(len(frame), dtype=bool)
    for key in keys:
        column = f"{key}_insufficient"
        if column in frame.columns:
            mask |= frame[column].fillna("").astype(str).ne("").to_numpy()
    return mask


def _intervals(frame: pd.DataFrame, key: str) -> str:
    """What the intervals of ``key`` over ``frame``'s rows cover, e.g. ``between 3 runs``."""
    column = f"{key}_interval"
    if column not in frame.columns or frame.empty:
        return ""
    found = frame[[column, "runs"]].dropna(subset=[column]).drop_duplicates()
    texts = [interval_label(str(k), int(n)) for k, n in found.itertuples(index=False)]
    return " / ".join(sorted(set(t for t in texts if t)))


def _errors(frame: pd.DataFrame, key: str) -> tuple[list[float], list[float]] | None:
    low, high = f"{key}_low", f"{key}_high"
    if low not in frame.columns or frame[low].isna().all():
        return None
    values = frame[key].astype(float)
    below = (values - frame[low].astype(float)).fillna(0.0).clip(lower=0.0)
    above = (frame[high].astype(float) - values).fillna(0.0).clip(lower=0.0)
    return below.tolist(), above.tolist()


def _provenances(frame: pd.DataFrame, key: str) -> list[object]:
    column = f"{key}_provenance"
    return frame[column].dropna().unique().tolist() if column in frame.columns else []


def _front_mask(frame: pd.DataFrame, x: str, y: str) -> Any:
    import numpy as np

    from tournament.ranking.pareto import pareto_front_mask

    if frame.empty:
        return np.zeros(0, dtype=bool)
    points = frame[[x, y]].to_numpy(dtype=float)
    return np.asarray(pareto_front_mask(points, [metric(x).direction, metric(y).direction]))


def _steps(front: pd.DataFrame, x: str, y: str) -> tuple[list[float], list[float]]:
    from tournament.ranking.pareto import frontier_steps

    if front.empty:
        return [], []
    xs, ys = frontier_steps(
        front[x].astype(float).tolist(),
        front[y].astype(float).tolist(),
        metric(x).direction,
        metric(y).direction,
    )
    return [float(v) for v in xs], [float(v) for v in ys]


def _points(
    frame: pd.DataFrame,
    x: str,
    y: str,
    color: str | None,
    size: str | None,
    labels: dict[str, str],
) -> Points:
    return Points(
        result_ids=[int(v) for v in frame["result_id"]],
        entries=frame["entry"].astype(str).tolist(),
        configurations=frame["configuration"].astype(str).tolist(),
        xs=frame[x].astype(float).tolist(),
        ys=frame[y].astype(float).tolist(),
        colors=frame[color].astype(float).tolist() if color else None,
        sizes=frame[size].astype(float).tolist() if size else None,
        hover=hover_texts(frame, list(labels)),
        runs=[int(v) for v in frame["runs"]],
        x_err=_errors(frame, x),
        y_err=_errors(frame, y),
    )


def hover_texts(frame: pd.DataFrame, keys: list[str]) -> list[str]:
    """One hover box per row: the entry, its configuration, gate, and the plotted figures."""
    records = frame.to_dict("records")
    return [_hover(r, keys) for r in records]


def _hover(row: dict[str, Any], keys: list[str]) -> str:
    gate = "VALID" if row["valid"] else f"INVALID ({row.get('invalid_reasons') or '?'})"
    runs = int(row.get("runs") or 1)
    lines = [
        f"<b>{row['entry']}</b> (result {row['result_id']}, {runs} run{'s' if runs != 1 else ''})",
        str(row["configuration"]),
        f"{row['scenario']}, {row['origin']} league, round {row['round_name'] or '-'}",
        f"rules: {row.get('rules_label') or '?'}",
        f"{gate}: quality {row['quality']:.4g} ({_share(row['quality_ratio'])} of fp32)",
    ]
    estimated = False
    for key in keys:
        tag = f" {ESTIMATE_TAG}" if row.get(f"{key}_provenance") == ESTIMATED else ""
        estimated = estimated or bool(tag)
        lines.append(f"{metric(key).label}: {_fmt(row[key])}{tag}{_ci(row, key)}")
    if estimated:
        lines.append(f"power source: {power_source_label(row.get('power_source'))}")
    return "<br>".join(lines)


def _ci(row: dict[str, Any], key: str) -> str:
    """`` [low, high] (between 3 runs)``: the figure's 95 % interval and what it covers."""
    if row.get(f"{key}_insufficient"):
        return f" {FEW}"
    low, high = row.get(f"{key}_low"), row.get(f"{key}_high")
    if _fmt(low) == "-" or _fmt(high) == "-":
        return ""
    kind = interval_label(row.get(f"{key}_interval"), int(row.get("runs") or 1))
    return f" [{_fmt(low)}, {_fmt(high)}]" + (f" ({kind})" if kind else "")


def _share(ratio: Any) -> str:
    if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
        return "-"
    return f"{float(ratio):.2%}"


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{float(value):.4g}"
