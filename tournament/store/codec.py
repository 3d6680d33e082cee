"""Encodings of values the store keeps: per-query latencies (content hashes:
:mod:`tournament.hashing`)."""

from __future__ import annotations

import sys
import zlib
from array import array
from collections.abc import Iterable


def encode_latencies(latencies_ms: Iterable[float]) -> bytes:
    """zlib of the latencies as little-endian float32 (about 7 significant digits kept)."""
    values = array("f", latencies_ms)
    if sys.byteorder == "big":
        values.byteswap()
    return zlib.compress(values.tobytes(), level=6)


def decode_latencies(blob: bytes | None) -> list[float]:
    """The inverse of :func:`encode_latencies`; an absent blob decodes to an empty list."""
    if not blob:
        return []
    values = array("f")
    values.frombytes(zlib.decompress(blob))
    if sys.byteorder == "big":
        values.byteswap()
    return values.tolist()
