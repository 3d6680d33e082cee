"""The runtime contract (``tournament/runtimes/base.py``) on every registered runtime.

Written once and parametrized over every name of the ``tourney.runtimes`` registry (built-ins,
installed plugins) and every quantization each declares, on tiny real models
(:mod:`runtime_workloads`): nothing is mocked. What is checked, promise by promise:

* (``check`` and refusals: ``test_runtime_check_contract``; the cases: :mod:`runtime_cases`)
* ``prepare`` runs every combination ``check`` accepts;
* ``prepare`` is deterministic, keeps its artifact under ``cache_dir`` keyed by content, and a
  second ``prepare`` is a cache hit with the same ``artifact_sha256``, which hashes the bytes
  of the artifact; ``details`` are plain JSON and say how the artifact was made;
* the predictor honours ``intra_op_threads``, returns float32 outputs with its input's batch
  size that match fp32 PyTorch within the format's tolerance, and ``close()`` releases it.

Conventions the suite relies on, named once: a cache hit is recorded as
``details["cache"]["hit"]`` (what the caching built-ins write); how to read a runtime's
artifact and thread count back is per runtime (:data:`ARTIFACT_READERS`,
:data:`THREAD_OBSERVERS`): a runtime missing there is skipped by those two tests, with a
sentence saying so, rather than checked by a fake. Known violations are listed, with the
reason, in :data:`VIOLATIONS` (strict xfail: a fix makes them fail until removed).
"""

from __future__ import annotations

import importlib.metadata
import json
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from tournament import runtimes
from tournament.errors import UserError
from tournament.runtimes.base import Prepared
from tournament.schema import (
    QuantizationOptions,
)
from tournament.workloads.base import Feed, Workload

from .runtime_cases import (
    CACHE_HIT,
    CASES,
    SHA256,
    THREADS,
    Case,
    Combination,
    Lab,
    known_violations,
    one_at_a_time,
)
from .runtime_readers import ARTIFACT_READERS, THREAD_OBSERVERS
from .runtime_workloads import (
    VARIANT,
    TinyCNN,
    TinyCNNReseeded,
    TinyEmbed,
    reference_output,
    relative_error,
)


@pytest.fixture(autouse=True)
def _known_violations(request: pytest.FixtureRequest) -> None:
    """Strict xfail for the pairs of :data:`~runtime_cases.VIOLATIONS`."""
    known_violations(request)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    made = Lab(tmp_path_factory)
    yield made
    made.close_all()


# -- prepare: accepts, deterministic, cached, hashed, described --------------------------------


@pytest.mark.parametrize("case", CASES)
def test_prepare_accepts_what_check_accepts(case: Case, lab: Lab) -> None:
    """The case's quantization with each option changed alone, wherever check accepts it."""
    runtime = runtimes.get(case.runtime)
    feed = TinyCNN().sample_inputs(VARIANT, 2)
    accepted = [c for c in one_at_a_time(runtime, case) if not c.check(runtime)]
    assert Combination(case.quantization, dict(case.needs), {}) in accepted
    for combo in accepted:
        prepared = runtime.prepare(
            TinyCNN(),
            VARIANT,
            combo.quantization,
            runtime.options_model(**combo.options),
            QuantizationOptions(**combo.quantization_options),
            str(lab.shared),
        )
        try:
            assert prepared.predictor.predict(feed).shape[0] == 2, str(combo)
        finally:
            prepared.predictor.close()


@pytest.mark.parametrize("case", CASES)
def test_prepare_is_deterministic(case: Case, lab: Lab) -> None:
    """Two builds into two empty caches (one process): the same artifact."""
    built = lab.build(case)
    assert built.rebuilt.artifact_sha256 == built.first.artifact_sha256
    assert built.rebuilt.artifact_bytes == built.first.artifact_bytes


@pytest.mark.parametrize("case", CASES)
def test_a_rebuilt_artifact_predicts_the_same(case: Case, lab: Lab) -> None:
    built = lab.build(case)
    feed = TinyCNN().sample_inputs(VARIANT, 3)
    np.testing.assert_array_equal(
        built.rebuilt.predictor.predict(feed), built.first.predictor.predict(feed)
    )


@pytest.mark.parametrize("case", CASES)
def test_prepare_keeps_its_artifact_under_cache_dir(case: Case, lab: Lab) -> None:
    built = lab.build(case)
    files = [p for p in built.cache.rglob("*") if p.is_file()]
    if not runtimes.get(case.runtime).caches_artifacts:  # prepares in memory: writes nothing
        assert not files, f"{case.runtime!r} says it caches nothing but wrote {files}"
        return
    assert files, f"prepare of {case.runtime!r} wrote nothing under cache_dir"
    assert all(p.stat().st_size > 0 for p in files)


@pytest.mark.parametrize("case", CASES)
def test_second_prepare_is_a_cache_hit(case: Case, lab: Lab) -> None:
    built = lab.build(case)
    assert built.second.artifact_sha256 == built.first.artifact_sha256
    assert built.second.artifact_bytes == built.first.artifact_bytes
    if not runtimes.get(case.runtime).caches_artifacts:
        return  # nothing cached: the same sha256 from a rebuild is the promise
    cache = built.first.details.get("cache")
    assert isinstance(cache, dict) and "hit" in cache, f"no {CACHE_HIT} in {built.first.details}"
    assert cache["hit"] is False, "the first prepare into an empty cache_dir was a hit"
    assert built.second.details["cache"]["hit"] is True
    assert built.rebuilt.details["cache"]["hit"] is False


