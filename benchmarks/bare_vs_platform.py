"""The platform vs a hand-written loop on the same model: is the platform as fast as by hand?

For each configuration (workload, runtime, quantization, batch size, threads) two sides run
the **same fp32 weights** (the workload's trained module):

* **bare**: what a user writes without the platform, using only torch / onnxruntime /
  openvino: ``torch.set_num_threads`` and ``model(torch.from_numpy(x))`` under
  ``torch.inference_mode``; ``torch.onnx.export`` with the obvious arguments (torch's default
  exporter, names, a dynamic batch axis), ``ort.InferenceSession`` with
  ``intra_op_num_threads``, ``quantize_dynamic(weight_type=QInt8)``; ``ov.convert_model`` and
  ``compile_model`` with ``INFERENCE_NUM_THREADS``; a ``perf_counter_ns`` loop. Nothing here
  is imported from ``tournament.runtimes`` or ``tournament.harness``.
* **platform**: ``runtime.prepare(...)``'s predictor timed by the platform's own scenario code
  (single-stream for batch 1, offline otherwise) under short rules, figures from
  ``tournament.harness.stats.summarize``.

Each configuration runs in a fresh process (thread pools and interop settings cannot leak
between configurations); inside it, both sides are prepared, warmed up, then timed in windows
alternating bare / platform / bare / platform ... (``--pairs``). The table gives the median
over windows of p50 and throughput for each side, their ratio (platform / bare: the median of
the per-pair ratios, each pair being two neighbouring windows, so slow drift of the machine's
load cancels), the range of the per-pair ratios (to tell a gap from noise) and the targets:
p50 ratio <= 1.03, throughput ratio >= 0.97. Threads are set alike on both sides and read
back from each (torch's ``get_num_threads``, the session's options,
``INFERENCE_NUM_THREADS``).

Usage: ``python benchmarks/bare_vs_platform.py [--quick] [--only NAME ...] [--pairs N]
[--seconds S]``; ``--list`` prints the configuration names. Exit status 1 when a
configuration failed to run (not when a target is missed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

P50_TARGET = 1.03
THROUGHPUT_TARGET = 0.97
POOL = 64
"""Samples each side cycles its batches from (the platform's worker uses 64 too)."""
WARMUP_QUERIES, WARMUP_S = 10, 0.1
"""Warm-up before every timed window, on both sides."""
CPUS = os.cpu_count() or 1
BUSY_LOAD = 0.5
"""A 1-minute load average from which the table is flagged as measured beside other work."""

Feed = dict[str, np.ndarray]
Run = Callable[[Feed], Any]


@dataclass(frozen=True)
class Config:
    """One configuration measured on both sides."""

    workload: str
    variant: str
    runtime: str
    quantization: str
    batch: int
    threads: int

    @property
    def name(self) -> str:
        short = {"onnxruntime": "ort", "openvino": "ov"}.get(self.runtime, self.runtime)
        return f"{self.workload}-{short}-{self.quantization}-b{self.batch}-t{self.threads}"

    @property
    def scenario(self) -> str:
        return "single-stream" if self.batch == 1 else "offline"


def _configs() -> list[Config]:
    d, m = ("digits-cnn", "small"), ("minilm-embed", "seq32")
    rows: list[tuple[tuple[str, str], str, str, int, int]] = [
        (d, "torch", "fp32", 1, 1),
        (d, "torch", "fp32", 32, 1),
        (d, "torch", "fp32", 32, CPUS),
        (d, "onnxruntime", "fp32", 1, 1),
        (d, "onnxruntime", "fp32", 32, 1),
        (d, "onnxruntime", "fp32", 32, CPUS),
        (d, "onnxruntime", "int8-dynamic", 1, 1),
        (d, "openvino", "fp32", 1, 1),
        (m, "torch", "fp32", 1, CPUS),
        (m, "onnxruntime", "fp32", 1, 1),
        (m, "onnxruntime", "fp32", 1, CPUS),
        (m, "onnxruntime", "fp32", 32, CPUS),
        (m, "openvino", "fp32", 1, CPUS),
    ]
    configs = [Config(w, v, r, q, b, t) for (w, v), r, q, b, t in rows]
    return list(dict.fromkeys(configs))  # one machine CPU: t1 and t<CPUS> coincide


CONFIGS = _configs()


# --- the bare side: written the way a user would, torch / onnxruntime / openvino only -------


def _feeds(samples: Feed, batch: int) -> list[Feed]:
    """Consecutive batches of ``batch`` rows (views), at most 16, cycled by the loop."""
    count = max(1, min(len(next(iter(samples.values()))) // batch, 16))
    return [{k: v[j * batch : (j + 1) * batch] for k, v in samples.items()} for j in range(count)]


def bare_torch(model: Any, names: list[str], threads: int) -> tuple[Run, Callable[[], int]]:
    import torch

    torch.set_num_threads(threads)

    def run(feed: Feed) -> Any:
        with torch.inference_mode():
            return model(*[torch.from_numpy(feed[n]) for n in names])

    return run, torch.get_num_threads


def bare_onnx_export(model: Any, example: Feed, names: list[str], folder: Path) -> Path:
    """``torch.onnx.export`` as the docs show it: torch's default exporter, a dynamic batch.

    Written once per workload into ``folder`` (the exporter may add an external-data file
    next to the model, so the folder is renamed into place whole)."""
    import torch

    path = folder / "model.onnx"
    if not path.exists():
        tmp = folder.with_name(folder.name + ".tmp")
        tmp.mkdir(parents=True, exist_ok=True)
        args = tuple(torch.from_numpy(example[n]) for n in names)
        axes = {n: {0: "batch"} for n in [*names, "output"]}
        torch.onnx.export(
            model,
            args,
            str(tmp / "model.onnx"),
            input_names=names,
            output_names=["output"],
            dynamic_axes=axes,
        )
        tmp.rename(folder)
    return path


def bare_quantize_dynamic(fp32: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out = fp32.with_name(fp32.stem + "-int8.onnx")
    if not out.exists():
        quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8)
    return out


def bare_ort(path: Path, threads: int) -> tuple[Run, Callable[[], int]]:
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    session = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])

    def run(feed: Feed) -> Any:
        return session.run(None, feed)[0]

    return run, lambda: int(session.get_session_options().intra_op_num_threads)


def bare_openvino(
    model: Any, example: Feed, names: list[str], threads: int
) -> tuple[Run, Callable[[], int]]:
    import openvino as ov
    import torch

    with torch.no_grad():
        converted = ov.convert_model(
            model, example_input=tuple(torch.from_numpy(example[n]) for n in names)
        )
    config = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_NUM_THREADS": threads}
    compiled = ov.Core().compile_model(converted, "CPU", config)

    def run(feed: Feed) -> Any:
        return compiled(feed)[0]

    return run, lambda: int(compiled.get_property("INFERENCE_NUM_THREADS"))


def bare_side(cfg: Config, workdir: Path) -> tuple[Run, Callable[[], int], Feed]:
    """The bare run function, its thread read-back and its samples."""
    from tournament import workloads  # the model and the data only

    workload = workloads.get(cfg.workload)
    model = workload.build(cfg.variant).eval()
    names = workload.input_names(cfg.variant)
    samples = workload.sample_inputs(cfg.variant, max(POOL, cfg.batch))
    example = {k: v[:2] for k, v in samples.items()}
    if cfg.runtime == "torch":
        run, threads = bare_torch(model, names, cfg.threads)
    elif cfg.runtime == "openvino":
        run, threads = bare_openvino(model, example, names, cfg.threads)
    else:
        path = bare_onnx_export(model, example, names, workdir / cfg.workload)
        if cfg.quantization == "int8-dynamic":
            path = bare_quantize_dynamic(path)
        run, threads = bare_ort(path, cfg.threads)
    return run, threads, samples


def bare_window(run: Run, feeds: list[Feed], batch: int, seconds: float) -> tuple[float, float]:
    """Warm up, then call ``run`` back to back for ``seconds``: (p50 ms, samples/s)."""
    clock = time.perf_counter_ns
    n, i, end = len(feeds), 0, clock() + int(WARMUP_S * 1e9)
    while i < WARMUP_QUERIES or clock() < end:
        run(feeds[i % n])
        i += 1
    latencies: list[int] = []
    start = clock()
    end, i = start + int(seconds * 1e9), 0
    while True:
        t0 = clock()
        run(feeds[i % n])
        t1 = clock()
        latencies.append(t1 - t0)
        i += 1
        if t1 >= end:
            break
    return statistics.median(latencies) / 1e6, i * batch / ((t1 - start) / 1e9)


# --- the platform side: runtime.prepare and the platform's scenario ------------------------


def platform_side(cfg: Config) -> tuple[Any, Callable[[float], tuple[float, float]], int]:
    """The platform's predictor, a window timing it with the platform's scenario, threads."""
    from tournament import config, harness, runtimes, workloads
    from tournament.harness import Rules
    from tournament.harness.source import ArraySampleSource
    from tournament.harness.stats import summarize
    from tournament.schema import Submission

    doc = {
        "team": "bench",
        "name": "bare-vs-platform",
        "workload": cfg.workload,
        "variant": cfg.variant,
        "runtime": cfg.runtime,
        "quantization": cfg.quantization,
        "batch_size": cfg.batch,
        "runtime_options": {"intra_op_threads": cfg.threads},
    }
    sub = Submission.model_validate(doc)
    workload = workloads.get(sub.workload)
    prepared = runtimes.get(sub.runtime).prepare(
        workload,
        sub.variant,
        sub.quantization,
        sub.runtime_options,
        sub.quantization_options,
        str(config.cache_dir("artifacts")),
    )
    source = ArraySampleSource(workload.sample_inputs(sub.variant, max(POOL, cfg.batch)))
    scenario = harness.get(cfg.scenario)

    def window(seconds: float) -> tuple[float, float]:
        rules = Rules(
            warmup_queries=WARMUP_QUERIES,
            warmup_s=WARMUP_S,
            min_duration_s=seconds,
            min_queries=1,
            max_duration_s=seconds * 20,
            bootstrap_resamples=100,
        )
        log = scenario.run(prepared.predictor, source, cfg.batch, rules)
        figures = summarize(log, rules, scenario).figures
        return figures["latency_p50_ms"].value, figures["throughput_sps"].value

    return prepared, window, _platform_threads(prepared.details)


def _platform_threads(details: dict[str, Any]) -> int:
    """The intra-op thread count the prepared artifact reports it runs with."""
    if "threads" in details:
        return int(details["threads"]["intra_op_threads"])
    if "session" in details:
        return int(details["session"]["intra_op_threads"])
    return int(details["compiled"]["inference_num_threads"])


# --- one configuration (in a child process) ------------------------------------------------


def measure_config(cfg: Config, pairs: int, seconds: float, workdir: Path) -> dict[str, Any]:
    """Both sides of ``cfg``, alternated ``pairs`` times; plain data for the table."""
    run, bare_threads, samples = bare_side(cfg, workdir)
    prepared, platform_window, platform_threads = platform_side(cfg)
    feeds = _feeds(samples, cfg.batch)
    bare, plat, threads_seen = [], [], set()
    for _ in range(pairs):
        bare.append(bare_window(run, feeds, cfg.batch, seconds))
        threads_seen.add(("bare", bare_threads()))
        plat.append(platform_window(seconds))
        threads_seen.add(("platform", platform_threads))
    threads_seen.add(("bare", bare_threads()))  # after the platform ran too
    prepared.predictor.close()
    return {
        "config": asdict(cfg),
        "bare": bare,
        "platform": plat,
        "threads": sorted(threads_seen),
        "load": os.getloadavg()[0],
    }


# --- the parent: run each configuration in its own process, print the table -----------------


def _child(cfg: Config, pairs: int, seconds: float, workdir: Path) -> dict[str, Any]:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        cfg.name,
        "--pairs",
        str(pairs),
        "--seconds",
        str(seconds),
        "--workdir",
        str(workdir),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"config": asdict(cfg), "error": f"exit {proc.returncode}: {tail}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def row(result: dict[str, Any]) -> list[str]:
    """One table row: medians, ratios, per-pair ratio ranges, verdicts."""
    cfg = Config(**result["config"])
    if "error" in result:
        return [cfg.name, "-", result["error"], *["-"] * 8]
    bare, plat = np.array(result["bare"]), np.array(result["platform"])
    p50_b, p50_p = float(np.median(bare[:, 0])), float(np.median(plat[:, 0]))
    tp_b, tp_p = float(np.median(bare[:, 1])), float(np.median(plat[:, 1]))
    p50_pairs, tp_pairs = plat[:, 0] / bare[:, 0], plat[:, 1] / bare[:, 1]
    p50_ratio, tp_ratio = float(np.median(p50_pairs)), float(np.median(tp_pairs))
    threads = "/".join(str(t) for _, t in result["threads"])
    same = len({t for _, t in result["threads"]}) == 1 and result["threads"][0][1] == cfg.threads
    return [
        cfg.name,
        threads + ("" if same else " MISMATCH"),
        f"{p50_b:.4g}",
        f"{p50_p:.4g}",
        f"{p50_ratio:.3f} ({p50_pairs.min():.2f}-{p50_pairs.max():.2f})",
        _verdict(p50_ratio <= P50_TARGET),
        f"{tp_b:.5g}",
        f"{tp_p:.5g}",
        f"{tp_ratio:.3f} ({tp_pairs.min():.2f}-{tp_pairs.max():.2f})",
        _verdict(tp_ratio >= THROUGHPUT_TARGET),
        f"{result['load']:.2f}",
    ]


HEADER = [
    "configuration",
    "threads (bare/platform)",
    "p50 ms bare",
    "p50 ms platform",
    "p50 ratio (pair range)",
    "p50 <= 1.03",
    "samples/s bare",
    "samples/s platform",
    "throughput ratio (pair range)",
    "throughput >= 0.97",
    "load 1 min",
]


def print_table(rows: list[list[str]]) -> None:
    print("| " + " | ".join(HEADER) + " |")
    print("|" + "|".join("---" for _ in HEADER) + "|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


def cpu_name() -> str:
    """The CPU's model name from /proc/cpuinfo (``platform.processor()`` elsewhere)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _select(only: list[str] | None) -> list[Config]:
    if not only:
        return CONFIGS
    known = {c.name: c for c in CONFIGS}
    unknown = [n for n in only if n not in known]
    if unknown:
        raise SystemExit(f"--only: unknown configuration {unknown[0]!r}; see --list for the names.")
    return [known[n] for n in only]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 pairs of 0.2 s windows.")
    parser.add_argument("--pairs", type=int, default=None, help="bare/platform pairs (>= 1).")
    parser.add_argument("--seconds", type=float, default=None, help="seconds per window.")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="configurations to run.")
    parser.add_argument("--list", action="store_true", help="print configuration names.")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    pairs = args.pairs or (3 if args.quick else 15)
    seconds = args.seconds or (0.2 if args.quick else 0.5)
    if pairs < 1 or seconds <= 0:
        parser.error("--pairs must be >= 1 and --seconds > 0.")
    if args.list:
        print("\n".join(c.name for c in CONFIGS))
        return 0
    if args.child:
        cfg = _select([args.child])[0]
        print(json.dumps(measure_config(cfg, pairs, seconds, Path(args.workdir))))
        return 0
    configs = _select(args.only)
    print(f"CPU: {cpu_name()}, {CPUS} CPUs, {platform.platform()}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if os.getloadavg()[0] >= BUSY_LOAD:
        print(f"note: load >= {BUSY_LOAD} before starting: other processes share these CPUs.")
    print(f"{pairs} pairs of {seconds:g} s windows, alternating bare / platform\n")
    results = []
    with tempfile.TemporaryDirectory(prefix="bare-vs-platform-") as workdir:
        for cfg in configs:
            results.append(_child(cfg, pairs, seconds, Path(workdir)))
            print(f"  {cfg.name}: {results[-1].get('error', 'done')}", file=sys.stderr)
    print_table([row(r) for r in results])
    print(f"\nload average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
