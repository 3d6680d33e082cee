"""Latency blobs and UTC datetimes."""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from tournament.hashing import sha256_of
from tournament.store import Store, decode_latencies, encode_latencies
from tournament.store.models import RoundRow


def test_latency_blob_is_zlib_of_little_endian_float32() -> None:
    values = [0.25, 1.5, 1000.125]
    blob = encode_latencies(values)
    assert zlib.decompress(blob) == struct.pack("<3f", *values)
    assert decode_latencies(blob) == values
    assert decode_latencies(None) == decode_latencies(encode_latencies([])) == []


@given(st.lists(st.floats(min_value=1e-4, max_value=1e5), max_size=300))
def test_latency_round_trip_keeps_float32_precision(values: list[float]) -> None:
    assert decode_latencies(encode_latencies(values)) == pytest.approx(values, rel=1e-6)


def test_sha256_of_ignores_key_order() -> None:
    assert sha256_of({"a": 1, "b": [1, 2]}) == sha256_of({"b": [1, 2], "a": 1})
    assert sha256_of({"a": 1}) != sha256_of({"a": 2})


def test_datetimes_are_stored_in_utc_and_read_back_aware(store: Store) -> None:
    store.create_round("r", {})
    eastern = timezone(timedelta(hours=-5))
    opened = datetime(2026, 1, 1, 7, 0, tzinfo=eastern)
    with Session(store.engine) as session, session.begin():
        row = session.get(RoundRow, "r")
        assert row is not None
        row.opened_at = opened
    read = store.round("r")
    assert read is not None
    assert read.opened_at == opened
    assert read.opened_at.tzinfo == UTC
    assert read.opened_at.hour == 12
    with pytest.raises(StatementError, match="naive datetime"), Session(store.engine) as session:
        row = session.get(RoundRow, "r")
        assert row is not None
        row.closed_at = datetime(2026, 1, 1)
        session.commit()
