"""Reliability tests: the fault-injecting plugin, a throwaway PostgreSQL database, helpers."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # reliability_support beside this file

from reliability_store import FullDisk, make_full_disk
from reliability_support import PLUGINS, fault_env


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
