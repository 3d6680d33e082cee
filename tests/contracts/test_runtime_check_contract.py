"""The runtime contract, part 1: ``check`` on every registered runtime.

``check`` is cheap (no heavy module imported, in a fresh process and in this one; fast; nothing
written) and returns one sentence per problem naming a field it was given; ``prepare`` refuses
(``UserError``, nothing built) every combination ``check`` refuses; each runtime's options
model refuses the others' options by name. Part 2 (``prepare``, predict, threads, close) is
``test_runtime_contract``; the cases are :mod:`runtime_cases`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from tournament import runtimes
from tournament.errors import UserError
from tournament.schema import (
    QuantizationOptions,
    Submission,
)
from tournament.schema.submission import FOREIGN_OPTION

from .runtime_cases import (
    CASES,
    CHECK_SECONDS,
    HEAVY,
    RUNTIME_NAMES,
    Case,
    grid,
    known_violations,
    option_variants,
    sentence_problems,
)
from .runtime_workloads import (
    VARIANT,
    TinyCNN,
)


@pytest.fixture(autouse=True)
def _known_violations(request: pytest.FixtureRequest) -> None:
    """Strict xfail for the pairs of :data:`~runtime_cases.VIOLATIONS`."""
    known_violations(request)


# -- check ------------------------------------------------------------------------------------


@pytest.mark.parametrize("runtime_name", RUNTIME_NAMES)
def test_check_imports_no_heavy_module_in_a_fresh_process(runtime_name: str) -> None:
    code = (
        "import sys\n"
        "from tournament import runtimes\n"
        "from tournament.schema import ExecutionProvider, Quantization, QuantizationOptions\n"
        f"rt = runtimes.get({runtime_name!r})\n"
        "for q in Quantization:\n"
        "    for ep in ExecutionProvider:\n"
        "        for qo in (QuantizationOptions(), QuantizationOptions(per_channel=True)):\n"
        "            rt.check(q, rt.options_model(execution_provider=ep), qo)\n"
        f"heavy = {sorted(HEAVY)!r}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"check() of {runtime_name!r} imported {result.stdout}"


@pytest.mark.parametrize("runtime_name", RUNTIME_NAMES)
def test_check_is_cheap_in_this_process(
    runtime_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No new heavy module (whatever is imported already), each call fast, nothing written."""
    runtime = runtimes.get(runtime_name)
    monkeypatch.chdir(tmp_path)
    before = set(sys.modules)
    slowest = 0.0
    for combo in grid(runtime):
        start = time.perf_counter()
        combo.check(runtime)
        slowest = max(slowest, time.perf_counter() - start)
    new = sorted(m for m in set(sys.modules) - before if m.split(".")[0] in HEAVY)
    assert new == [], f"check() of {runtime_name!r} imported {len(new)} modules: {new[:8]}"
    assert slowest < CHECK_SECONDS, f"check() of {runtime_name!r} took {slowest:.3f} s"
    assert list(tmp_path.iterdir()) == [], "check() wrote files"


@pytest.mark.parametrize("runtime_name", RUNTIME_NAMES)
def test_check_says_one_sentence_per_problem_naming_the_field(runtime_name: str) -> None:
    runtime = runtimes.get(runtime_name)
    wrong: list[str] = []
    for combo in grid(runtime):
        problems = combo.check(runtime)
        assert isinstance(problems, list), f"check() returned {type(problems).__name__}"
        if len(set(problems)) != len(problems):
            wrong.append(f"{combo}: a sentence repeated in {problems}")
        if combo.quantization not in runtime.quantizations and not any(
            isinstance(p, str) and p.startswith("quantization:") for p in problems
        ):
            wrong.append(f"{combo}: an undeclared quantization, and no 'quantization:' problem")
        wrong += [f"{combo}: {w}" for p in problems for w in sentence_problems(p, combo, runtime)]
    assert not wrong, "\n".join(wrong[:20])


@pytest.mark.parametrize("case", CASES)
def test_check_accepts_every_declared_quantization(case: Case) -> None:
    runtime = runtimes.get(case.runtime)
    problems = runtime.check(case.quantization, case.options(), QuantizationOptions())
    assert problems == [], f"declared {case.quantization.value!r} is refused: {problems}"


