"""Filters of the leaderboard pages over the results frame (pure pandas, no Streamlit)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tournament.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

NO_ROUND = "(outside rounds)"
"""How submissions entered outside any round (``round_name`` "") are named in filters."""

STANDARD_CLASSES = (0.99, 0.999)
"""MLPerf-style accuracy classes: 99% and 99.9% of the fp32 reference quality."""

LEAGUES = ("human", "search")


@dataclass(frozen=True)
class Filters:
    """Which results a page shows; ``None`` means any.

    Attributes:
        round_name: a round's name; ``""`` for submissions outside any round.
        accuracy_class: re-gate at this fraction of the fp32 reference (``valid`` becomes the
            result's validity with this target ratio: its direction-correct
            ``quality_ratio`` >= ``accuracy_class``, and the other rules); None keeps each
            result's own gate.
        league: ``"human"`` or ``"search"`` (who entered the submission).
        valid_only: drop results that fail the (possibly re-gated) accuracy gate.
    """

    round_name: str | None = None
    workload: str | None = None
    scenario: str | None = None
    machine: str | None = None
    accuracy_class: float | None = None
    league: str | None = None
    valid_only: bool = False


def apply_filters(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows of ``frame`` that ``filters`` keep, re-gated if an accuracy class is chosen.

    Raises:
        UserError: the league is not human or search, or the class is not in (0, 1].
    """
    if filters.league is not None and filters.league not in LEAGUES:
        raise UserError(f"league must be 'human' or 'search', not {filters.league!r}.")
    mask = frame["result_id"].notna()
    for column, value in (
        ("round_name", filters.round_name),
        ("workload", filters.workload),
        ("scenario", filters.scenario),
        ("machine", filters.machine),
        ("origin", filters.league),
    ):
        if value is not None:
            mask &= frame[column] == value
    shown = frame[mask].copy()
    if filters.accuracy_class is not None:
        shown["valid"] = regate(shown, filters.accuracy_class)
    if filters.valid_only:
        shown = shown[shown["valid"]]
    return shown


def class_column(accuracy_class: float) -> str:
    """The results-frame column holding each result's validity at ``accuracy_class``."""
    return f"valid_at_{round(float(accuracy_class), 6):g}"


def regate(frame: pd.DataFrame, accuracy_class: float) -> pd.Series:
    """Validity at ``accuracy_class`` of the fp32 reference: the core's validity rule
    (:meth:`tournament.results.Result.invalid_reasons` with that target ratio, computed when
    the frame was built for every class of :func:`accuracy_classes`).

    Raises:
        UserError: ``accuracy_class`` is not in (0, 1], or not one the frame offers.
    """
    if not 0 < accuracy_class <= 1:
        raise UserError(f"accuracy class must be in (0, 1], not {accuracy_class!r}.")
    column = class_column(accuracy_class)
    if column not in frame.columns:
        offered = ", ".join(f"{c:g}" for c in accuracy_classes(frame))
        raise UserError(f"accuracy class must be one of {offered}, not {accuracy_class!r}.")
    return frame[column].astype(bool)


def choices(frame: pd.DataFrame, column: str) -> list[str]:
    """The distinct values of ``column``, sorted (scenarios in the harness's order, then any
    other by name)."""
    from tournament import harness

    values = sorted({str(v) for v in frame[column].dropna().unique()})
    if column == "scenario":
        rank = {name: i for i, name in enumerate(harness.names())}
        values.sort(key=lambda v: (rank.get(v, len(rank)), v))
    return values


def most_results(frame: pd.DataFrame, column: str) -> str | None:
    """The value of ``column`` with the most rows (the first of :func:`choices` on a tie):
    what a page that needs one value opens on; None for an empty frame."""
    options = choices(frame, column)
    if not options:
        return None
    counts = frame[column].astype(str).value_counts()
    return max(options, key=lambda v: (int(counts.get(v, 0)), -options.index(v)))


def round_choices(frame: pd.DataFrame, rounds: list[str]) -> list[str]:
    """Rounds to choose from: every known round, then :data:`NO_ROUND` if it has results."""
    outside = bool((frame["round_name"] == "").any())
    return [*rounds, *([NO_ROUND] if outside else [])]


def round_value(choice: str) -> str:
    """The ``round_name`` a round choice stands for."""
    return "" if choice == NO_ROUND else choice


def accuracy_classes(frame: pd.DataFrame) -> list[float]:
    """The standard classes plus every target ratio stored with a result, ascending."""
    stored = {round(float(v), 6) for v in frame["target_ratio"].dropna().unique()}
    return sorted(stored | set(STANDARD_CLASSES))


def class_label(accuracy_class: float) -> str:
    """E.g. ``99% of fp32 reference`` for 0.99."""
    return f"{accuracy_class * 100:g}% of fp32 reference"
