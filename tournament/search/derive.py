"""Derive a :class:`SearchSpace` from the registries, the machines and the user's restrictions.

Every choice set is asked of the registries: variants from the workload, quantizations, int8
options and graph optimization levels from :meth:`Runtime.check <tournament.runtimes.base.
Runtime.check>` (a combination is kept only if it reports no problem), batch sizes from the
workload's ``validate_batch_size``, thread counts and the CUDA provider from the machine specs.
Nothing is built or imported beyond the registries' cheap checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tournament.errors import UserError
from tournament.runtimes.options import GraphOptimization
from tournament.schema.submission import (
    CalibrationMethod,
    ExecutionProvider,
    Quantization,
    QuantizationOptions,
    RuntimeOptionsBase,
)
from tournament.search.space import INT8, SearchSpace

DEFAULT_BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64)


class SpaceSpec(BaseModel):
    """What the user allows; ``None`` means every value the registries accept."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    variants: tuple[str, ...] | None = None
    runtimes: tuple[str, ...] | None = None
    quantizations: tuple[str, ...] | None = None
    providers: tuple[str, ...] | None = None
    graph_optimizations: tuple[str, ...] | None = None
    calibration_methods: tuple[str, ...] | None = None
    batch_sizes: tuple[int, ...] | None = Field(default=None)
    threads: tuple[int, ...] | None = None
    per_channel: bool = True


def subset(field: str, wanted: Sequence[Any] | None, known: Iterable[Any]) -> list[Any]:
    """``wanted`` (in the order of ``known``), or all of ``known`` when ``wanted`` is None.

    Raises:
        UserError: a wanted value is not known, or nothing is left.
    """
    known = list(known)
    if wanted is None:
        return known
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise UserError(
            f"{field}: {', '.join(map(repr, unknown))} not available; expected some of: "
            f"{', '.join(map(str, known))}."
        )
    return [k for k in known if k in wanted]


def build_space(
    workload_name: str,
    machines: dict[str, dict[str, Any]],
    spec: SpaceSpec | None = None,
    *,
    scenario: str = "offline",
) -> SearchSpace:
    """The valid configurations of ``workload_name`` on ``machines`` (id -> machine spec).

    A scenario that fixes the samples per query (:attr:`Scenario.batch_sizes
    <tournament.harness.base.Scenario.batch_sizes>`; single-stream issues one sample per query)
    fixes the batch sizes to those unless ``spec.batch_sizes`` asks otherwise.

    Raises:
        UserError: an unknown name in ``spec``, or a space left empty by the restrictions.
    """
    from tournament import workloads

    spec = spec or SpaceSpec()
    if workload_name not in workloads.names():
        raise UserError(
            f"workload: unknown workload {workload_name!r}; expected one of: "
            f"{', '.join(workloads.names())}."
        )
    workload = workloads.get(workload_name)
    if not machines:
        raise UserError("machine: expected at least one machine.")
    variants = subset("variants", spec.variants, workload.variants)
    providers = {m: _providers(s, spec) for m, s in machines.items()}
    table = _runtime_table(spec, sorted({p for ps in providers.values() for p in ps}))
    providers = {m: tuple(p for p in ps if table["runtimes"].get(p)) for m, ps in providers.items()}
    if not any(providers.values()) or not table["quantizations"]:
        raise UserError(
            "the search space is empty: no allowed runtime can run any allowed "
            "quantization; widen --runtimes or --quantizations."
        )
    return SearchSpace(
        workload=workload_name,
        machines=tuple(m for m in machines if providers[m]),
        providers={m: ps for m, ps in providers.items() if ps},
        threads={m: _threads(s, spec) for m, s in machines.items() if providers[m]},
        variants=tuple(variants),
        batch_sizes={v: _batch_sizes(workload, v, spec, scenario) for v in variants},
        **table,
    )


def _providers(machine: dict[str, Any], spec: SpaceSpec) -> tuple[str, ...]:
    known = ["cpu"] + (["cuda"] if machine.get("gpus") else [])
    allowed = [p.value for p in ExecutionProvider]
    wanted = subset("providers", spec.providers, allowed) if spec.providers else None
    return tuple(p for p in known if wanted is None or p in wanted)


