"""The figures a user can rank, plot and constrain on, as the leaderboard presents them.

Names, labels, units and directions are the core's metric table
(:data:`tournament.results.METRICS`); this module only chooses which of them the pages offer
and how estimates are labelled.
"""

from __future__ import annotations

from collections.abc import Iterable, Set

from tournament.results import BY_NAME, METRICS, Metric, metric

__all__ = [
    "AXES",
    "BY_NAME",
    "DEFAULT_X",
    "DEFAULT_Y",
    "ESTIMATE_TAG",
    "Metric",
    "axis_label",
    "interval_label",
    "is_estimate",
    "label",
    "metric",
    "power_source_label",
]

AXES: tuple[str, ...] = tuple(m.name for m in METRICS if m.objective)
"""Metrics the Pareto explorer offers as axes, colour and size (the table's objectives)."""

DEFAULT_X, DEFAULT_Y = "latency_p99_ms", "throughput_sps"
"""The Pareto explorer's axes when it opens."""

ESTIMATE_TAG = "ESTIMATE"
ESTIMATED = "estimated"
"""The ``<metric>_provenance`` of a figure computed from a model rather than measured."""


def label(key: str) -> str:
    """The metric table's label of ``key``; other keys (a column) with spaces for ``_``."""
    found = BY_NAME.get(key)
    return found.label if found is not None else key.replace("_", " ")


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
    text = metric(key).label
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
