"""The app as a whole: first-run page, read-only, and refresh on database changes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tournament.store import Store

PAGES = ("rounds", "leaderboard", "pareto", "entry", "search", "recommend")


def _info(at: Any) -> str:
    return "\n".join(str(i.value) for i in at.info)


def test_missing_database_shows_the_first_run_page_on_every_page(app: Any, tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "tourney.db"
    at = app(f"sqlite:///{path}")
    for page in PAGES:
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception
        assert at.title[0].value == "Tourney leaderboard"
        assert "**No results yet.**" in _info(at) and "no database there" in _info(at)
        assert "`make demo`" in _info(at)
    assert not path.exists() and not path.parent.exists()


def test_empty_database_shows_the_first_run_page(app: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tourney.db'}"
    Store(url).close()
    at = app(url, "pareto")
    assert "a database without any result or round" in _info(at)
    assert not at.dataframe


def test_visiting_every_page_leaves_the_database_file_untouched(app: Any, seeded: Any) -> None:
    before = (seeded.path.read_bytes(), seeded.path.stat().st_mtime_ns)
    at = app(seeded.url)
    for page in PAGES:
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, page
    assert (seeded.path.read_bytes(), seeded.path.stat().st_mtime_ns) == before


def test_new_results_appear_on_the_next_rerun(app: Any, seeded_copy: Any) -> None:
    at = app(seeded_copy.url, "leaderboard")
    at.selectbox(key="lb_round").set_value("(any)").run()
    assert len(at.dataframe[0].value) == 17
    at.run()
    assert len(at.dataframe[0].value) == 17
    with Store(seeded_copy.url) as store:  # the driver records one more result (outside rounds)
        search_entry = seeded_copy.result_ids[-1]
        old = store.result(search_entry)
        (run_id,) = store.queue_runs("offline", {"x": 1}, submission_ids=[old.entry.submission_id])
        assert store.claim_run(run_id, worker="test")
        store.record_result(run_id, replace(old.result, scenario="offline"))
    at.run()
    assert len(at.dataframe[0].value) == 18


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        (b"not a database at all, just text", "file is not a database"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "could not be read"),
    ],
)
def test_a_file_that_is_not_a_database_is_one_sentence(
    app: Any, tmp_path: Path, content: bytes, sentence: str
) -> None:
    path = tmp_path / "tourney.db"
    path.write_bytes(content)
    at = app(f"sqlite:///{path}")
    for page in PAGES:
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, page
        (error,) = at.error
        assert str(error.value).startswith(f"database file {path}") and sentence in error.value
    assert path.read_bytes() == content


def test_a_damaged_database_is_one_sentence(app: Any, seeded: Any, tmp_path: Path) -> None:
    import sqlite3
    from contextlib import closing

    whole, path = tmp_path / "whole.db", tmp_path / "damaged.db"
    # A consistent single-file copy first: the seeded database may hold recent pages in its
    # write-ahead log while the app's cached reader keeps it open.
    with closing(sqlite3.connect(seeded.path)) as source, closing(sqlite3.connect(whole)) as copy:
        source.backup(copy)
    data = whole.read_bytes()
    path.write_bytes(data[: len(data) // 3])  # truncated: the tables' pages are gone
    at = app(f"sqlite:///{path}", "leaderboard")
    assert not at.exception
    assert at.error, [(e.type, getattr(e, "value", None)) for e in at.main][:8]
    assert "could not be read as an SQLite database" in at.error[0].value


@pytest.mark.parametrize("password", ["s3cret"])
def test_the_sidebar_names_the_database_without_its_password(password: str) -> None:
    from leaderboard.ui import safe_url

    shown = safe_url(f"postgresql+psycopg://tourney:{password}@db.example/tourney")
    assert password not in shown and "db.example" in shown


def test_page_scripts_have_no_bare_strings_but_their_docstring() -> None:
    """Streamlit draws every bare string of a page script ("magic"): docstrings of constants
    would appear on the page."""
    import ast

    views = Path(__file__).resolve().parents[2] / "leaderboard" / "views"
    found = [
        f"{path.name}:{node.lineno}"
        for path in sorted(views.glob("*.py"))
        for node in ast.parse(path.read_text()).body[1:]
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    ]
    assert not found
