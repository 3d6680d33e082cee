"""Fixtures of the leaderboard tests: a database seeded through the real Store API.

Every figure stored here is made-up TEST DATA (built from formulas below), never a measurement.
It is written the way the driver writes: submissions, queued runs claimed and recorded as priced
:class:`~tournament.results.Result` objects (``store.record_result``), machines, rounds with a
ranking, a reproduction, and a real Optuna study in the same database.
"""

from __future__ import annotations

import sqlite3
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tournament.cost import priced
from tournament.harness.base import Rules
from tournament.harness.early_stopping import insufficiency
from tournament.results import Artifact, Estimate, Pricing, Provenance, Quality, Result
from tournament.rounds.lifecycle import close_round, create_round, open_round
from tournament.rounds.spec import RoundSpec
from tournament.schema import Submission
from tournament.schema.submission import Quantization
from tournament.store import ResultRecord, Store
from tournament.store.readonly import ReadOnlyStore

if TYPE_CHECKING:
    import pandas as pd

TEST_NOTE = "test data, not a measurement"
RULES = {"min_queries": 200, "min_duration_s": 0.5}
STUDY = "search-digits"


@dataclass(frozen=True)
class Seeded:
    """The seeded database and what was put in it."""

    url: str
    path: Path
    result_ids: list[int]
    reproduced_id: int


def result(
    p50_ms: float,
    *,
    scenario: str = "single-stream",
    batch_size: int = 1,
    quality: float = 0.98,
    reference: float = 0.984,
    power_source: str | None = "estimate-tdp",
) -> Result:
    """A made-up result whose figures follow from ``p50_ms`` (test data), before pricing."""
    latencies = tuple(p50_ms * (0.9 + 0.001 * i) for i in range(200))
    duration = sum(latencies) / 1000
    tput = 1000 * batch_size / p50_ms

    def ms(value: float, low: float, high: float) -> Estimate:
        return Estimate(value, low, high, unit="ms")

    figures = {
        "latency_p50_ms": ms(p50_ms, p50_ms * 0.98, p50_ms * 1.02),
        "latency_p90_ms": ms(p50_ms * 1.05, p50_ms * 1.03, p50_ms * 1.07),
        "latency_p99_ms": ms(p50_ms * 1.09, p50_ms * 1.08, p50_ms * 1.1),
        "latency_mean_ms": ms(p50_ms, p50_ms * 0.99, p50_ms * 1.01),
        "throughput_sps": Estimate(tput, 0.99 * tput, 1.01 * tput, unit="samples/s"),
        "quality_ratio": Estimate(quality / reference, unit="ratio"),
        "gflops_per_s": Estimate(0.17 / p50_ms, unit="GFLOP/s", provenance=Provenance.DERIVED),
        "model_size_mb": Estimate(0.04, unit="MiB"),
        "peak_rss_mb": Estimate(300.0, unit="MiB"),
    }
    if power_source:
        energy = 3.0 * duration
        estimated = {"provenance": Provenance.ESTIMATED, "method": f"{power_source} (test data)"}
        figures |= {
            "energy_j": Estimate(energy, unit="J", **estimated),
            "energy_j_per_query": Estimate(energy / len(latencies), unit="J", **estimated),
            "energy_j_per_sample": Estimate(
                energy / len(latencies) / batch_size, unit="J", **estimated
            ),
            "avg_power_w": Estimate(3.0, unit="W", **estimated),
        }
    return Result(
        scenario=scenario,
        rules=RULES,
        batch_size=batch_size,
        queries=len(latencies),
        samples=len(latencies) * batch_size,
        duration_s=duration,
        min_rules_met=True,
        quality=Quality(quality, "top1_accuracy", True, reference, 0.99, "top-1 accuracy"),
        figures=figures,
        flops_per_sample=1.7e5,
        artifact=Artifact("ab" * 32, 41943, {"format": "onnx", "note": TEST_NOTE}),
        environment={"note": TEST_NOTE, "python": "3.11", "packages": {"torch": "2.13.0"}},
        power_source=power_source,
        latencies_ms=latencies,
        power_trace=((0.0, 3.0), (0.1, 3.2), (0.2, 2.9)) if power_source else (),
        extra={"note": TEST_NOTE},
    )


