"""Cached reads for the pages, keyed on the database URL and a signature of its contents.

Every public function here recomputes the signature (a ``stat`` of the SQLite file and its
write-ahead log, or row counts and round statuses elsewhere), so a page shows new results on
its next rerun after the database changed, and reuses its frames while it did not. Everything
is read through one :class:`~tournament.store.readonly.ReadOnlyStore` per URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

import streamlit as st

from leaderboard.data import queries, studies
from leaderboard.data.source import DatabaseStatus, ReadOnlyStore, Signature, database_status
from leaderboard.data.source import open_store as _open_store
from leaderboard.data.source import signature as content_signature

if TYPE_CHECKING:
    import pandas as pd

    from tournament.store import ResultRecord

# The ``version`` argument of the cached functions is the signature: it is part of the cache key
# (Streamlit leaves out only arguments whose name starts with "_").
TTL_S = 600
"""Entries also expire after this long, a backstop for changes a signature cannot see."""


@st.cache_resource(show_spinner=False)
def store(url: str) -> ReadOnlyStore:
    """The read-only store of ``url``, one per server process.

    Raises:
        UserError: the database cannot be read (see :func:`~leaderboard.data.source.open_store`).
    """
    return _open_store(url)


def signature(url: str) -> Signature:
    """The current contents signature of ``url``."""
    return content_signature(url, store(url))


@st.cache_data(show_spinner=False, ttl=2)
def state(url: str) -> DatabaseStatus:
    """Whether ``url`` has anything to show, or why not (re-checked at most every 2 s)."""
    return database_status(url)


def records(url: str) -> Mapping[int, ResultRecord]:
    """:func:`leaderboard.data.queries.load_records` (results, their runs aggregated), cached:
    one copy per database version, shared by every session (records are frozen; never modify
    the mapping)."""
    return _records(url, signature(url))


@st.cache_resource(show_spinner=False, ttl=TTL_S, max_entries=4)
def _records(url: str, version: Signature) -> Mapping[int, ResultRecord]:
    return MappingProxyType(queries.load_records(store(url)))


def results(url: str) -> pd.DataFrame:
    """:func:`leaderboard.data.queries.results_frame` of every record, cached."""
    return _results(url, signature(url))


@st.cache_data(show_spinner=False, ttl=TTL_S, max_entries=4)
def _results(url: str, version: Signature) -> pd.DataFrame:
    return queries.results_frame(_records(url, version).values())


def rounds(url: str) -> pd.DataFrame:
    """:func:`leaderboard.data.queries.rounds_frame`, cached."""
    return _rounds(url, signature(url))


@st.cache_data(show_spinner=False, ttl=TTL_S, max_entries=4)
def _rounds(url: str, version: Signature) -> pd.DataFrame:
    return queries.rounds_frame(store(url), _records(url, version).values())


def run_index(url: str) -> Mapping[int, int]:
    """:func:`leaderboard.data.queries.run_index` of every result, cached."""
    return _run_index(url, signature(url))


@st.cache_resource(show_spinner=False, ttl=TTL_S, max_entries=4)
def _run_index(url: str, version: Signature) -> Mapping[int, int]:
    return MappingProxyType(queries.run_index(_records(url, version).values()))


def result_detail(url: str, result_id: int) -> ResultRecord | None:
    """:func:`leaderboard.data.queries.result_detail` (one stored run in full), cached."""
    return _result_detail(url, result_id, signature(url))


def aggregate_detail(url: str, result_id: int) -> queries.Detail | None:
    """The result (aggregate) that run ``result_id`` belongs to, in full
    (:func:`leaderboard.data.queries.aggregate_detail`), cached; None if no run has this id."""
    version = signature(url)
    first = _run_index(url, version).get(result_id)
    if first is None:
        return None
    return _aggregate_detail(url, first, version)


@st.cache_data(show_spinner=False, ttl=TTL_S, max_entries=64)
def _aggregate_detail(url: str, first: int, version: Signature) -> queries.Detail | None:
    record = _records(url, version).get(first)
    if record is None:
        return None
    return queries.aggregate_detail(store(url), queries.run_ids(record))


@st.cache_data(show_spinner=False, ttl=TTL_S, max_entries=64)
def _result_detail(url: str, result_id: int, version: Signature) -> ResultRecord | None:
    return queries.result_detail(store(url), result_id)


def study_names(url: str) -> list[str]:
    """:func:`leaderboard.data.studies.study_names`, cached."""
    return _study_names(url, signature(url))


@st.cache_data(show_spinner=False, ttl=TTL_S, max_entries=4)
def _study_names(url: str, version: Signature) -> list[str]:
    return studies.study_names(url)


def study_result_ids(url: str, name: str) -> dict[int, list[int]]:
    """:func:`leaderboard.data.queries.study_result_ids`, cached."""
    return _study_result_ids(url, name, signature(url))


@st.cache_data(show_spinner=False, ttl=TTL_S, max_entries=16)
def _study_result_ids(url: str, name: str, version: Signature) -> dict[int, list[int]]:
    return queries.study_result_ids(_records(url, version).values(), name)


def study(url: str, name: str) -> studies.StudyData:
    """:func:`leaderboard.data.studies.load_study`, cached."""
    return _study(url, name, signature(url))


@st.cache_data(show_spinner=False, ttl=TTL_S, max_entries=16)
def _study(url: str, name: str, version: Signature) -> studies.StudyData:
    return studies.load_study(url, name)
