"""Shared pieces of the contract suites: implementations from the registries, fakes, stores.

Each suite in this folder is written once and parametrized over every name its registry holds
(built-ins, installed plugin distributions, names registered through ``TOURNEY_PLUGINS``), so a
new implementation is tested by installing it. Only what cannot exist on this machine is faked
(a RAPL counter tree, NVML without a GPU), with the fakes of ``tests/hardware``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tournament.plugins import Registry

TESTS = Path(__file__).parents[1]
PLUGINS = TESTS / "plugins"


def implementations(registry: Registry[Any], *, slow: Iterable[str] = ()) -> list[Any]:
    """One ``pytest.param`` per registered name (id: the name); names in ``slow`` marked slow.

    Read at collection time: the names come from installed metadata only (nothing is imported).
    """
    slow = set(slow)
    return [
        pytest.param(name, id=name, marks=[pytest.mark.slow] if name in slow else [])
        for name in registry.names()
    ]


def load_test_module(relative: str) -> ModuleType:
    """A module of ``tests/`` (a conftest or test file holding fakes) loaded by its path."""
    path = TESTS / relative
    name = "_contracts_" + relative.replace("/", "_").removesuffix(".py")
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# -- the fault-injection workload plugin (tests/plugins/tourney_faults.py) ----------------------


@pytest.fixture(scope="module")
def fault_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Worker processes see the fault plugin: on ``PYTHONPATH`` and named in TOURNEY_PLUGINS.

    Yields ``$TOURNEY_FAULT_DIR`` (where the plugin writes its markers); restores everything.
    """
    from tournament import plugins, workloads

    fault_dir = tmp_path_factory.mktemp("faults")
    keys = ("PYTHONPATH", "TOURNEY_PLUGINS", "TOURNEY_FAULT_DIR")
    saved = {key: os.environ.get(key) for key in keys}
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PLUGINS), saved["PYTHONPATH"]]))
    os.environ["TOURNEY_PLUGINS"] = "tourney_faults"
    os.environ["TOURNEY_FAULT_DIR"] = str(fault_dir)
    sys.path.insert(0, str(PLUGINS))
    plugins.refresh()
    try:
        yield fault_dir
    finally:
        sys.path.remove(str(PLUGINS))
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        plugins.refresh()
        workloads.unregister("faulty-tiny")
        sys.modules.pop("tourney_faults", None)


# -- stores: a fresh SQLite file, or a scratch PostgreSQL database -----------------------------


class Databases:
    """Empty databases at the schema's head, made fast.

    Migrating a new database takes ~0.5 s and creating a PostgreSQL database ~0.5-1 s, so a
    migrated SQLite template is copied for each test, and one scratch PostgreSQL database (of
    the project-wide ``postgres_database`` fixture) is emptied (every Tourney table truncated,
    ids restarted) for each test.
    """

    def __init__(
        self, factory: pytest.TempPathFactory, scratch: Callable[[], AbstractContextManager[str]]
    ) -> None:
        self._factory = factory
        self._scratch = scratch
        self._sqlite: Path | None = None
        self._pg: tuple[str, Any] | None = None
        self._open = ExitStack()

    def sqlite(self, folder: Path) -> str:
        from tournament.store import Store

        if self._sqlite is None:
            self._sqlite = self._factory.mktemp("template") / "template.db"
            Store(f"sqlite:///{self._sqlite}").close()
        path = folder / f"tourney-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(self._sqlite, path)
        return f"sqlite:///{path}"

    def postgresql(self) -> str:
        """The shared scratch PostgreSQL database, emptied (skips the test without a server)."""
        from sqlalchemy import create_engine

        from tournament.store.models import TABLES

        if self._pg is None:
            url = self.kept("postgresql")
            engine = create_engine(url, isolation_level="AUTOCOMMIT")
            self._open.callback(engine.dispose)
            self._pg = (url, engine)
        url, engine = self._pg
        tables = ", ".join(f'"{table.name}"' for table in TABLES)
        with engine.connect() as connection:
            connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        return url

    def kept(self, kind: str) -> str:
        """A new empty database of ``kind`` at the schema's head, until the session ends."""
        from tournament.store import Store

        if kind == "sqlite":
            return self.sqlite(self._factory.mktemp("kept"))
        url = self._open.enter_context(self._scratch())
        Store(url).close()
        return url

    def close(self) -> None:
        self._open.close()


@pytest.fixture(scope="session")
def databases(
    tmp_path_factory: pytest.TempPathFactory,
    postgres_database: Callable[[], AbstractContextManager[str]],
) -> Iterator[Databases]:
    """The session's :class:`Databases` (the PostgreSQL ones dropped at the end)."""
    made = Databases(tmp_path_factory, postgres_database)
    yield made
    made.close()


@pytest.fixture
def fresh_database(tmp_path: Path, databases: Databases) -> Callable[[str], str]:
    """``make(kind)``: the URL of an empty database of ``kind`` (``sqlite`` or ``postgresql``)
    at the schema's head, for this test only (call it once per test and kind).

    PostgreSQL: the server of ``TOURNEY_TEST_PG_URL`` (the test is skipped without one).
    """

    def make(kind: str) -> str:
        assert kind in ("sqlite", "postgresql"), kind
        return databases.sqlite(tmp_path) if kind == "sqlite" else databases.postgresql()

    return make


# -- the store contract's fixtures (test_store_*_contract.py) -----------------------------------

KINDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql")]
RULES = {"min_queries": 20, "min_duration_s": 0.1}
MakeResult = Callable[..., Any]
"""The project-wide ``make_result`` fixture: keyword overrides -> a Result."""


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def url(kind: str, fresh_database: Callable[[str], str]) -> str:
    """A new database of ``kind`` with the schema at head and no rows."""
    return fresh_database(kind)


@pytest.fixture
def store(url: str) -> Iterator[Any]:
    """A :class:`~tournament.store.Store` on :func:`url`."""
    from tournament.store import Store

    with Store(url) as opened:
        yield opened


def queued_run(store: Any, sub: Any = None, *, round_name: str = "") -> int:
    """A queued run of ``sub`` (default: a digits entry) in ``round_name``, claimed by ``w``."""
    sub_id, _ = store.add_submission(sub or submission(), round_name=round_name)
    (run_id,) = store.queue_runs("single-stream", RULES, submission_ids=[sub_id])
    assert store.claim_run(run_id, "w")
    return int(run_id)


def table_counts(store: Any) -> dict[str, int]:
    """Rows per table."""
    return dict(store.counts())


def submission(**overrides: Any) -> Any:
    """A valid digits-cnn submission (a :class:`~tournament.schema.Submission`)."""
    from tournament.schema import Submission

    fields: dict[str, Any] = {
        "team": "team-a",
        "name": "entry-1",
        "workload": "digits-cnn",
        "variant": "small",
        "runtime": "onnxruntime",
        "quantization": "fp32",
        "batch_size": 1,
        "machine": "local",
    }
    fields.update(overrides)
    return Submission(**fields)
