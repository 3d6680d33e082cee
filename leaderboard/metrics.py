"""The figures a user can rank, plot and constrain on, as the leaderboard presents them.

Names, labels, units and directions are the core's metric table
(:data:`tournament.results.METRICS`); this module only chooses which of them the pages offer
and how estimates are labelled.
"""

from __future__ import annotations

from collections.abc import Iterable, Set

from tournament.results import BY_NAME, METRICS, Metric, metric
from tournament.results.metrics import Per

__all__ = [
    "AXES",
    "BY_NAME",
    "DEFAULT_X",
    "DEFAULT_Y",
    "ESTIMATE_TAG",
    "SCALES",
    "Metric",
    "axis_label",
    "ci_text",
    "fmt",
    "interval_label",
    "is_estimate",
    "label",
    "metric",
    "power_source_label",
    "quality_name",
    "scale",
    "shown",
    "shown_unit",
]

AXES: tuple[str, ...] = tuple(
    m.name for m in METRICS if m.objective and (m.per is not Per.QUERY or m.unit == "ms")
)
"""Metrics the Pareto explorer offers as axes, colour and size: the objectives but per-query
energy: energy and cost are compared per *sample* (a query of an offline b32 entry holds 32
samples); latencies stay per query (what a user waits for). Per-query energy is shown only on
the Entry detail page, labelled with what the scenario calls a query."""

DEFAULT_X, DEFAULT_Y = "cost_usd_per_million", "quality_ratio"
"""The Pareto explorer's axes when it opens: cost per million samples against quality, with
the accuracy gate drawn as a line."""

SCALES: dict[str, tuple[float, str, str]] = {
    "energy_j_per_sample": (1e3, "J/sample", "mJ/sample"),
    "energy_j_per_query": (1e3, "J/query", "mJ/query"),
}
"""Figures shown in a smaller unit than stored: (factor, stored unit, shown unit) - a digits
entry spends about 0.0002 J per sample, read as 0.2 mJ."""

ESTIMATE_TAG = "ESTIMATE"
ESTIMATED = "estimated"
"""The ``<metric>_provenance`` of a figure computed from a model rather than measured."""


def label(key: str) -> str:
    """The metric table's label of ``key`` in the unit it is shown in (:data:`SCALES`); other
    keys (a column) with spaces for ``_``."""
    found = BY_NAME.get(key)
    if found is None:
        return key.replace("_", " ")
    if key in SCALES:
        _, stored, shown = SCALES[key]
        return found.label.replace(f"({stored})", f"({shown})")
    return found.label


def scale(key: str) -> float:
    """The factor from the stored unit of ``key`` to the unit it is shown in (1: the same)."""
    return SCALES[key][0] if key in SCALES else 1.0


def shown_unit(key: str) -> str:
    """The unit ``key`` is shown in (``mJ/sample``; else the metric table's unit)."""
    return SCALES[key][2] if key in SCALES else metric(key).unit


def shown(key: str, value: object) -> float | None:
    """``value`` of metric ``key`` in its shown unit; None when unknown (None or NaN)."""
    if value is None or not isinstance(value, int | float) or value != value:
        return None
    return float(value) * scale(key)


def fmt(key: str, value: object) -> str:
    """``value`` of metric ``key`` in its shown unit with the metric's significant digits
    (``—`` unknown); thousands written out (36,285 rather than 3.629e+04)."""
    number = shown(key, value)
    found = BY_NAME.get(key)
    if found is None:
        return "—" if number is None else f"{number:.4g}"
    return found.format(number)


def ci_text(key: str, low: object, high: object) -> str:
    """``[low, high]`` of metric ``key`` in its shown unit; ``""`` without an interval."""
    if shown(key, low) is None or shown(key, high) is None:
        return ""
    return f"[{fmt(key, low)}, {fmt(key, high)}]"


def is_estimate(power_source: object) -> bool:
    """Whether an energy figure comes from a model (``estimate-tdp`` ...) rather than a meter."""
    return isinstance(power_source, str) and "estimate" in power_source


def power_source_label(power_source: object) -> str:
    """The source of an energy figure as shown to readers; estimates say so in capitals.

    Anything but a non-empty string (None, a pandas NaN) means no power was recorded.
    """
    if not isinstance(power_source, str) or not power_source:
        return "not recorded"
    if is_estimate(power_source):
        return f"{ESTIMATE_TAG} ({power_source})"
    return f"measured ({power_source})"


def axis_label(key: str, provenances: Iterable[object] = ()) -> str:
    """A metric's label, with ``ESTIMATE`` when any of the figures shown (their
    ``<key>_provenance`` values) is an estimate.

    Raises:
        UserError: ``key`` is not in the metric table.
    """
    metric(key)  # raises for an unknown key
    text = label(key)
    if any(p == ESTIMATED for p in provenances):
        return f"{text}, {ESTIMATE_TAG}"
    return text


BETWEEN, WITHIN, PROPAGATED = "between-runs", "within-run", "propagated"
"""The :class:`~tournament.results.IntervalKind` values, as stored."""

FEW = "(few)"
"""Shown instead of a figure whose evidence is insufficient (e.g. a p99 from too few queries
for MLPerf's early-stopping rule): never a plain number."""


def interval_label(kinds: Set[str] | str | None, runs: int = 1) -> str:
    """What a 95 % interval covers, in words: ``between 3 runs`` (run-to-run spread included),
    ``within one run`` (query-to-query spread of one run only), ``propagated`` (carried from the
    figure it was derived from); ``""`` without an interval. ``kinds``: one kind or the kinds of
    a result's figures (between runs wins: a result's figures share their runs)."""
    found = {kinds} if isinstance(kinds, str) else set(kinds or ())
    if BETWEEN in found:
        return f"between {runs} runs" if runs > 1 else "between runs"
    if WITHIN in found:
        return "within one run"
    if PROPAGATED in found:
        return "propagated"
    return ""


def quality_name(label_text: object, metric_name: object) -> str:
    """The readable name of a quality figure: the workload's label (``cosine to fp32``), else
    its metric's name with spaces (``cosine_to_fp32`` -> ``cosine to fp32``)."""
    if isinstance(label_text, str) and label_text and label_text != metric_name:
        return label_text
    return str(metric_name or "quality").replace("_", " ")