# (team, name, runtime, quantization, batch, machine, p50 ms, quality, round, scenario)
ENTRIES: list[tuple[str, str, str, str, int, str, float, float, str, str]] = [
    ("alpha", "ort-fp32", "onnxruntime", "fp32", 1, "local", 0.020, 0.980, "r1", "single-stream"),
    (
        "alpha",
        "ort-int8",
        "onnxruntime",
        "int8-dynamic",
        1,
        "local",
        0.012,
        0.979,
        "r1",
        "single-stream",
    ),
    (
        "alpha",
        "ort-int8s",
        "onnxruntime",
        "int8-static",
        1,
        "local",
        0.010,
        0.950,
        "r1",
        "single-stream",
    ),
    ("beta", "torch-fp32", "torch", "fp32", 1, "local", 0.110, 0.980, "r1", "single-stream"),
    (
        "beta",
        "torch-int8",
        "torch",
        "int8-dynamic",
        1,
        "local",
        0.090,
        0.977,
        "r1",
        "single-stream",
    ),
    ("beta", "torch-fp32-b8", "torch", "fp32", 8, "local", 0.300, 0.980, "r1", "single-stream"),
    (
        "gamma",
        "ort-cloud",
        "onnxruntime",
        "fp32",
        1,
        "cloud-a",
        0.015,
        0.980,
        "r1",
        "single-stream",
    ),
    ("gamma", "ort-cloud-b8", "onnxruntime", "fp32", 8, "cloud-a", 0.050, 0.980, "r1", "offline"),
    (
        "alpha",
        "ort-fp32-r2",
        "onnxruntime",
        "fp32",
        1,
        "local",
        0.0198,
        0.980,
        "r2",
        "single-stream",
    ),
    ("beta", "torch-fp16-r2", "torch", "fp16", 1, "local", 0.400, 0.981, "r2", "single-stream"),
]


def round_spec(name: str) -> RoundSpec:
    """A round of both workloads on both test machines, single-stream and offline."""
    reference = {
        "latency_p90_ms": 1.0,
        "throughput_sps": 0.0,
        "cost_usd_per_million": 1.0,
        "energy_j_per_query": 0.01,
        "quality_ratio": 0.9,
    }
    rules = {"min_duration_s": 0.5, "min_queries": 100}
    return RoundSpec.model_validate(
        {
            "name": name,
            "description": TEST_NOTE,
            "division": "open",
            "workloads": {
                "digits-cnn": {
                    "target_ratios": {"99": 0.99, "99.9": 0.999},
                    "hypervolume_reference": reference,
                },
                "minilm-embed": {"target_ratios": 0.99},
            },
            "machines": ["local", "cloud-a"],
            "scenarios": {"single-stream": rules, "offline": rules},
        }
    )


def _submission(
    team: str,
    name: str,
    runtime: str,
    quant: str,
    batch: int,
    machine: str,
    workload: str = "digits-cnn",
    variant: str = "small",
) -> Submission:
    return Submission(
        team=team,
        name=name,
        workload=workload,
        variant=variant,
        runtime=runtime,
        quantization=Quantization(quant),
        batch_size=batch,
        machine=machine,
    )


def _measure(store: Store, sub_id: int, r: Result, price: float) -> int:
    """Queue, claim and record one run of ``r``, priced as the driver prices it."""
    (run_id,) = store.queue_runs(r.scenario, RULES, submission_ids=[sub_id])
    assert store.claim_run(run_id, worker="test-seed")
    pricing = Pricing(price, 0.15, 294.4, source=f"test price {price:g} USD/h")
    return store.record_result(run_id, priced(r, pricing))


