"""MLPerf-style summaries: one ``mlperf_log_summary.txt`` per result, like LoadGen writes.

The layout follows LoadGen's summary (results summary, additional stats, test parameters),
with Tourney's figures: latency percentiles are recomputed from the stored per-query
latencies (nanoseconds, numpy's linear percentile), QPS is queries per second of the timed
window, and an accuracy section compares quality with the target. ``Result is`` VALID when the
minimum duration and query count were met, the quality gate passed and (server) the p99 met
the latency bound; otherwise INVALID, with the reasons listed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

SCENARIO_NAMES = {"single-stream": "SingleStream", "offline": "Offline", "server": "Server"}
PERCENTILES = (50.0, 90.0, 95.0, 97.0, 99.0, 99.9)
RULE = "=" * 48


def _yes(flag: bool) -> str:
    return "Yes" if flag else "NO"


def invalid_reasons(result: dict[str, Any], target_ratio: float | None = None) -> list[str]:
    """Why a result is INVALID (empty when VALID); ``target_ratio`` overrides the stored one."""
    rules = result.get("rules") or {}
    reasons = []
    if result["duration_s"] < rules.get("min_duration_s", 0):
        reasons.append("min duration not met")
    if result["queries"] < rules.get("min_queries", 0):
        reasons.append("min queries not met")
    if not result["min_rules_met"] and not reasons:
        reasons.append("minimum rules not met")
    ratio = target_ratio if target_ratio is not None else result["target_ratio"]
    if result["quality"] < ratio * result["reference_quality"]:
        reasons.append("accuracy below target")
    bound = rules.get("server_latency_bound_ms")
    if result["scenario"] == "server" and bound and result["latency_p99_ms"] > bound:
        reasons.append("p99 latency over the bound")
    return reasons


def summary_text(result: dict[str, Any], target_ratio: float | None = None) -> str:
    """The summary of one result (as :meth:`Store.result` returns it)."""
    ratio = target_ratio if target_ratio is not None else result["target_ratio"]
    ns = np.asarray(result.get("latencies_ms") or [result["latency_p50_ms"]]) * 1e6
    sections = (
        _summary(result, ns, invalid_reasons(result, ratio)),
        _stats(result, ns),
        _accuracy(result, ratio),
        _parameters(result),
    )
    footer = (
        f"Tourney result id : {result['result_id']} (round {result['round_name'] or '-'}, "
        f"config {result['config_hash'][:12]})"
    )
    return "\n".join([line for section in sections for line in section] + ["", footer, ""])


def _qps(result: dict[str, Any]) -> float:
    return float(result["queries"] / result["duration_s"]) if result["duration_s"] else 0.0


def _summary(result: dict[str, Any], ns: np.ndarray, reasons: list[str]) -> list[str]:
    rules = result.get("rules") or {}
    duration_met = result["duration_s"] >= rules.get("min_duration_s", 0)
    queries_met = result["queries"] >= rules.get("min_queries", 0)
    return [
        RULE,
        "MLPerf Results Summary (Tourney)",
        RULE,
        f"SUT name : {result['team']}/{result['name']} ({result['workload']}/"
        f"{result['variant']} {result['runtime']} {result['quantization']} "
        f"batch {result['batch_size']}, machine {result['machine']})",
        f"Scenario : {SCENARIO_NAMES.get(result['scenario'], result['scenario'])}",
        "Mode     : PerformanceOnly + AccuracyOnly (separate passes)",
        *_headline(result, ns, _qps(result)),
        f"Result is : {'INVALID' if reasons else 'VALID'}",
        f"  Min duration satisfied : {_yes(duration_met)}",
        f"  Min queries satisfied : {_yes(queries_met)}",
        *([f"  Reasons : {'; '.join(reasons)}"] if reasons else []),
    ]


def _stats(result: dict[str, Any], ns: np.ndarray) -> list[str]:
    return [
        RULE,
        "Additional Stats",
        RULE,
        f"QPS w/ loadgen overhead         : {_qps(result):.2f}",
        f"Samples per second              : {result['throughput_sps']:.2f}",
        f"Min latency (ns)                : {int(ns.min())}",
        f"Max latency (ns)                : {int(ns.max())}",
        f"Mean latency (ns)               : {int(ns.mean())}",
        *[f"{q:.2f} percentile latency (ns)   : {int(np.percentile(ns, q))}" for q in PERCENTILES],
    ]


def _accuracy(result: dict[str, Any], ratio: float) -> list[str]:
    target = ratio * result["reference_quality"]
    return [
        RULE,
        "Accuracy",
        RULE,
        f"{result['quality_metric']} : {result['quality']:.6f}",
        f"Reference (fp32) : {result['reference_quality']:.6f}",
        f"Target ({ratio:g} x reference) : {target:.6f}",
        f"Accuracy target met : {_yes(result['quality'] >= target)}",
    ]


def _parameters(result: dict[str, Any]) -> list[str]:
    rules = result.get("rules") or {}
    return [
        RULE,
        "Test Parameters Used",
        RULE,
        f"samples_per_query : {result['batch_size']}",
        f"target_qps : {rules.get('server_target_qps') or 'n/a'}",
        f"target_latency (ns): {int(rules.get('server_latency_bound_ms', 0) * 1e6)}",
        f"min_duration (ms): {int(rules.get('min_duration_s', 0) * 1000)}",
        f"max_duration (ms): {int(rules.get('max_duration_s', 0) * 1000)}",
        f"min_query_count : {rules.get('min_queries')}",
        f"warmup_queries : {rules.get('warmup_queries')}",
        f"seed : {rules.get('seed')}",
        f"queries issued : {result['queries']}",
        f"duration (ms) : {result['duration_s'] * 1000:.1f}",
    ]


def _headline(result: dict[str, Any], ns: np.ndarray, qps: float) -> list[str]:
    if result["scenario"] == "single-stream":
        return [f"90th percentile latency (ns) : {int(np.percentile(ns, 90))}"]
    if result["scenario"] == "offline":
        return [f"Samples per second : {result['throughput_sps']:.2f}"]
    return [
        f"Completed samples per second : {result['throughput_sps']:.2f}",
        f"Scheduled queries per second : {qps:.2f}",
    ]


def write_summaries(
    store: Any, round_name: str, directory: Path, targets: dict[str, float] | None = None
) -> list[Path]:
    """One ``<result id>-<team>-<name>-<scenario>/mlperf_log_summary.txt`` per result.

    ``targets``: workload -> target ratio of the round's first accuracy class (default: the
    ratio each result was gated with).
    """
    paths = []
    for row in sorted(store.results(round_name=round_name), key=lambda r: r["result_id"]):
        result = store.result(row["result_id"])
        folder = directory / f"{row['result_id']}-{row['team']}-{row['name']}-{row['scenario']}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "mlperf_log_summary.txt"
        path.write_text(
            summary_text(result, (targets or {}).get(row["workload"])), encoding="utf-8"
        )
        paths.append(path)
    return paths
