"""Fixtures of the workload tests.

The project conftest already points ``TOURNEY_CACHE`` at one temporary directory for the whole
session, so trained weights and reference embeddings are computed once and shared; tests that
must see an empty cache (cache miss, retraining) use :func:`fresh_cache`.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty ``TOURNEY_CACHE`` for this test only (restored afterwards)."""
    path = tmp_path / "cache"
    monkeypatch.setenv("TOURNEY_CACHE", str(path))
    return path