def seed(url: str) -> Seeded:
    """Fill the database at ``url`` with the test data of this module."""
    prices = {"local": 0.5, "cloud-a": 2.0}
    ids: list[int] = []
    with Store(url) as store:
        for machine, price in prices.items():
            store.upsert_machine(machine, {"id": machine, "note": TEST_NOTE}, price, 0.15)
        for name in ("r1", "r2"):  # the real round life: created, opened; r1 closed below
            create_round(store, round_spec(name))
            open_round(store, name)
        for team, name, rt, q, batch, machine, p50, quality, rnd, scenario in ENTRIES:
            sub_id, _ = store.add_submission(
                _submission(team, name, rt, q, batch, machine), round_name=rnd
            )
            r = result(p50, scenario=scenario, batch_size=batch, quality=quality)
            ids.append(_measure(store, sub_id, r, prices[machine]))
        sub_id, _ = store.add_submission(
            _submission(
                "delta",
                "minilm-ort",
                "onnxruntime",
                "fp32",
                1,
                "local",
                workload="minilm-embed",
                variant="seq32",
            ),
            round_name="r1",
        )
        r = result(6.2, quality=0.9999, reference=1.0, power_source=None)
        ids.append(_measure(store, sub_id, r, 0.5))
        ids.extend(_search_entries(store, url))
        close_round(store, "r1")  # computes and stores the official ranking
        reproduced = ids[0]
        store.add_reproduction(
            reproduced,
            {"latency_p50_ms": {"old": 0.02, "new": 0.021, "agrees": True}, "note": TEST_NOTE},
            agrees=True,
        )
    path = Path(url.removeprefix("sqlite:///"))
    return Seeded(url=url, path=path, result_ids=ids, reproduced_id=reproduced)


def _search_entries(store: Store, url: str) -> list[int]:
    """A real Optuna study of 6 trials in the same database, each entered as a submission."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(study_name=STUDY, storage=url, directions=["minimize", "maximize"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # set_metric_names is marked experimental
        study.set_metric_names(["latency_p99_ms", "throughput_sps"])
    ids = []
    for number, (batch, p50, quality) in enumerate(
        [
            (1, 0.030, 0.980),
            (2, 0.018, 0.980),
            (4, 0.016, 0.940),
            (8, 0.014, 0.979),
            (16, 0.025, 0.980),
            (32, 0.013, 0.978),
        ]
    ):
        study.enqueue_trial({"batch_size": batch})
        trial = study.ask()
        trial.suggest_int("batch_size", 1, 32, log=True)
        feasible = quality >= 0.99 * 0.984
        trial.set_user_attr("note", TEST_NOTE)
        trial.set_constraint("accuracy_gate", 0.0 if feasible else 0.01)
        study.tell(trial, [p50 * 1.09, 1000 / p50])
        sub = _submission("search", f"trial-{number}", "onnxruntime", "fp32", batch, "local")
        sub_id, _ = store.add_submission(
            sub, origin="search", study_name=STUDY, trial_number=trial.number
        )
        r = result(p50, batch_size=batch, quality=quality)
        ids.append(_measure(store, sub_id, r, 0.5))
    return ids


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    """The seeded database, built once per test session; tests must not write to it."""
    path = tmp_path_factory.mktemp("leaderboard-db") / "tourney.db"
    return seed(f"sqlite:///{path}")


@pytest.fixture
def seeded_copy(seeded: Seeded, tmp_path: Path) -> Iterator[Seeded]:
    """A private copy of the seeded database, for tests that write to it."""
    target = tmp_path / "copy" / "tourney.db"
    target.parent.mkdir()
    with sqlite3.connect(seeded.path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    source.close()
    copy.close()
    yield Seeded(f"sqlite:///{target}", target, seeded.result_ids, seeded.reproduced_id)


@pytest.fixture
def use_db(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Point the leaderboard at a database URL (sets ``TOURNEY_DB_URL``)."""

    def use(url: str) -> None:
        monkeypatch.setenv("TOURNEY_DB_URL", url)

    return use


@pytest.fixture(scope="session")
def records(seeded: Seeded) -> dict[int, ResultRecord]:
    """The seeded results as the app loads them: frozen records by id, oldest first."""
    from leaderboard.data.queries import load_records

    with ReadOnlyStore(seeded.url) as store:
        return load_records(store)


@pytest.fixture(scope="session")
def results(records: dict[int, ResultRecord]) -> pd.DataFrame:
    """The seeded results frame as the app loads it."""
    from leaderboard.data.queries import results_frame

    return results_frame(records.values())


@pytest.fixture
def app(use_db: Any) -> Any:
    """Builds an AppTest of the leaderboard on a database URL, run once on its first page."""
    from streamlit.testing.v1 import AppTest

    def make(url: str, page: str | None = None, **query: str) -> AppTest:
        use_db(url)
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.run()
        if page is not None:
            at.query_params.update(query)
            at.switch_page(f"views/{page}.py").run()
        return at

    return make


