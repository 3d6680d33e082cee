"""The sampler contract (``tournament/search/samplers.py``) on every registered sampler.

Each sampler drives a small real Optuna study (in memory) over a conditional, two-objective
space like the search's.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from typing import Any

import pytest

from tournament.search.samplers import SAMPLERS, Sampler

from .conftest import implementations

SAMPLER_NAMES = implementations(SAMPLERS)
TRIALS = 6


@pytest.fixture(params=SAMPLER_NAMES)
def sampler(request: pytest.FixtureRequest) -> Sampler:
    return SAMPLERS.get(str(request.param))


def _objective(trial: Any) -> tuple[float, float]:
    runtime = trial.suggest_categorical("runtime", ["torch", "onnxruntime"])
    threads = trial.suggest_int("threads", 1, 4) if runtime == "onnxruntime" else 1
    batch = trial.suggest_categorical("batch_size", [1, 2, 4, 8])
    return 1.0 / (threads * batch), float(batch) + (runtime == "torch")


def _proposals(sampler: Sampler, seed: int | None, enqueued: list[dict[str, Any]]) -> list[Any]:
    import optuna
    from optuna.exceptions import ExperimentalWarning

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        made = sampler.create(seed=seed, trials=TRIALS)
        study = optuna.create_study(directions=["minimize", "minimize"], sampler=made)
        for params in enqueued:
            study.enqueue_trial(params)
        study.optimize(_objective, n_trials=TRIALS)
    return [trial.params for trial in study.trials]


def test_class_attributes(sampler: Sampler) -> None:
    assert sampler.name in SAMPLERS.names()
    assert isinstance(sampler.description, str) and sampler.description.strip()
    assert isinstance(sampler.enumerates, bool)


def test_create_returns_a_fresh_optuna_sampler(sampler: Sampler) -> None:
    from optuna.exceptions import ExperimentalWarning
    from optuna.samplers import BaseSampler

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        first = sampler.create(seed=1, trials=TRIALS)
        second = sampler.create(seed=1, trials=TRIALS)
    assert isinstance(first, BaseSampler) and isinstance(second, BaseSampler)
    assert first is not second


def test_the_same_seed_proposes_the_same_configurations(sampler: Sampler) -> None:
    enqueued = _grid() if sampler.enumerates else []
    first = _proposals(sampler, 7, enqueued)
    assert len(first) == TRIALS
    assert _proposals(sampler, 7, enqueued) == first
    _proposals(sampler, None, enqueued)  # unseeded works too


def _grid() -> list[dict[str, Any]]:
    return [{"runtime": "torch", "batch_size": b} for b in (1, 2, 4, 8)] + [
        {"runtime": "onnxruntime", "threads": t, "batch_size": 1} for t in (1, 2)
    ]


def test_an_enumerating_sampler_serves_the_enqueued_trials(sampler: Sampler) -> None:
    if not sampler.enumerates:
        pytest.skip("this sampler proposes configurations itself")
    assert _proposals(sampler, 3, _grid()) == _grid()


def test_listing_and_getting_samplers_does_not_import_optuna() -> None:
    """``create`` imports Optuna itself: the sampler classes do not."""
    code = (
        "import json, sys\n"
        "from tournament.search.samplers import SAMPLERS\n"
        "made = [SAMPLERS.get(name) for name in SAMPLERS.names()]\n"
        "print(json.dumps({'imported': 'optuna' in sys.modules, 'names': SAMPLERS.names()}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found["names"] == SAMPLERS.names()
    assert found["imported"] is False, "a sampler class imports optuna at import time"