@pytest.mark.parametrize("runtime_name", RUNTIME_NAMES)
def test_prepare_refuses_what_check_refuses(runtime_name: str, tmp_path: Path) -> None:
    """A UserError with check's sentences, before anything is built under cache_dir."""
    runtime = runtimes.get(runtime_name)
    wrong: list[str] = []
    refused = 0
    for combo in grid(runtime):
        problems = combo.check(runtime)
        if not problems:
            continue
        refused += 1
        try:
            prepared = runtime.prepare(
                TinyCNN(),
                VARIANT,
                combo.quantization,
                runtime.options_model(**combo.options),
                QuantizationOptions(**combo.quantization_options),
                str(tmp_path),
            )
        except UserError as error:
            if not set(problems) <= set(error.problems):
                wrong.append(f"{combo}: prepare said {error.problems}, check said {problems}")
        except Exception as error:  # what else it raised is the finding
            wrong.append(f"{combo}: prepare raised {type(error).__name__}: {error}")
        else:
            prepared.predictor.close()
            wrong.append(f"{combo}: check said {problems} but prepare ran")
        if len(wrong) >= 5:
            break
    assert refused, f"check() of {runtime_name!r} refuses nothing in the grid"
    assert not wrong, "\n".join(wrong)
    built = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert built == [], f"refused prepares wrote {built[:5]}"


@pytest.mark.parametrize("runtime_name", RUNTIME_NAMES)
def test_options_model_refuses_other_runtimes_options_by_name(runtime_name: str) -> None:
    """The guard in front of check: a foreign option is refused where options are validated."""
    model = runtimes.get(runtime_name).options_model
    foreign = _foreign_options(runtime_name)
    if not foreign:
        pytest.skip(f"no other registered runtime has an option {runtime_name!r} lacks")
    for owner, options in foreign:
        (field,) = options
        with pytest.raises(ValidationError) as caught:
            model.model_validate(options)
        assert [e["loc"] for e in caught.value.errors()] == [(field,)], owner
        with pytest.raises(ValidationError) as caught:
            Submission.model_validate(
                {
                    "team": "team-a",
                    "name": "entry-1",
                    "workload": "tiny-cnn",
                    "variant": VARIANT,
                    "runtime": runtime_name,
                    "runtime_options": options,
                }
            )
        (error,) = caught.value.errors()
        assert error["type"] == FOREIGN_OPTION, error
        assert error["loc"] == ("runtime_options", field)
        assert repr(field) in error["msg"] and repr(runtime_name) in error["msg"]


@pytest.mark.parametrize("runtime_name", RUNTIME_NAMES)
def test_check_refuses_an_options_instance_of_another_runtime(
    runtime_name: str, tmp_path: Path
) -> None:
    """Outside the docstring (check receives its own model), asked for by the suite's brief."""
    runtime = runtimes.get(runtime_name)
    foreign = _foreign_options(runtime_name)
    if not foreign:
        pytest.skip(f"no other registered runtime has an option {runtime_name!r} lacks")
    quantization = min(runtime.quantizations, key=lambda q: q.value != "fp32")
    for owner, options in foreign:
        instance = runtimes.get(owner).options_model(**options)
        (field,) = options
        problems = runtime.check(quantization, instance, QuantizationOptions())
        assert any(p.startswith(f"runtime_options.{field}:") for p in problems), (
            f"check() of {runtime_name!r} accepts {owner!r}'s option {field}={options[field]!r}"
        )
        with pytest.raises(UserError):
            runtime.prepare(
                TinyCNN(), VARIANT, quantization, instance, QuantizationOptions(), str(tmp_path)
            )


def _foreign_options(runtime_name: str) -> list[tuple[str, dict[str, Any]]]:
    """(owner, {option: non-default value}) for each option of another runtime this one lacks."""
    own = runtimes.get(runtime_name).options_model.model_fields
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for owner in RUNTIME_NAMES:
        for variant in option_variants(runtimes.get(owner).options_model):
            if len(variant) == 1 and next(iter(variant)) not in own:
                found.setdefault(next(iter(variant)), (owner, variant))
    return list(found.values())