APP = Path(__file__).resolve().parents[2] / "leaderboard" / "app.py"


# A second seeded database: results of several runs, under two rules sets, with flags. Every
# configuration is digits-cnn small, single-stream, on machine ``local``, outside any round:
# ``alpha/three-runs`` 3 runs (p50 0.020, 0.022, 0.021 ms) under the full rules;
# ``beta/three-runs`` 3 slower runs, full rules; ``gamma/quick`` 1 run under quick rules,
# faster than everything else (it would win any ranking it was allowed into);
# ``delta/contended`` 3 fast runs under the full rules, one contended (others took 80 % of its
# CPUs, the rules allow 50 %); ``epsilon/few-p99`` 3 runs of 200 queries each, so their p99
# lacks the queries MLPerf's early-stopping rule asks for. Made-up TEST DATA, written the way
# the driver writes: runs queued with ``repeats``, claimed and recorded one by one.

FULL = {**RULES, "runs": 3, "max_foreign_cpu_share": 0.5}
QUICK = Rules.quick().model_dump()
FULL_LABEL = "3 runs · min 200 queries · 0.5 s"
QUICK_LABEL = "quick rules (1 run · min 64 queries · 0.2 s · contention not judged)"
ALPHA_P50 = (0.020, 0.022, 0.021)


@dataclass(frozen=True)
class SeededRuns:
    """The database and each configuration's stored run ids, oldest first."""

    url: str
    runs: dict[str, list[int]]


def _run(p50: float, rules: dict[str, object], *, share: float | None = None) -> Result:
    r = result(p50)
    extra = {"note": TEST_NOTE}
    if share is not None:
        extra["contention"] = {"measured": True, "foreign_cpu_share": share}
    return replace(r, rules=rules, extra=extra)


def _few_p99(p50: float) -> Result:
    r = _run(p50, FULL)
    p99 = r.figures["latency_p99_ms"].with_(insufficient=insufficiency(r.queries, 99))
    return r.with_figures({"latency_p99_ms": p99})


def _configurations() -> dict[tuple[str, str, str, str], list[Result]]:
    """(team, name, runtime, quantization) -> the results of its runs."""
    return {
        ("alpha", "three-runs", "onnxruntime", "fp32"): [_run(p, FULL) for p in ALPHA_P50],
        ("beta", "three-runs", "torch", "fp32"): [_run(p, FULL) for p in (0.030, 0.031, 0.029)],
        ("gamma", "quick", "onnxruntime", "int8-dynamic"): [_run(0.010, QUICK)],
        ("delta", "contended", "onnxruntime", "int8-static"): [
            _run(0.015, FULL, share=0.05),
            _run(0.015, FULL, share=0.8),
            _run(0.016, FULL, share=0.1),
        ],
        ("epsilon", "few-p99", "torch", "int8-dynamic"): [
            _few_p99(p) for p in (0.025, 0.026, 0.024)
        ],
    }


def seed_runs(url: str) -> SeededRuns:
    """Fill the database at ``url`` with the configurations of the module docstring."""
    pricing = Pricing(0.5, 0.15, 294.4, source="test price 0.5 USD/h")
    runs: dict[str, list[int]] = {}
    with Store(url) as store:
        store.upsert_machine("local", {"id": "local", "note": TEST_NOTE}, 0.5, 0.15)
        for (team, name, runtime, quant), results in _configurations().items():
            sub = _submission(team, name, runtime, quant, 1, "local")
            sub_id, _ = store.add_submission(sub)
            rules = dict(results[0].rules)
            run_ids = store.queue_runs(
                "single-stream", rules, submission_ids=[sub_id], repeats=len(results)
            )
            ids = []
            for run_id, r in zip(run_ids, results, strict=True):
                assert store.claim_run(run_id, worker="test-seed")
                ids.append(store.record_result(run_id, priced(r, pricing)))
            runs[f"{team}/{name}"] = ids
    return SeededRuns(url, runs)


@pytest.fixture(scope="session")
def seeded_runs(tmp_path_factory: pytest.TempPathFactory) -> SeededRuns:
    """The database of results of several runs, built once per session; read-only for tests."""
    path = tmp_path_factory.mktemp("leaderboard-runs-db") / "tourney.db"
    return seed_runs(f"sqlite:///{path}")
