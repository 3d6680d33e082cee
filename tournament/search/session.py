"""``tourney search``: one session of a study, from settings to report; and its status.

A session opens the store and the study (same database), takes the study's lease, resumes
trials a killed driver left running, runs the ask/tell loop until the budget, promotes the most
promising trials to full rules, and returns the report (optionally exporting the bests).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tournament.runner.base import Backend
from tournament.search import halving, lease
from tournament.search.derive import build_space
from tournament.search.export import write_exports
from tournament.search.loop import Progress, SearchLoop
from tournament.search.report import SearchReport, build_report
from tournament.search.restrict import restrict, round_limits
from tournament.search.samplers import SAMPLERS, make_sampler
from tournament.search.settings import RunOptions, SearchSettings, check_study_name
from tournament.search.space import SearchSpace
from tournament.search.storage import load_study, open_study
from tournament.search.store_evaluator import StoreEvaluator
from tournament.store.contract import StoreReader, StoreWriter

Note = Callable[[str], None]


class SearchInterrupted(Exception):
    """The user stopped the search; trials in flight stay RUNNING and are resumed next time."""


def run_search(
    settings: SearchSettings,
    options: RunOptions,
    *,
    study_name: str | None = None,
    url: str | None = None,
    progress: Progress | None = None,
    note: Note | None = None,
    backend_obj: Backend | None = None,
) -> SearchReport:
    """Run (or resume, or extend) a study and return its report.

    Raises:
        UserError: invalid settings, an unknown machine, a cost objective on a machine without
            its price, or a study of this name with other settings.
        StateError: another driver is searching this study.
        SearchInterrupted: the user pressed Ctrl-C (the study can be resumed).
    """
    import optuna

    from tournament.runner.session import machine_specs
    from tournament.store import Store

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    note = note or (lambda text: None)
    with Store(url) as store:
        settings = with_round(store, settings)
        specs = machine_specs(store, set(settings.machines))
        space = build_space(settings.workload, specs, settings.space, scenario=settings.scenario)
        name = check_study_name(study_name or settings.default_study_name())
        sampler = make_sampler(options.sampler, seed=options.seed, trials=options.trials)
        settings.check_prices(specs, space.providers)
        study, created = open_study(store.url, name, settings, space, sampler)
        note(
            f"study {name} {'created' if created else 'resumed'} in {store.url} "
            f"({space.size()} configurations in the space)"
        )
        me = lease.acquire(store, name)
        try:
            return _session(
                store,
                study,
                settings,
                space,
                options,
                me,
                progress=progress,
                note=note,
                backend_obj=backend_obj,
            )
        finally:
            lease.release(store, name, me)


def with_round(store: StoreReader, settings: SearchSettings) -> SearchSettings:
    """``settings`` restricted by their round's limits; the round's rules for the scenario
    (first seed) become the full rules."""
    if not settings.round_name:
        return settings
    limits = round_limits(store, settings.round_name, settings.workload, settings.scenario)
    space = restrict(
        settings.space, limits, settings.workload, settings.machines, settings.scenario
    )
    update: dict[str, Any] = {"space": space}
    if limits.rules is not None and settings.full_rules is not None:
        update["full_rules"] = limits.rules
    return SearchSettings.model_validate({**settings.model_dump(mode="json"), **update})


def _session(
    store: StoreWriter,
    study: Any,
    settings: SearchSettings,
    space: SearchSpace,
    options: RunOptions,
    me: str,
    *,
    progress: Progress | None,
    note: Note,
    backend_obj: Backend | None,
) -> SearchReport:
    from tournament.runner.session import make_backend

    backend = backend_obj or make_backend(
        options.backend, options.ray_address, set(settings.machines)
    )
    try:
        screening = _evaluator(
            store,
            backend,
            study.study_name,
            settings,
            settings.screening_rules,
            halving.SCREENING,
            options,
        )

        def on_event(event: str, number: int, text: str) -> None:
            if event == "told":
                lease.renew(store, study.study_name, me)
            if progress is not None:
                progress(event, number, text)

        parallel = options.parallel or max(1, len(set(settings.machines) & backend.machines()))
        loop = SearchLoop(
            study,
            space,
            screening,
            objectives=settings.objectives,
            min_quality_ratio=settings.min_quality_ratio,
            grid=SAMPLERS.get(options.sampler).enumerates,
            grid_seed=options.seed,
            progress=on_event,
        )
        result = loop.run(options.trials, parallel)
        if result.stop_reason == "interrupted":
            raise SearchInterrupted()
        promoted = _promote(store, backend, study, settings, space, options, note)
    finally:
        if backend_obj is None:
            backend.close()
    report = study_report(store, study, settings, space)
    report.stop_reason, report.promoted = result.stop_reason, promoted
    if options.export_dir is not None and report.best:
        paths = write_exports(report, options.export_dir, options.export_team)
        note(f"wrote {len(paths)} submission files to {options.export_dir}")
    return report


def _evaluator(
    store: StoreWriter,
    backend: Backend,
    study_name: str,
    settings: SearchSettings,
    rules: dict[str, Any],
    label: str,
    options: RunOptions,
) -> StoreEvaluator:
    return StoreEvaluator(
        store,
        backend,
        study_name=study_name,
        scenario=settings.scenario,
        rules=rules,
        label=label,
        target_ratio=settings.min_quality_ratio,
        round_name=settings.round_name,
        machine_wait_s=options.machine_wait_s,
    )


def _promote(
    store: StoreWriter,
    backend: Backend,
    study: Any,
    settings: SearchSettings,
    space: SearchSpace,
    options: RunOptions,
    note: Note,
) -> list[int]:
    if settings.full_rules is None or not options.promote:
        return []
    report = study_report(store, study, settings, space)
    count = halving.promotion_count(report.evaluated, options.eta)
    chosen = [t for t in halving.select(report.feasible, settings, count) if t.full is None]
    if not chosen:
        return []
    note(
        f"full rules for {len(chosen)} promising trials: {', '.join(str(t.number) for t in chosen)}"
    )
    full = _evaluator(
        store, backend, study.study_name, settings, settings.full_rules, halving.FULL, options
    )
    if halving.promote(full, chosen).interrupted:
        raise SearchInterrupted()
    return [t.number for t in chosen]


def study_report(
    store: StoreWriter, study: Any, settings: SearchSettings, space: SearchSpace
) -> SearchReport:
    """The report of ``study`` with its full-rule results from ``store``."""
    ids = {
        t.user_attrs["submission_id"]
        for t in study.get_trials(deepcopy=False)
        if "submission_id" in t.user_attrs
    }
    full = halving.full_results(store, settings, ids)
    return build_report(study, settings, space.size(), full)


def search_status(name: str, url: str | None = None) -> SearchReport:
    """The report of study ``name`` so far (reads only).

    Raises:
        NotFoundError: no study of this name made by ``tourney search``.
    """
    import optuna

    from tournament.store import Store

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with Store(url) as store:
        study, settings, space = load_study(store.url, name)
        return study_report(store, study, settings, space)
