"""Optuna studies stored in the same database, read through a read-only ``RDBStorage``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect

from tournament.errors import UserError
from tournament.store.engine import is_sqlite, make_engine, sqlite_path

if TYPE_CHECKING:
    from optuna.storages import RDBStorage
    from optuna.trial import FrozenTrial

_PG_READ_ONLY = {"connect_args": {"options": "-c default_transaction_read_only=on"}}


@dataclass(frozen=True)
class TrialData:
    """One trial: its objective values (None unless complete), parameters and feasibility."""

    number: int
    state: str
    values: tuple[float, ...] | None
    params: dict[str, Any]
    feasible: bool
    user_attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StudyData:
    """One study: objective directions (``"min"``/``"max"``), names and trials by number."""

    name: str
    directions: tuple[str, ...]
    metric_names: tuple[str, ...]
    trials: tuple[TrialData, ...]


def has_studies(url: str) -> bool:
    """Whether the database holds Optuna's tables (a search has run against it)."""
    engine = make_engine(url, read_only=True)
    try:
        return inspect(engine).has_table("studies")
    finally:
        engine.dispose()


def study_names(url: str) -> list[str]:
    """Names of the studies in the database, sorted; empty when no search has run."""
    if not has_studies(url):
        return []
    storage = read_only_storage(url)
    try:
        return sorted(study.study_name for study in storage.get_all_studies())
    finally:
        storage.engine.dispose()


def load_study(url: str, name: str) -> StudyData:
    """Study ``name`` with every trial.

    Raises:
        UserError: there is no study of this name.
    """
    storage = read_only_storage(url)
    try:
        studies = {s.study_name: s for s in storage.get_all_studies()}
        if name not in studies:
            raise UserError(f"study {name!r} does not exist in this database.")
        study = studies[name]
        trials = storage.get_all_trials(study._study_id, deepcopy=False)
    finally:
        storage.engine.dispose()
    directions = tuple("max" if d.name == "MAXIMIZE" else "min" for d in study.directions)
    names = _objective_names(study.user_attrs, study.system_attrs, len(directions))
    return StudyData(name, directions, names, tuple(_trial(t) for t in trials))


def _objective_names(
    user_attrs: dict[str, Any], system_attrs: dict[str, Any], count: int
) -> tuple[str, ...]:
    """The objectives' names: Optuna's metric names, else those ``tourney search`` stores in
    the study's ``tourney`` attribute (``settings.objectives``), else ``objective i``."""
    settings = (user_attrs.get("tourney") or {}).get("settings") or {}
    for names in (system_attrs.get("study:metric_names"), settings.get("objectives")):
        if isinstance(names, list | tuple) and len(names) == count:
            return tuple(str(n) for n in names)
    return tuple(f"objective {i}" for i in range(count))


def read_only_storage(url: str) -> RDBStorage:
    """An Optuna storage on ``url`` that creates nothing and whose writes fail.

    Raises:
        UserError: the database kind has no read-only mode here (SQLite, PostgreSQL only).
    """
    from optuna.storages import RDBStorage

    if is_sqlite(url):
        path = sqlite_path(url)
        if path is None:
            raise UserError("the Search page reads an SQLite file, not an in-memory database.")
        ro_url = f"sqlite:///file:{path.resolve()}?mode=ro&uri=true"
        return RDBStorage(ro_url, skip_table_creation=True)
    if url.startswith("postgresql"):
        return RDBStorage(url, engine_kwargs=_PG_READ_ONLY, skip_table_creation=True)
    raise UserError("the Search page reads studies from SQLite or PostgreSQL databases only.")


def _trial(trial: FrozenTrial) -> TrialData:
    values = tuple(trial.values) if trial.values is not None else None
    return TrialData(
        number=trial.number,
        state=trial.state.name.lower(),
        values=values,
        params=dict(trial.params),
        feasible=all(v <= 0.0 for v in _constraints(trial.system_attrs)),
        user_attrs=dict(trial.user_attrs),
    )


def _constraints(system_attrs: dict[str, Any]) -> list[float]:
    """Constraint values in both of Optuna's formats (a list, or one ``constraints:`` key each)."""
    values = [float(v) for v in system_attrs.get("constraints") or []]
    values += [float(v) for k, v in system_attrs.items() if k.startswith("constraints:")]
    return values
