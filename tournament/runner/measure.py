"""Measure one configuration in this process: prepare, time, score. Returns plain data.

This is what a benchmark worker runs (in its own process: a local subprocess or a Ray task).
It never imports the store; the driver records what it returns (a
:class:`~tournament.results.Result` as plain data).
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from tournament import config
from tournament.fingerprint import environment
from tournament.harness.base import Rules
from tournament.harness.stats import Summary
from tournament.harness.window import observing
from tournament.results import (
    Artifact,
    Estimate,
    IntervalKind,
    Provenance,
    Quality,
    Result,
)
from tournament.runner import isolation, speed_index
from tournament.runner.contention import sampled
from tournament.schema.submission import Submission

SAMPLE_POOL = 64
"""Distinct pre-built samples the timed loop cycles through."""


def _peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 if sys.platform != "darwin" else rss / 2**20


def evaluate(predictor: Any, eval_inputs: list[dict[str, np.ndarray]]) -> np.ndarray:
    """Outputs of the whole evaluation set, in order (accuracy mode, untimed)."""
    return np.concatenate([np.asarray(predictor.predict(feed)) for feed in eval_inputs], axis=0)


def measure(
    document: dict[str, Any],
    scenario_name: str,
    rules_data: dict[str, Any],
    machine: dict[str, Any] | None = None,
    *,
    cpus: Sequence[int] | None = None,
) -> dict[str, Any]:
    """Measure ``document`` (a submission) under ``scenario_name``; a :class:`Result` as a dict.

    ``machine`` is the registered spec of the machine this runs on (power meter parameters);
    without it the local machine is detected. Cost figures are added by the driver.

    Before the model is prepared this process pins itself to the run's worker CPUs, planned
    from ``cpus`` (the CPUs the driver saw) or, without them, from its own affinity, and the
    runtime's thread counts are capped at those CPUs (:mod:`tournament.runner.isolation`;
    affinity restored on return). The reference kernel of :mod:`tournament.runner.speed_index`
    is timed right before and right after the timed window. ``extra`` records ``isolation``,
    ``contention`` and ``speed_index``.
    """
    from tournament import harness, runtimes, workloads
    from tournament.harness.source import ArraySampleSource
    from tournament.harness.stats import summarize
    from tournament.power import best_meter

    sub = Submission.model_validate(document)
    rules = Rules.model_validate(rules_data)
    workload = workloads.get(sub.workload)
    runtime = runtimes.get(sub.runtime)
    scenario = harness.get(scenario_name)
    spec = _machine(machine)

    phases: dict[str, float] = {}
    with isolation.worker(sub.runtime_options, cpus) as (options, placement):
        t0 = time.perf_counter()
        prepared = runtime.prepare(
            workload,
            sub.variant,
            sub.quantization,
            options,
            sub.quantization_options,
            str(config.cache_dir("artifacts")),
        )
        phases["prepare_s"] = time.perf_counter() - t0
        try:
            pool = max(SAMPLE_POOL, sub.batch_size)
            source = ArraySampleSource(workload.sample_inputs(sub.variant, pool))
            rules, tuned = scenario.tune(prepared.predictor, source, sub.batch_size, rules)
            meter = best_meter(spec, device=options.execution_provider.value)
            # The reference kernel runs right before and after the meters, never inside.
            with speed_index.bracketed(placement.get("threads")) as speed:
                t0 = time.perf_counter()
                # Energy and contention over the timed window only (the scenario marks it).
                with observing(meter.measure, sampled) as window:
                    log = scenario.run(prepared.predictor, source, sub.batch_size, rules)
                reading, contention = window.values
                phases["timed_s"] = time.perf_counter() - t0
            summary = summarize(log, rules, scenario)
            t0 = time.perf_counter()
            eval_set = workload.eval_set(sub.variant)
            outputs = evaluate(prepared.predictor, eval_set.batches(sub.batch_size))
            phases["accuracy_s"] = time.perf_counter() - t0
        finally:
            prepared.predictor.close()

    extra: dict[str, Any] = {
        **log.extra,
        "phases_s": phases,
        **tuned,
        "contention": contention.to_dict(),
        "speed_index": speed.to_dict(),
        "isolation": placement,
    }
    task_metrics = getattr(workload, "task_metrics", None)
    if callable(task_metrics):
        extra["task_metrics"] = task_metrics(sub.variant, outputs)
    quality = Quality(
        value=float(workload.quality(sub.variant, outputs)),
        metric=workload.metric.name,
        higher_is_better=workload.metric.higher_is_better,
        reference=float(workload.reference_quality(sub.variant)),
        target_ratio=workload.default_target_ratio,
        label=workload.metric.label or workload.metric.name,
    )
    flops = float(workload.flops_per_sample(sub.variant))
    figures = {
        **summary.figures,
        **_energy_figures(reading, summary),
        **_resource_figures(prepared.artifact_bytes, flops, summary),
    }
    ratio = quality.ratio
    if ratio is not None:
        figures["quality_ratio"] = Estimate(ratio, unit="ratio", method="quality / fp32 reference")
    result = Result(
        scenario=scenario_name,
        rules=rules.model_dump(mode="json"),
        batch_size=sub.batch_size,
        queries=summary.queries,
        samples=summary.samples,
        duration_s=summary.duration_s,
        min_rules_met=summary.min_rules_met,
        quality=quality,
        figures=figures,
        flops_per_sample=flops,
        artifact=Artifact(prepared.artifact_sha256, prepared.artifact_bytes, prepared.details),
        environment=environment(
            seed=rules.seed,
            config_hash=sub.config_hash,
            artifact_sha256=prepared.artifact_sha256,
            workload=workload.fingerprint(sub.variant),
            machine_id=spec.id,
        ),
        power_source=reading.source,
        latencies_ms=tuple((log.latencies_ns / 1e6).astype(float).tolist()),
        power_trace=tuple((float(t), float(w)) for t, w in reading.trace),
        extra=extra,
    )
    return result.to_dict()


def _energy_figures(reading: Any, summary: Summary) -> dict[str, Estimate]:
    """Energy and power of the timed window, labelled measured or estimated by the meter."""
    # The meter covered the timed window only (warm-up and tuning excluded).
    joules = float(reading.joules)
    watts = float(reading.avg_watts)
    if reading.is_estimate:
        provenance = Provenance.ESTIMATED
        method = (
            f"{reading.source}: CPU time x the machine's power envelope over the timed window "
            "(an estimate)"
        )
    else:
        provenance = Provenance.MEASURED
        method = f"{reading.source} energy counter over the timed window"

    def joule(value: float) -> Estimate:
        return Estimate(value, unit="J", provenance=provenance, method=method)

    return {
        "energy_j": joule(joules),
        "energy_j_per_query": joule(joules / max(summary.queries, 1)),
        "energy_j_per_sample": joule(joules / max(summary.samples, 1)),
        "avg_power_w": Estimate(watts, unit="W", provenance=provenance, method=method),
    }


def _resource_figures(artifact_bytes: int, flops: float, summary: Summary) -> dict[str, Estimate]:
    """Model size, peak memory and achieved GFLOP/s (interval carried from throughput)."""
    figures = {
        "model_size_mb": Estimate(artifact_bytes / 2**20, unit="MiB", method="artifact bytes"),
        "peak_rss_mb": Estimate(_peak_rss_mb(), unit="MiB", method="getrusage ru_maxrss"),
    }
    throughput = summary.figures.get("throughput_sps")
    if throughput is not None:
        low, high = throughput.bounds()
        figures["gflops_per_s"] = Estimate(
            flops * throughput.value / 1e9,
            flops * low / 1e9 if throughput.has_interval else None,
            flops * high / 1e9 if throughput.has_interval else None,
            unit="GFLOP/s",
            provenance=Provenance.DERIVED,
            method="counted FLOPs per sample x throughput_sps",
            interval=IntervalKind.PROPAGATED if throughput.has_interval else None,
        )
    return figures


def _machine(spec: dict[str, Any] | None) -> Any:
    """The registered ``spec`` as a machine, or the local machine detected.

    Raises:
        UserError: the registered CPU model is not this host's (the run would be stored as
            measured on a machine it did not run on).
    """
    from tournament.errors import UserError
    from tournament.fingerprint import cpu_info
    from tournament.machines import source

    if not spec:
        return source().detect()
    machine = source().parse(spec, "machine")
    host = cpu_info()["cpu_model"]
    if machine.cpu_model and host != "unknown" and machine.cpu_model != host:
        raise UserError(
            f"machine {machine.id!r} is registered with cpu_model {machine.cpu_model!r}, but "
            f"this host has {host!r}: register it again on the host it runs on."
        )
    return machine
