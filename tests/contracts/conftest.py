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
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tournament.plugins import Registry

TESTS = Path(__file__).parents[1]
PLUGINS = TESTS / "plugins"
PG_ENV = "TOURNEY_TEST_PG_URL"


def implementations(
    registry: Registry[Any], *, slow: Iterable[str] = (), why_slow: str = ""
) -> list[Any]:
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


def pg_admin_url() -> str:
    """The PostgreSQL server of ``TOURNEY_TEST_PG_URL``; skips the test when there is none."""
    url = os.environ.get(PG_ENV, "")
    if not url.startswith("postgresql"):
        pytest.skip(f"no PostgreSQL: set {PG_ENV} to a server's admin URL (source /tmp/pg_env.sh)")
    return url


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    """``template(kind)``: a migrated empty database that fresh ones are copied from (opening
    a new database migrates it, ~0.5 s; a copy of a migrated one opens in ~0.05 s)."""
    from tournament.store import Store

    made: dict[str, str] = {}
    engines: list[Any] = []

    def template(kind: str) -> str:
        if kind not in made:
            made[kind] = _template(kind, tmp_path_factory, engines)
            Store(_url_of(kind, made[kind])).close()
        return made[kind]

    yield template
    for admin, name in engines:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _template(kind: str, factory: pytest.TempPathFactory, engines: list[Any]) -> str:
    if kind == "sqlite":
        return str(factory.mktemp("template") / "template.db")
    from sqlalchemy import create_engine

    admin = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    name = f"tourney_contract_template_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engines.append((admin, name))
    return name


def _url_of(kind: str, database: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{database}"
    from sqlalchemy.engine import make_url

    return make_url(pg_admin_url()).set(database=database).render_as_string(hide_password=False)


@pytest.fixture
def fresh_database(
    tmp_path: Path, _templates: Callable[[str], str]
) -> Iterator[Callable[[str], str]]:
    """``make(kind)``: the URL of a new database of ``kind`` (sqlite or postgresql) holding
    Tourney's schema at head and no rows.

    PostgreSQL databases are made on the server of ``TOURNEY_TEST_PG_URL`` (the test is skipped
    without one) and dropped after the test.
    """
    from sqlalchemy import create_engine

    created: list[tuple[Any, str]] = []

    def make(kind: str) -> str:
        assert kind in ("sqlite", "postgresql"), kind
        template = _templates(kind)
        if kind == "sqlite":
            path = tmp_path / f"tourney-{uuid.uuid4().hex[:8]}.db"
            shutil.copyfile(template, path)
            return _url_of(kind, str(path))
        admin = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
        name = f"tourney_contract_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        created.append((admin, name))
        return _url_of(kind, name)

    yield make
    for admin, name in created:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


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
