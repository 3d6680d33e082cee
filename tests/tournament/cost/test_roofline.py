"""The roofline per precision and threads: measured over nominal, interpolation, the bound."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tournament.cost import bound_of, interpolate, priced, pricing_for
from tournament.results import Artifact, Estimate, Pricing, Provenance, Result

MEASURED: dict[str, Any] = {
    "measured_at": "2026-12-02T18:00:00+00:00",
    "cpu_model": "AMD EPYC",
    "threads": 4,
    "gemm": {
        "fp32": {"kernel": "torch.matmul float32", "size": 1024, "reps": 5,
                 "gflops_1": 50.0, "gflops_n": 170.0},
        "bf16": {"kernel": "torch.matmul bfloat16", "size": 256, "reps": 5,
                 "gflops_1": 1.0, "gflops_n": 1.3},
        "int8": {"kernel": "torch.ops.quantized.linear u8 x s8 -> s32 (x86 engine)",
                 "size": 1024, "reps": 5, "gflops_1": 120.0, "gflops_n": 420.0},
    },
    "triad": {"kernel": "torch.add", "array_mib": 128.0, "bytes_per_element": 24, "reps": 5,
              "gb_s_1": 10.0, "gb_s_n": 16.0},
    "duration_s": 3.0,
}  # fmt: skip
"""A measured table as ``MachineSpec.measured`` stores it (test numbers, not a measurement)."""

MACHINE: dict[str, Any] = {
    "id": "test-vm",
    "cpu_cores": 4,
    "cpu_threads": 4,
    "price_usd_per_hour": 0.36,
    "tariff_usd_per_kwh": 0.15,
    "peak_gflops": {"fp32": 400.0, "fp16": 400.0, "bf16": 400.0, "int8": 800.0},
    "peak_source": "derived",
}
MEASURED_MACHINE = MACHINE | {"measured": MEASURED}


def _config(
    quantization: str = "fp32", threads: int | None = None, **options: Any
) -> dict[str, Any]:
    runtime = dict(options)
    if threads is not None:
        runtime["intra_op_threads"] = threads
    return {"quantization": quantization, "runtime_options": runtime}


def test_interpolation_rule_by_hand() -> None:
    assert interpolate(50.0, 170.0, 4, 1) == 50.0
    assert interpolate(50.0, 170.0, 4, 2) == pytest.approx(90.0)  # 50 + 120 x 1/3
    assert interpolate(50.0, 170.0, 4, 4) == 170.0
    assert interpolate(50.0, 170.0, 4, 16) == 170.0  # capped at N
    assert interpolate(50.0, 60.0, 1, 8) == 60.0  # a 1-thread measurement only


def test_measured_peak_wins_over_nominal_and_follows_threads() -> None:
    one = pricing_for(MEASURED_MACHINE, _config())
    assert (one.peak_gflops, one.threads) == (50.0, 1)
    assert one.peak_source == "measured torch.matmul float32, at 1 of 4 threads"
    three = pricing_for(MEASURED_MACHINE, _config(threads=3))
    assert three.peak_gflops == pytest.approx(130.0)  # 50 + 120 x 2/3
    many = pricing_for(MEASURED_MACHINE, _config("int8-dynamic", threads=64))
    assert many.peak_gflops == 420.0 and "at 4 of 4 threads" in many.peak_source
    assert "quantized.linear" in many.peak_source


def test_bandwidth_is_interpolated_like_the_peak() -> None:
    assert pricing_for(MEASURED_MACHINE, _config(threads=1)).bandwidth_gb_s == 10.0
    assert pricing_for(MEASURED_MACHINE, _config(threads=3)).bandwidth_gb_s == pytest.approx(14.0)
    assert pricing_for(MACHINE, _config()).bandwidth_gb_s is None  # not measured: unknown


def test_bf16_may_run_as_fp32_and_fp16_falls_back_to_nominal() -> None:
    bf16 = pricing_for(MEASURED_MACHINE, _config("bf16", threads=4))
    assert bf16.peak_gflops == 170.0  # the fp32 kernel beats this CPU's bf16 path
    assert "bf16 work run as fp32" in bf16.peak_source
    fp16 = pricing_for(MEASURED_MACHINE, _config("fp16", threads=4))  # not measured
    assert fp16.peak_gflops == 400.0
    assert fp16.peak_source == "nominal formula (hardware.peak), scaled to 4 of 4 cores"


def test_old_specs_without_a_measured_table_use_the_labelled_nominal_peak() -> None:
    pricing = pricing_for(MACHINE, _config(threads=2))
    assert pricing.peak_gflops == 200.0  # 400 for 4 cores, 2 of them used
    assert pricing.peak_source == "nominal formula (hardware.peak), scaled to 2 of 4 cores"
    given = pricing_for(MACHINE | {"peak_source": "given", "cpu_cores": 1}, _config())
    assert (given.peak_gflops, given.peak_source) == (400.0, "nominal, given in the machine spec")
    assert pricing_for({"id": "bare"}, _config()).peak_gflops is None  # unknown, never 0


def test_a_gpu_run_ignores_the_cpu_measurement() -> None:
    machine = MEASURED_MACHINE | {"gpus": [{"name": "NVIDIA L4", "peak_gflops": {"fp32": 9.0}}]}
    pricing = pricing_for(machine, _config(execution_provider="cuda"))
    assert (pricing.peak_gflops, pricing.bandwidth_gb_s) == (9.0, None)
    assert pricing.peak_source.startswith("GPU data sheet")


def test_roofline_fraction_names_its_peak(make_result: Callable[..., Result]) -> None:
    result = make_result(figures={"gflops_per_s": Estimate(25.0, unit="GFLOP/s")})
    out = priced(result, pricing_for(MEASURED_MACHINE, _config()))
    fraction = out.figure("roofline_fraction")
    assert fraction is not None and fraction.value == pytest.approx(0.5)
    assert "measured torch.matmul float32, at 1 of 4 threads" in fraction.method


def _result(make_result: Callable[..., Result], **kw: Any) -> Result:
    fields = {"flops_per_sample": 2.0e9, "artifact": Artifact("ab" * 32, 100_000_000), **kw}
    return make_result(**fields)


def test_bound_compute_and_memory_by_hand(make_result: Callable[..., Result]) -> None:
    pricing = Pricing(None, None, 160.0, bandwidth_gb_s=16.0, peak_source="test")  # ridge 10
    batch1 = bound_of(_result(make_result), pricing)  # 2e9 FLOP / 1e8 B = 20 FLOP/B
    assert (batch1.bound, batch1.arithmetic_intensity, batch1.ridge) == ("compute", 20.0, 10.0)
    assert batch1.bytes_per_sample == 1e8
    small = bound_of(_result(make_result, flops_per_sample=5.0e8), pricing)  # 5 FLOP/B
    assert small.bound == "memory" and small.arithmetic_intensity == 5.0
    batched = bound_of(_result(make_result, flops_per_sample=5.0e8, batch_size=4), pricing)
    assert batched.bound == "compute" and batched.arithmetic_intensity == 20.0
    assert "ridge 160 GFLOP/s (test) / 16 GB/s = 10 FLOP/B" in batched.method


def test_bound_is_unknown_without_its_inputs(make_result: Callable[..., Result]) -> None:
    no_bandwidth = bound_of(_result(make_result), Pricing(None, None, 160.0))
    assert no_bandwidth.bound is None and no_bandwidth.ridge is None
    assert no_bandwidth.method == "unknown: no measured bandwidth"
    assert no_bandwidth.arithmetic_intensity == 20.0  # what is known stays known

    nothing = Artifact("ab" * 32, 0)
    no_model = _result(make_result, artifact=nothing, figures={"model_size_mb": None})
    unknown = bound_of(no_model, Pricing(None, None, 160.0, bandwidth_gb_s=16.0))
    assert unknown.bound is None and unknown.arithmetic_intensity is None
    assert unknown.method == "unknown: no model bytes"


def test_bound_falls_back_to_the_model_size_figure(make_result: Callable[..., Result]) -> None:
    sized = _result(
        make_result,
        artifact=Artifact("ab" * 32, 0),
        figures={"model_size_mb": Estimate(1.0, unit="MiB", provenance=Provenance.MEASURED)},
    )
    bound = bound_of(sized, Pricing(None, None, 160.0, bandwidth_gb_s=16.0))
    assert bound.bytes_per_sample == 2**20


def test_priced_records_the_bound_in_extra(make_result: Callable[..., Result]) -> None:
    result = _result(make_result)
    out = priced(result, pricing_for(MEASURED_MACHINE, _config(threads=4)))  # ridge 170/16
    assert out.extra["roofline"]["bound"] == "compute"
    assert out.extra["harness_overhead_us"] == 4.0  # the worker's extra is kept
    again = priced(out, pricing_for(MACHINE, _config()))  # no bandwidth: unknown again
    assert "roofline" not in again.extra and again.extra["harness_overhead_us"] == 4.0
    assert bound_of(again, again.pricing or Pricing(None, None, None)).bound is None
    assert Result.from_dict(out.to_dict()).extra["roofline"] == out.extra["roofline"]


def test_pricing_round_trip_keeps_the_peak_source() -> None:
    pricing = pricing_for(MEASURED_MACHINE, _config(threads=2))
    assert Pricing.from_dict(pricing.to_dict()) == pricing
    old = {"price_usd_per_hour": 1.0, "tariff_usd_per_kwh": None, "peak_gflops": 5.0}
    legacy = Pricing.from_dict(old)  # stored before peak_source existed
    assert (legacy.peak_source, legacy.threads, legacy.bandwidth_gb_s) == ("", None, None)
