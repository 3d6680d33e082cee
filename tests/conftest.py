"""Project-wide test set-up: every test gets its own data directory; caches are shared."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_SHARED_CACHE = Path(
    os.environ.get("TOURNEY_TEST_CACHE") or tempfile.mkdtemp(prefix="tourney-cache-")
)
os.environ["TOURNEY_CACHE"] = str(_SHARED_CACHE)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Ray clusters started by tests (embedded, local) listen on 127.0.0.1 only; read at ray import.
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(autouse=True)
def _tourney_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh TOURNEY_HOME (database, settings) per test; the model cache stays shared."""
    home = tmp_path / "home"
    monkeypatch.setenv("TOURNEY_HOME", str(home))
    monkeypatch.delenv("TOURNEY_DB_URL", raising=False)
    yield home