def _threads(machine: dict[str, Any], spec: SpaceSpec) -> tuple[int, ...]:
    if spec.threads:
        bad = [t for t in spec.threads if not 1 <= t <= 256]
        if bad:
            raise UserError(f"threads: expected counts from 1 to 256, got {bad}.")
        return tuple(sorted(set(spec.threads)))
    most = int(machine.get("cpu_threads") or 1)
    counts = {1 << i for i in range(most.bit_length()) if 1 << i <= most} | {most}
    return tuple(sorted(counts))


def _batch_sizes(workload: Any, variant: str, spec: SpaceSpec, scenario: str) -> tuple[int, ...]:
    from tournament import harness

    default = harness.get(scenario).batch_sizes or DEFAULT_BATCH_SIZES
    wanted = spec.batch_sizes or default
    bad = [b for b in wanted if not 1 <= b <= 1024]
    if bad:
        raise UserError(f"batch_sizes: expected sizes from 1 to 1024, got {bad}.")
    sizes = [b for b in sorted(set(wanted)) if workload.validate_batch_size(variant, b) is None]
    if not sizes:
        raise UserError(f"batch_sizes: none of {list(wanted)} is valid for variant {variant!r}.")
    return tuple(sizes)


def _runtime_table(spec: SpaceSpec, providers: list[str]) -> dict[str, dict[str, Any]]:
    """``runtimes``, ``quantizations``, ``per_channel``, ``calibration`` and
    ``graph_optimizations`` tables, every entry checked by its runtime."""
    from tournament import runtimes

    names = subset("runtimes", spec.runtimes, runtimes.names())
    quants = subset("quantizations", spec.quantizations, [q.value for q in Quantization])
    table: dict[str, dict[str, Any]] = {
        "runtimes": {},
        "quantizations": {},
        "per_channel": {},
        "calibration": {},
        "graph_optimizations": {},
    }
    for provider in providers:
        usable = []
        for name in names:
            runtime = runtimes.get(name)
            options = runtime.options_model(execution_provider=ExecutionProvider(provider))
            valid = [
                q
                for q in quants
                if not runtime.check(Quantization(q), options, QuantizationOptions())
            ]
            if not valid:
                continue
            usable.append(name)
            key = SearchSpace.key(name, provider)
            table["quantizations"][key] = tuple(valid)
            if "graph_optimization" in runtime.options_model.model_fields:
                table["graph_optimizations"][name] = _graph_levels(runtime, valid[0], spec)
            for quant in valid:
                _int8_choices(table, runtime, key, Quantization(quant), options, spec)
        if usable:
            table["runtimes"][provider] = tuple(usable)
    return table


def _int8_choices(
    table: dict[str, dict[str, Any]],
    runtime: Any,
    key: str,
    quant: Quantization,
    options: RuntimeOptionsBase,
    spec: SpaceSpec,
) -> None:
    if quant.value not in INT8:
        return
    per_channel = not runtime.check(quant, options, QuantizationOptions(per_channel=True))
    choices = (False, True) if spec.per_channel and per_channel else (False,)
    table["per_channel"][SearchSpace.key(key, quant.value)] = choices
    if quant is Quantization.INT8_STATIC:
        wanted = subset(
            "calibration_methods", spec.calibration_methods, [m.value for m in CalibrationMethod]
        )
        methods = tuple(
            m
            for m in wanted
            if not runtime.check(
                quant, options, QuantizationOptions(calibration_method=CalibrationMethod(m))
            )
        )
        table["calibration"][key] = methods or ("minmax",)


def _graph_levels(runtime: Any, quant: str, spec: SpaceSpec) -> tuple[str, ...]:
    """Levels the runtime (one with a ``graph_optimization`` option) accepts."""
    levels = [g.value for g in GraphOptimization]
    accepted = [
        g
        for g in levels
        if not runtime.check(
            Quantization(quant),
            runtime.options_model(graph_optimization=GraphOptimization(g)),
            QuantizationOptions(),
        )
    ]
    if accepted == ["all"]:
        return ("all",)
    wanted = subset("graph_optimizations", spec.graph_optimizations, accepted)
    if not wanted:
        raise UserError(f"graph_optimizations: none allowed for runtime {runtime.name!r}.")
    return tuple(wanted)
