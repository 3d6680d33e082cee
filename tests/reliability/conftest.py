"""Reliability tests: the fault-injecting plugin, a throwaway PostgreSQL database, helpers."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # reliability_support beside this file

from reliability_store import FullDisk, make_full_disk
from reliability_support import PLUGINS, fault_env


def _pg_admin_url() -> str:
    url = os.environ.get("TOURNEY_TEST_PG_URL") or os.environ.get("TOURNEY_DB_URL") or ""
    return url if url.startswith("postgresql") else ""


PG_ADMIN_URL = _pg_admin_url()
"""Read at import: the project's conftest unsets TOURNEY_DB_URL for every test."""


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test (dropped after it)."""
    if not PG_ADMIN_URL:
        pytest.skip('no PostgreSQL: set TOURNEY_TEST_PG_URL (`eval "$(.ci/postgres.sh start)"`)')
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"tourney_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="module")
def faults(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The fault plugin loaded here and in every worker; yields its marker folder."""
    from tournament import plugins, workloads

    fault_dir = tmp_path_factory.mktemp("faults")
    added = fault_env(fault_dir)
    saved = {key: os.environ.get(key) for key in added}
    os.environ.update(added)
    sys.path.insert(0, str(PLUGINS))
    plugins.refresh()
    yield fault_dir
    sys.path.remove(str(PLUGINS))
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    plugins.refresh()
    workloads.unregister("faulty-tiny")
    sys.modules.pop("tourney_faults", None)


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[FullDisk]:
    """A database on a disk the test can fill (see reliability_store)."""
    disk = make_full_disk(tmp_path)
    yield disk
    disk.close()
