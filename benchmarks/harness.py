"""Measure the measurement harness itself, and every MiniLM configuration, in one run.

Prints four tables (ratios are measured in this one run, on this machine):

1. harness overhead per query vs a bare timing loop (target <= 2 us);
2. the platform's offline throughput for MiniLM ORT fp32 vs a bare ``predict`` loop on the same
   prepared artifact (target: within 3 %);
3. p50 coefficient of variation over 5 repeats of single-stream MiniLM ORT fp32 (target <= 3 %);
4. every MiniLM configuration measured by the platform (``tournament.runner.measure``: the same
   code a worker runs): p50, throughput, quality, gate, speedup over torch fp32 eager batch 1
   (target: the best *valid* configuration >= 4x).

Usage: ``python benchmarks/harness.py [--quick] [--skip-configs]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    print(f"\n## {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")


def overhead() -> None:
    from tournament.harness.overhead import harness_overhead_ns

    r = harness_overhead_ns(queries=20000, repeats=5)
    rows = [
        [k, f"{v:,.0f}" if isinstance(v, float) else v]
        for k, v in r.items()
        if not isinstance(v, list | dict)
    ]
    rows.append(["target overhead_ns", "<= 2,000"])
    table("Harness overhead per query (null predictor vs bare timing loop)", ["figure", "ns"], rows)


def _prepare(doc: dict[str, Any]) -> Any:
    from tournament import config, runtimes, workloads
    from tournament.schema import Submission

    sub = Submission.model_validate(doc)
    wl = workloads.get(sub.workload)
    prepared = runtimes.get(sub.runtime).prepare(
        wl,
        sub.variant,
        sub.quantization,
        sub.runtime_options,
        sub.quantization_options,
        str(config.cache_dir("artifacts")),
    )
    return sub, wl, prepared


def platform_vs_bare(seconds: float) -> None:
    from tournament.harness import Rules, get
    from tournament.harness.source import ArraySampleSource

    doc = {
        "team": "bench",
        "name": "ort-fp32",
        "workload": "minilm-embed",
        "variant": "seq32",
        "runtime": "onnxruntime",
        "quantization": "fp32",
        "batch_size": 8,
        "runtime_options": {"intra_op_threads": 2},
    }
    sub, wl, prepared = _prepare(doc)
    pred = prepared.predictor
    source = ArraySampleSource(wl.sample_inputs(sub.variant, 64))
    rules = Rules(
        warmup_queries=5,
        warmup_s=0.5,
        min_duration_s=seconds,
        min_queries=1,
        max_duration_s=seconds * 4,
    )
    feeds = [source.batch(sub.batch_size)]
    ratios, rows = [], []
    for rep in range(3):
        log = get("offline").run(pred, source, sub.batch_size, rules)
        platform = log.samples / (log.duration_ns / 1e9)
        n = log.queries
        start = time.perf_counter()
        for i in range(n):
            pred.predict(feeds[i % len(feeds)])
        bare = n * sub.batch_size / (time.perf_counter() - start)
        ratios.append(platform / bare)
        rows.append([rep, f"{platform:.1f}", f"{bare:.1f}", f"{platform / bare:.3f}"])
    pred.close()
    rows.append(["median", "", "", f"{statistics.median(ratios):.3f} (target 0.97-1.03)"])
    table(
        "Offline throughput, MiniLM seq32 ORT fp32 batch 8: platform vs bare loop",
        ["repeat", "platform samples/s", "bare samples/s", "ratio"],
        rows,
    )


def p50_cv(seconds: float) -> None:
    from tournament.harness import Rules, get
    from tournament.harness.source import ArraySampleSource
    from tournament.harness.stats import summarize

    doc = {
        "team": "bench",
        "name": "ort-fp32",
        "workload": "minilm-embed",
        "variant": "seq32",
        "runtime": "onnxruntime",
        "quantization": "fp32",
        "batch_size": 1,
        "runtime_options": {"intra_op_threads": 2},
    }
    sub, wl, prepared = _prepare(doc)
    source = ArraySampleSource(wl.sample_inputs(sub.variant, 64))
    rules = Rules(
        warmup_queries=20,
        warmup_s=0.5,
        min_duration_s=seconds,
        min_queries=100,
        max_duration_s=seconds * 4,
    )
    p50s = []
    for _ in range(5):
        log = get("single-stream").run(prepared.predictor, source, 1, rules)
        p50s.append(summarize(log, rules).figures["latency_p50_ms"].value)
    prepared.predictor.close()
    cv = statistics.stdev(p50s) / statistics.mean(p50s)
    table(
        "p50 over 5 repeats, single-stream MiniLM seq32 ORT fp32 (2 threads)",
        ["repeats (ms)", "mean ms", "CV"],
        [
            [
                ", ".join(f"{p:.3f}" for p in p50s),
                f"{statistics.mean(p50s):.3f}",
                f"{cv * 100:.2f} % (target <= 3 %)",
            ]
        ],
    )


CONFIGS: list[tuple[str, str, dict[str, Any]]] = [
    # (label, scenario, submission fields)
    ("torch fp32 b1", "single-stream", {"runtime": "torch", "quantization": "fp32"}),
    (
        "torch int8-dynamic b1",
        "single-stream",
        {"runtime": "torch", "quantization": "int8-dynamic"},
    ),
    ("torch bf16 b1", "single-stream", {"runtime": "torch", "quantization": "bf16"}),
    ("ORT fp32 b1", "single-stream", {"runtime": "onnxruntime", "quantization": "fp32"}),
    ("ORT fp16 b1", "single-stream", {"runtime": "onnxruntime", "quantization": "fp16"}),
    (
        "ORT int8-dyn per-tensor b1",
        "single-stream",
        {"runtime": "onnxruntime", "quantization": "int8-dynamic"},
    ),
    (
        "ORT int8-dyn per-channel b1",
        "single-stream",
        {
            "runtime": "onnxruntime",
            "quantization": "int8-dynamic",
            "quantization_options": {"per_channel": True},
        },
    ),
    (
        "ORT int8-static QDQ per-channel b1",
        "single-stream",
        {
            "runtime": "onnxruntime",
            "quantization": "int8-static",
            "quantization_options": {"per_channel": True},
        },
    ),
    (
        "torch fp32 offline b32",
        "offline",
        {"runtime": "torch", "quantization": "fp32", "batch_size": 32},
    ),
    (
        "ORT fp32 offline b32",
        "offline",
        {"runtime": "onnxruntime", "quantization": "fp32", "batch_size": 32},
    ),
    (
        "ORT int8-dyn per-channel offline b32",
        "offline",
        {
            "runtime": "onnxruntime",
            "quantization": "int8-dynamic",
            "batch_size": 32,
            "quantization_options": {"per_channel": True},
        },
    ),
    (
        "ORT int8-dyn per-tensor offline b32",
        "offline",
        {"runtime": "onnxruntime", "quantization": "int8-dynamic", "batch_size": 32},
    ),
]


def configurations(seconds: float) -> None:
    from tournament.results import Result
    from tournament.runner.measure import measure

    rules = {
        "warmup_queries": 5,
        "warmup_s": 0.5,
        "min_duration_s": seconds,
        "min_queries": 50,
        "max_duration_s": seconds * 6,
        "bootstrap_resamples": 500,
    }
    rows, base, best = [], None, (0.0, "")
    for label, scenario, fields in CONFIGS:
        doc = {
            "team": "bench",
            "name": "minilm",
            "workload": "minilm-embed",
            "variant": "seq32",
            "batch_size": 1,
            "runtime_options": {"intra_op_threads": 2},
            **fields,
        }
        m = Result.from_dict(measure(doc, scenario, rules))
        tput = m.value("throughput_sps") or 0.0
        base = base or tput
        speedup = tput / base
        if m.valid and speedup > best[0]:
            best = (speedup, label)
        paraphrase = m.extra.get("task_metrics", {}).get("paraphrase_top1")
        rows.append(
            [
                label,
                f"{m.value('latency_p50_ms') or 0:.2f}",
                f"{tput:.1f}",
                f"{m.quality.value:.4f}",
                f"{paraphrase:.3f}" if paraphrase is not None else "-",
                "VALID" if m.valid else "INVALID",
                f"{speedup:.2f}x",
                f"{m.value('model_size_mb') or 0:.1f}",
                f"{m.value('peak_rss_mb') or 0:.0f}",
            ]
        )
    table(
        "MiniLM seq32 configurations (2 intra-op threads), measured by the platform",
        [
            "configuration",
            "p50 ms",
            "samples/s",
            "cosine to fp32",
            "paraphrase top-1",
            "gate (>= 0.99)",
            "speedup vs torch fp32 b1",
            "artifact MB",
            "peak RSS MB",
        ],
        rows,
    )
    print(f"\nbest valid: {best[1]} at {best[0]:.2f}x (target >= 4x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Shorter runs (noisier).")
    parser.add_argument("--skip-configs", action="store_true")
    args = parser.parse_args()
    seconds = 2.0 if args.quick else 5.0
    import platform

    from tournament.fingerprint import cpu_info

    print(f"machine: {cpu_info()['cpu_model']}, {os.cpu_count()} CPUs, {platform.platform()}")
    overhead()
    platform_vs_bare(seconds)
    p50_cv(seconds)
    if not args.skip_configs:
        configurations(seconds)


if __name__ == "__main__":
    main()
