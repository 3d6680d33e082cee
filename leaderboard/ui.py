"""Widgets and messages shared by the pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from leaderboard.data.source import DatabaseState, DatabaseStatus
from leaderboard.filters import (
    LEAGUES,
    NO_ROUND,
    Filters,
    accuracy_classes,
    choices,
    class_label,
    most_results,
    round_choices,
    round_value,
)

if TYPE_CHECKING:
    import pandas as pd

ANY = "(any)"
STORED_GATE = "as measured (each result's own gate)"
FIRST_RUN = """
**No results yet.** This leaderboard reads `{url}` and found {what}.

To fill it:

* `make demo` measures the example submissions on this machine, or
* `tourney submit submissions/examples/*.yaml` then `tourney run`.

Then reload this page. The leaderboard only reads the database: it never creates or changes it.
"""


def safe_url(url: str) -> str:
    """``url`` with any password masked, fit to show (``url`` itself if it is not a URL)."""
    from tournament.store.readonly import shown_url

    return shown_url(url)


def first_run(url: str, status: DatabaseStatus) -> None:
    """The page shown while the database is missing or empty, or why it cannot be read."""
    if status.state == DatabaseState.UNREADABLE:
        unreadable(url, status.problem)
        return
    st.title("Tourney leaderboard")
    what = {
        DatabaseState.MISSING: "no database there",
        DatabaseState.EMPTY: "a database without any result or round",
    }.get(status.state, "nothing to show")
    st.info(FIRST_RUN.format(url=safe_url(url), what=what))


def unreadable(url: str, problem: str) -> None:
    """The page shown when the database cannot be read: the one sentence saying why."""
    st.title("Tourney leaderboard")
    st.error(problem or f"The database `{safe_url(url)}` cannot be read.")
    st.caption("The leaderboard only reads the database: it never creates, migrates or changes it.")


def pick(
    label: str,
    options: list[str],
    key: str,
    *,
    any_option: bool = True,
    default: str | None = None,
) -> str | None:
    """A sidebar selectbox; None when ``(any)`` is chosen (or there is no option).

    ``default`` is selected at first if it is one of ``options``, else the first option.
    """
    shown = [ANY, *options] if any_option else options
    if not shown:
        return None
    index = shown.index(default) if default in shown else 0
    value = st.sidebar.selectbox(label, shown, index=index, key=key)
    return None if value == ANY else value


def sidebar_filters(
    frame: pd.DataFrame,
    rounds: list[str],
    prefix: str,
    *,
    require_frontier: bool = False,
    default_round: str | None = None,
) -> Filters:
    """Sidebar filters of a page; with ``require_frontier``, one workload and one scenario
    (at first the workload's scenario with the most results).

    Widget keys start with ``prefix`` so that each page keeps its own selection; the round
    filter starts on ``default_round`` (None: any round).
    """
    st.sidebar.header("Filters")
    round_choice = pick(
        "Round", round_choices(frame, rounds), f"{prefix}_round", default=default_round
    )
    workload = pick(
        "Workload",
        choices(frame, "workload"),
        f"{prefix}_workload",
        any_option=not require_frontier,
    )
    scoped = frame if workload is None else frame[frame["workload"] == workload]
    scenario = pick(
        "Scenario",
        choices(scoped, "scenario"),
        f"{prefix}_scenario",
        any_option=not require_frontier,
        default=most_results(scoped, "scenario") if require_frontier else None,
    )
    machine = pick("Machine", choices(frame, "machine"), f"{prefix}_machine")
    classes = {class_label(c): c for c in accuracy_classes(frame)}
    chosen = st.sidebar.selectbox("Accuracy class", [STORED_GATE, *classes], key=f"{prefix}_class")
    league = pick("League", list(LEAGUES), f"{prefix}_league")
    valid_only = st.sidebar.checkbox("Valid results only", key=f"{prefix}_valid")
    return Filters(
        round_name=None if round_choice is None else round_value(round_choice),
        workload=workload,
        scenario=scenario,
        machine=machine,
        accuracy_class=classes.get(chosen),
        league=league,
        valid_only=valid_only,
    )


def describe(filters: Filters) -> str:
    """One line naming the active filters."""
    parts = [
        f"round {filters.round_name or NO_ROUND}" if filters.round_name is not None else "",
        filters.workload or "",
        filters.scenario or "",
        f"on {filters.machine}" if filters.machine else "",
        f"{filters.league} league" if filters.league else "",
        class_label(filters.accuracy_class) if filters.accuracy_class else "",
        "valid only" if filters.valid_only else "",
    ]
    return ", ".join(p for p in parts if p) or "all results"


@dataclass(frozen=True)
class RulesChoice:
    """The rules group a page shows: its key (None: the frame has no row) and description."""

    key: str | None
    label: str


def pick_rules(frame: pd.DataFrame, key: str) -> RulesChoice:
    """A sidebar choice of one rules group of ``frame`` (:mod:`leaderboard.rules`), at first
    the one with the most rows: results of different rules are never compared on a page."""
    from leaderboard.rules import groups

    found = groups(frame)
    if not found:
        return RulesChoice(None, "-")
    names = {k: f"{label} ({n} result{'s' if n != 1 else ''})" for k, label, n in found}
    chosen = st.sidebar.selectbox(
        "Rules",
        list(names),
        format_func=names.__getitem__,
        key=key,
        help="Results measured under different rules (quick against full) are never compared: "
        "choose which rules to show.",
    )
    labels = {k: label for k, label, _ in found}
    return RulesChoice(str(chosen), labels[str(chosen)])
