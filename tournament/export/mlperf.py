"""MLPerf-style summaries: one ``mlperf_log_summary.txt`` per result, like LoadGen writes.

The layout follows LoadGen's summary (results summary, additional stats, test parameters),
with Tourney's figures: latency percentiles are recomputed from the stored per-query
latencies (nanoseconds, numpy's linear percentile), QPS is queries per second of the timed
window, and an accuracy section compares quality with the target. The headline is the
scenario's primary metric; the scenario's name is its MLPerf name. ``Result is`` VALID when
:meth:`~tournament.results.Result.invalid_reasons` (minimum duration and query count, the
accuracy gate in the metric's direction, the scenario's own rule) has nothing to say at the
round's accuracy class; otherwise INVALID, with the reasons listed.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from tournament.errors import UserError
from tournament.results import Result, gate, metric
from tournament.store.contract import StoreReader
from tournament.store.records import ResultRecord

PERCENTILES = (50.0, 90.0, 95.0, 97.0, 99.0, 99.9)
RULE = "=" * 48


def _yes(flag: bool) -> str:
    return "Yes" if flag else "NO"


def mlperf_scenario(name: str) -> str:
    """The MLPerf name of scenario ``name`` (the name itself when it has none here)."""
    from tournament import harness

    try:
        return harness.get(name).mlperf_name or name
    except UserError:  # not registered here, or its plugin does not load
        return name


def _primary(result: Result) -> str | None:
    from tournament import harness

    try:
        return harness.get(result.scenario).primary_metric(result.rules)
    except UserError:
        return None


def summary_text(record: ResultRecord, target_ratio: float | None = None) -> str:
    """The summary of one result (as :meth:`Store.result` returns it, with its latencies).

    ``target_ratio``: the accuracy class to judge at (default: the result's own).
    """
    result = record.result
    ratio = result.quality.target_ratio if target_ratio is None else target_ratio
    ns = _latencies_ns(result)
    sections = (
        _summary(record, ns, result.invalid_reasons(target_ratio=ratio)),
        _stats(result, ns),
        _accuracy(result, ratio),
        _parameters(result),
    )
    entry = record.entry
    footer = (
        f"Tourney result id : {record.result_id} (round {entry.round_name or '-'}, "
        f"config {entry.config_hash[:12]})"
    )
    return "\n".join([line for section in sections for line in section] + ["", footer, ""])


def _latencies_ns(result: Result) -> np.ndarray:
    if result.latencies_ms:
        return np.asarray(result.latencies_ms, dtype=float) * 1e6
    p50 = result.value("latency_p50_ms")
    return np.asarray([p50 if p50 is not None else float("nan")]) * 1e6


def _qps(result: Result) -> float:
    return float(result.queries / result.duration_s) if result.duration_s else 0.0


def _summary(record: ResultRecord, ns: np.ndarray, reasons: list[str]) -> list[str]:
    result, entry = record.result, record.entry
    rules = result.rules
    duration_met = result.duration_s >= rules.get("min_duration_s", 0)
    queries_met = result.queries >= rules.get("min_queries", 0)
    return [
        RULE,
        "MLPerf Results Summary (Tourney)",
        RULE,
        f"SUT name : {entry.label} ({entry.workload}/{entry.variant} {entry.runtime} "
        f"{entry.quantization} batch {entry.batch_size}, machine {entry.machine})",
        f"Scenario : {mlperf_scenario(result.scenario)}",
        "Mode     : PerformanceOnly + AccuracyOnly (separate passes)",
        *_headline(result, ns),
        f"Result is : {'INVALID' if reasons else 'VALID'}",
        f"  Min duration satisfied : {_yes(duration_met)}",
        f"  Min queries satisfied : {_yes(queries_met)}",
        *([f"  Reasons : {'; '.join(reasons)}"] if reasons else []),
    ]


def _samples_per_second(result: Result) -> str:
    value = result.value("throughput_sps")
    return "—" if value is None else f"{value:.2f}"


def _ns(value: float) -> str:
    return "—" if value != value else str(int(value))


def _stats(result: Result, ns: np.ndarray) -> list[str]:
    return [
        RULE,
        "Additional Stats",
        RULE,
        f"QPS w/ loadgen overhead         : {_qps(result):.2f}",
        f"Samples per second              : {_samples_per_second(result)}",
        f"Min latency (ns)                : {_ns(ns.min())}",
        f"Max latency (ns)                : {_ns(ns.max())}",
        f"Mean latency (ns)               : {_ns(ns.mean())}",
        *[f"{q:.2f} percentile latency (ns)   : {_ns(np.percentile(ns, q))}" for q in PERCENTILES],
    ]


def _accuracy(result: Result, ratio: float) -> list[str]:
    quality = result.quality
    higher = quality.higher_is_better
    target = ratio * quality.reference if higher else quality.reference / ratio
    met = gate(quality.value, quality.reference, ratio, higher_is_better=higher)
    return [
        RULE,
        "Accuracy",
        RULE,
        f"{quality.metric} : {quality.value:.6f} ({'higher' if higher else 'lower'} is better)",
        f"Reference (fp32) : {quality.reference:.6f}",
        f"Target ({ratio:g} x reference) : {target:.6f}",
        f"Accuracy target met : {_yes(met)}",
    ]


def _parameters(result: Result) -> list[str]:
    rules = result.rules
    return [
        RULE,
        "Test Parameters Used",
        RULE,
        f"samples_per_query : {result.batch_size}",
        f"target_qps : {rules.get('server_target_qps') or 'n/a'}",
        f"target_latency (ns): {int(rules.get('server_latency_bound_ms', 0) * 1e6)}",
        f"min_duration (ms): {int(rules.get('min_duration_s', 0) * 1000)}",
        f"max_duration (ms): {int(rules.get('max_duration_s', 0) * 1000)}",
        f"min_query_count : {rules.get('min_queries')}",
        f"warmup_queries : {rules.get('warmup_queries')}",
        f"seed : {rules.get('seed')}",
        f"queries issued : {result.queries}",
        f"duration (ms) : {result.duration_s * 1000:.1f}",
    ]


def _headline(result: Result, ns: np.ndarray) -> list[str]:
    """The scenario's primary metric, in LoadGen's words."""
    primary = _primary(result)
    percentile = re.fullmatch(r"latency_p(\d+)_ms", primary or "")
    if percentile:
        q = int(percentile.group(1))
        return [f"{q}th percentile latency (ns) : {_ns(np.percentile(ns, q))}"]
    if primary == "throughput_sps":
        return [f"Samples per second : {_samples_per_second(result)}"]
    if primary is None:
        return []
    return [f"{metric(primary).label} : {metric(primary).format(result.value(primary))}"]


def write_summaries(
    store: StoreReader, round_name: str, directory: Path, targets: dict[str, float] | None = None
) -> list[Path]:
    """One ``<result id>-<team>-<name>-<scenario>/mlperf_log_summary.txt`` per result.

    ``targets``: workload -> target ratio of the round's first accuracy class (default: the
    ratio each result was gated with).
    """
    paths = []
    for row in sorted(store.results(round_name=round_name), key=lambda r: r.result_id):
        record = store.result(row.result_id)
        entry = record.entry
        folder = directory / f"{row.result_id}-{entry.team}-{entry.name}-{record.scenario}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "mlperf_log_summary.txt"
        text = summary_text(record, (targets or {}).get(entry.workload))
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
