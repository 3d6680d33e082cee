"""Measure one configuration in this process: prepare, time, score. Returns plain data.

This is what a benchmark worker runs (in its own process: a local subprocess or a Ray task).
It never imports the store; the driver records what it returns.
"""

from __future__ import annotations

import resource
import sys
import time
from typing import Any

import numpy as np

from tournament import config
from tournament.harness.base import Rules
from tournament.measurement import Measurement
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
) -> dict[str, Any]:
    """Measure ``document`` (a submission) under ``scenario_name``; a Measurement as a dict.

    ``machine`` is the registered spec of the machine this runs on (power meter parameters);
    without it the local machine is detected.
    """
    import workloads
    from hardware.machine import MachineSpec
    from hardware.power.select import best_meter
    from tournament import harness, runtimes
    from tournament.fingerprint import environment
    from tournament.harness.source import ArraySampleSource
    from tournament.harness.stats import summarize

    sub = Submission.model_validate(document)
    rules = Rules.model_validate(rules_data)
    workload = workloads.get(sub.workload)
    runtime = runtimes.get(sub.runtime)
    scenario = harness.get(scenario_name)
    spec = MachineSpec.model_validate(machine) if machine else _local_spec()

    phases: dict[str, float] = {}
    t0 = time.perf_counter()
    prepared = runtime.prepare(
        workload,
        sub.variant,
        sub.quantization,
        sub.runtime_options,
        sub.quantization_options,
        str(config.cache_dir("artifacts")),
    )
    phases["prepare_s"] = time.perf_counter() - t0
    peak: dict[str, Any] = {}
    try:
        pool = max(SAMPLE_POOL, sub.batch_size)
        source = ArraySampleSource(workload.sample_inputs(sub.variant, pool))
        if scenario_name == "server" and rules.server_find_peak:
            rules, peak = _find_peak(prepared.predictor, source, sub.batch_size, rules)
        device = sub.runtime_options.execution_provider.value
        meter = best_meter(spec, device=device)
        t0 = time.perf_counter()
        with meter.measure() as reading:
            log = scenario.run(prepared.predictor, source, sub.batch_size, rules)
        phases["timed_s"] = time.perf_counter() - t0
        stats = summarize(log, rules)
        t0 = time.perf_counter()
        eval_set = workload.eval_set(sub.variant)
        outputs = evaluate(prepared.predictor, eval_set.batches(sub.batch_size))
        phases["accuracy_s"] = time.perf_counter() - t0
    finally:
        prepared.predictor.close()

    quality = float(workload.quality(sub.variant, outputs))
    reference = float(workload.reference_quality(sub.variant))
    target = workload.default_target_ratio
    flops = float(workload.flops_per_sample(sub.variant))
    extra: dict[str, Any] = {**log.extra, "phases_s": phases, **peak}
    task_metrics = getattr(workload, "task_metrics", None)
    if callable(task_metrics):
        extra["task_metrics"] = task_metrics(sub.variant, outputs)
    queries = max(log.queries, 1)
    samples = max(log.samples, 1)
    # The meter's window includes warm-up; charge the timed window at the window's mean power.
    energy_j = reading.avg_watts * stats["duration_s"]
    m = Measurement(
        scenario=scenario_name,
        rules=rules.model_dump(mode="json"),
        batch_size=sub.batch_size,
        queries=log.queries,
        samples=log.samples,
        duration_s=stats["duration_s"],
        min_rules_met=bool(stats["min_rules_met"]),
        latency_p50_ms=stats["latency_p50_ms"],
        latency_p50_ci_ms=tuple(stats["latency_p50_ci_ms"]),
        latency_p90_ms=stats["latency_p90_ms"],
        latency_p90_ci_ms=tuple(stats["latency_p90_ci_ms"]),
        latency_p99_ms=stats["latency_p99_ms"],
        latency_p99_ci_ms=tuple(stats["latency_p99_ci_ms"]),
        latency_mean_ms=stats["latency_mean_ms"],
        latency_mean_ci_ms=tuple(stats["latency_mean_ci_ms"]),
        throughput_sps=stats["throughput_sps"],
        throughput_ci_sps=tuple(stats["throughput_ci_sps"]),
        quality=quality,
        quality_metric=workload.metric.name,
        reference_quality=reference,
        target_ratio=target,
        valid=_is_valid(quality, reference, target, workload.metric.higher_is_better),
        flops_per_sample=flops,
        gflops_per_s=flops * stats["throughput_sps"] / 1e9,
        model_size_mb=prepared.artifact_bytes / 2**20,
        peak_rss_mb=_peak_rss_mb(),
        artifact_sha256=prepared.artifact_sha256,
        artifact_details=prepared.details,
        environment=environment(
            seed=rules.seed,
            config_hash=sub.config_hash,
            artifact_sha256=prepared.artifact_sha256,
            workload=workload.fingerprint(sub.variant),
            machine_id=spec.id,
        ),
        latencies_ms=(log.latencies_ns / 1e6).astype(float).tolist(),
        energy_j=energy_j,
        energy_j_per_query=energy_j / queries,
        energy_j_per_sample=energy_j / samples,
        avg_power_w=reading.avg_watts,
        power_source=reading.source,
        power_trace=[(float(t), float(w)) for t, w in reading.trace],
        extra=extra,
    )
    return m.as_dict()


def _find_peak(
    predictor: Any, source: Any, batch_size: int, rules: Rules
) -> tuple[Rules, dict[str, Any]]:
    """Search the peak QPS meeting the p99 bound; the rules to run the scenario at it."""
    from tournament.errors import UserError
    from tournament.harness.server import find_peak

    qps, probes = find_peak(predictor, source, batch_size, rules)
    if qps <= 0:
        raise UserError(
            f"rules.server_latency_bound_ms: no QPS met the p99 bound of "
            f"{rules.server_latency_bound_ms:g} ms."
        )
    found = {"find_peak": {"peak_qps": qps, "probes": [list(p) for p in probes]}}
    return rules.model_copy(update={"server_target_qps": qps}), found


def _is_valid(quality: float, reference: float, target: float, higher_is_better: bool) -> bool:
    """The accuracy gate: quality within ``target`` of the fp32 reference."""
    if higher_is_better:
        return quality >= target * reference
    return quality <= reference / target


def _local_spec() -> Any:
    from hardware.detect import detect_local

    return detect_local()
