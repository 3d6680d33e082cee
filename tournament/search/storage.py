"""Studies live in the store's database, in Optuna's own tables (RDB storage on the same URL).

Our Alembic version table is ``tourney_alembic_version`` and Optuna's is ``alembic_version``, so
both schemas migrate independently in one database. The study's :class:`SearchSettings` and
resolved :class:`SearchSpace` are kept in the study user attribute ``tourney``, so that
``tourney search status`` and a resumed search need nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tournament.errors import NotFoundError, UserError
from tournament.search.settings import SearchSettings
from tournament.search.space import SearchSpace

if TYPE_CHECKING:
    import optuna

STUDY_ATTR = "tourney"
FORMAT = 1


def storage(url: str) -> optuna.storages.RDBStorage:
    """Optuna's RDB storage on ``url`` (SQLite waits up to 30 s for a busy database)."""
    import optuna

    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    return optuna.storages.RDBStorage(url, engine_kwargs=kwargs)


def open_study(
    url: str,
    name: str,
    settings: SearchSettings,
    space: SearchSpace,
    sampler: optuna.samplers.BaseSampler,
) -> tuple[optuna.Study, bool]:
    """Create study ``name``, or load it if it exists with the same settings and space.

    Returns:
        ``(study, created)``.

    Raises:
        UserError: a study of this name exists with other settings or another space.
    """
    import optuna

    directions = [
        optuna.study.StudyDirection[o.direction.upper()] for o in settings.objective_list()
    ]
    study = optuna.create_study(
        storage=storage(url),
        study_name=name,
        sampler=sampler,
        directions=directions,
        load_if_exists=True,
    )
    stored = study.user_attrs.get(STUDY_ATTR)
    if stored is None:
        study.set_user_attr(STUDY_ATTR, _attr(settings, space))
        return study, True
    _same(name, stored, settings, space)
    return study, False


def study_directions(objectives: tuple[str, ...]) -> list[optuna.study.StudyDirection]:
    """Optuna's directions of ``objectives``, in order."""
    import optuna

    from tournament.search.objectives import parse_objectives

    return [optuna.study.StudyDirection[o.direction.upper()] for o in parse_objectives(objectives)]


def load_study(url: str, name: str) -> tuple[optuna.Study, SearchSettings, SearchSpace]:
    """An existing study with its settings and space.

    Raises:
        NotFoundError: no study of this name, or one not made by ``tourney search``.
    """
    import optuna

    store = storage(url)
    names = optuna.study.get_all_study_names(storage=store)
    if name not in names:
        raise NotFoundError(
            f"study: {name!r} does not exist; known studies: "
            f"{', '.join(sorted(names)) or '(none)'}."
        )
    study = optuna.load_study(study_name=name, storage=store)
    stored = study.user_attrs.get(STUDY_ATTR)
    if not isinstance(stored, dict):
        raise NotFoundError(f"study: {name!r} was not made by `tourney search`.")
    settings = SearchSettings.model_validate(stored["settings"])
    return study, settings, SearchSpace.model_validate(stored["space"])


def _attr(settings: SearchSettings, space: SearchSpace) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "settings": settings.model_dump(mode="json"),
        "space": space.model_dump(mode="json"),
    }


def _same(name: str, stored: dict[str, Any], settings: SearchSettings, space: SearchSpace) -> None:
    old = SearchSettings.model_validate(stored["settings"])
    if old != settings:
        changed = [
            key
            for key in SearchSettings.model_fields
            if getattr(old, key) != getattr(settings, key)
        ]
        raise UserError(
            f"study: {name!r} exists with other settings ({', '.join(changed)}); "
            "repeat its settings to resume it, or choose a new --study name."
        )
    if SearchSpace.model_validate(stored["space"]) != space:
        raise UserError(
            f"study: {name!r} was made on another search space (the registries "
            "or the machines changed); choose a new --study name."
        )
