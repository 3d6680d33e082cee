"""Fixtures of the store tests: a store on a temporary SQLite file, submissions.

Results come from the project-wide ``make_result`` fixture (made-up test data).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

import pytest

from tournament.schema import Submission
from tournament.store import Store

MakeSubmission = Callable[..., Submission]


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """URL of a fresh SQLite file."""
    return f"sqlite:///{tmp_path / 'db' / 'tourney.db'}"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A store on a fresh SQLite file, closed after the test."""
    with Store(db_url) as opened:
        yield opened


@pytest.fixture
def make_submission() -> MakeSubmission:
    """Builds a valid submission; keyword arguments override fields."""
    from ...contracts.conftest import submission

    return cast(MakeSubmission, submission)