@pytest.mark.parametrize("case", CASES)
def test_artifact_sha256_hashes_the_artifact_bytes(case: Case, lab: Lab) -> None:
    built = lab.build(case)
    assert SHA256.match(built.first.artifact_sha256), built.first.artifact_sha256
    assert isinstance(built.first.artifact_bytes, int) and built.first.artifact_bytes > 0
    reader = ARTIFACT_READERS.get(case.runtime)
    if reader is None:
        pytest.skip(f"no known way to read the artifact of runtime {case.runtime!r} back")
    sha, size = reader(built.first, built.cache)
    assert built.first.artifact_sha256 == sha
    assert built.first.artifact_bytes == size


@pytest.mark.parametrize("case", CASES)
def test_artifact_sha256_changes_with_the_weights(case: Case, lab: Lab) -> None:
    """Other weights under the same workload name and variant: another artifact, not the
    cached one (its outputs are its own model's)."""
    built = lab.build(case)
    reseeded = TinyCNNReseeded()
    prepared = lab.prepare(case, reseeded, cache=built.cache)
    assert prepared.artifact_sha256 != built.first.artifact_sha256
    feed = reseeded.sample_inputs(VARIANT, 3)
    error = relative_error(
        prepared.predictor.predict(feed), reference_output(reseeded, VARIANT, feed)
    )
    assert error <= case.tolerance()


@pytest.mark.parametrize("case", CASES)
def test_details_are_json_and_say_how_the_artifact_was_made(case: Case, lab: Lab) -> None:
    runtime = runtimes.get(case.runtime)
    details = lab.build(case).first.details
    assert json.loads(json.dumps(details)) == details  # no default=: plain JSON, no tuples
    assert details.get("runtime") == case.runtime
    assert isinstance(details.get("artifact"), str) and details["artifact"], (
        "details['artifact'] should say what artifact_sha256 covers"
    )
    if len(runtime.quantizations) > 1:
        assert details.get("quantization") == case.quantization.value
    versions = {k: v for k, v in details.items() if isinstance(v, str) and _is_version_of(k, v)}
    assert versions, f"details record no library version: {sorted(details)}"


def _is_version_of(distribution: str, value: str) -> bool:
    try:
        installed = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return value.startswith(installed) or installed.startswith(value)


def _observer(case: Case) -> Callable[[Prepared, Feed], int]:
    observer = THREAD_OBSERVERS.get(case.runtime)
    if observer is None:
        pytest.skip(f"no known way to observe the threads of runtime {case.runtime!r}")
    return observer


@pytest.mark.parametrize("case", CASES)
def test_predictor_honours_intra_op_threads(case: Case, lab: Lab) -> None:
    observe = _observer(case)
    feed = TinyCNN().sample_inputs(VARIANT, 2)
    for threads in THREADS:
        prepared = lab.prepare(case, intra_op_threads=threads)
        try:
            assert observe(prepared, feed) == threads, f"asked for {threads}"
        finally:
            lab.close(prepared)


@pytest.mark.parametrize("case", CASES)
def test_threads_hold_while_another_predictor_is_alive(case: Case, lab: Lab) -> None:
    observe = _observer(case)
    if len(THREADS) < 2:
        pytest.skip("one core: no second thread count to tell apart")
    feed = TinyCNN().sample_inputs(VARIANT, 2)
    few, many = THREADS
    first = lab.prepare(case, intra_op_threads=many)
    second = lab.prepare(case, intra_op_threads=few)
    try:
        seen = [observe(first, feed), observe(second, feed), observe(first, feed)]
        assert seen == [many, few, many], f"asked for {[many, few, many]}"
    finally:
        lab.close(second)
        lab.close(first)


# -- predict and close ------------------------------------------------------------------------


@pytest.mark.parametrize("workload", [TinyCNN(), TinyEmbed()], ids=lambda w: w.name)
@pytest.mark.parametrize("case", CASES)
def test_predict_returns_float32_batches_close_to_the_fp32_reference(
    case: Case, workload: Workload, lab: Lab
) -> None:
    try:
        prepared = lab.prepare(case, workload)
    except UserError as error:
        pytest.skip(f"{case.runtime!r} refuses {workload.name!r} at prepare: {error}")
    outputs = []
    for batch in (1, 3):
        feed = workload.sample_inputs(VARIANT, batch)
        output = prepared.predictor.predict(feed)
        reference = reference_output(workload, VARIANT, feed)
        assert isinstance(output, np.ndarray)
        assert output.dtype == np.float32
        assert output.shape == reference.shape, f"batch {batch}"
        assert np.isfinite(output).all()
        assert relative_error(output, reference) <= case.tolerance(), f"batch {batch}"
        outputs.append((output, output.copy()))
    for output, kept in outputs:  # finished, not a buffer a later call overwrites
        np.testing.assert_array_equal(output, kept)


@pytest.mark.parametrize("case", CASES)
def test_close_releases_only_its_own_predictor(case: Case, lab: Lab) -> None:
    other = lab.prepare(case)
    closing = lab.prepare(case)
    feed = TinyCNN().sample_inputs(VARIANT, 3)
    expected = other.predictor.predict(feed)
    closing.predictor.predict(feed)
    lab.close(closing)  # and not used afterwards
    np.testing.assert_array_equal(other.predictor.predict(feed), expected)
