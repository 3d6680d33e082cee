"""The cost model against hand-computed numbers: formulas, pricing, priced results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tournament.cost import (
    cost_usd_per_million,
    costs,
    energy_cost_usd_per_million,
    priced,
    pricing_for,
)
from tournament.results import Estimate, IntervalKind, Pricing, Provenance, Result

MACHINE: dict[str, Any] = {
    "id": "test-vm",
    "price_usd_per_hour": 0.36,
    "tariff_usd_per_kwh": 0.15,
    "peak_gflops": {"fp32": 192.0, "int8": 384.0},
}
"""A machine spec as stored (the hardware package computes the peaks)."""


def test_cost_per_million_by_hand() -> None:
    # 0.36 USD/h = 0.0001 USD/s; 200 samples/s -> 5000 s per million -> 0.5 USD.
    assert cost_usd_per_million(0.36, 200.0) == pytest.approx(0.5)
    assert cost_usd_per_million(0.0, 10.0) == 0.0
    with pytest.raises(ValueError, match="throughput_sps"):
        cost_usd_per_million(1.0, 0.0)


def test_energy_cost_per_million_by_hand() -> None:
    # 3.6 J/sample x 1e6 = 3.6e6 J = 1 kWh at 0.15 USD/kWh.
    assert energy_cost_usd_per_million(3.6, 0.15) == pytest.approx(0.15)
    assert energy_cost_usd_per_million(0.5, 0.30) == pytest.approx(0.5e6 / 3.6e6 * 0.30)


@pytest.fixture
def measured(make_result: Callable[..., Result]) -> Result:
    figures = {
        "throughput_sps": Estimate(200.0, 160.0, 250.0, unit="samples/s"),
        "energy_j_per_sample": Estimate(3.6, unit="J"),
        "gflops_per_s": Estimate(96.0, unit="GFLOP/s", provenance=Provenance.DERIVED),
    }
    return make_result(figures=figures)


def test_pricing_of_a_cpu_run_fp32_and_int8() -> None:
    fp32 = pricing_for(MACHINE, {"quantization": "fp32"})
    assert (fp32.precision, fp32.device, fp32.peak_gflops) == ("fp32", "cpu", 192.0)
    assert (fp32.price_usd_per_hour, fp32.tariff_usd_per_kwh) == (0.36, 0.15)
    int8 = pricing_for(MACHINE, {"quantization": "int8-dynamic"})
    assert (int8.precision, int8.peak_gflops) == ("int8", 384.0)


def test_pricing_of_a_gpu_run_uses_the_gpu_peak() -> None:
    machine = MACHINE | {"gpus": [{"name": "NVIDIA L4", "peak_gflops": {"fp16": 121_000.0}}]}
    config = {"quantization": "fp16", "runtime_options": {"execution_provider": "cuda"}}
    pricing = pricing_for(machine, config)
    assert (pricing.device, pricing.peak_gflops) == ("cuda", 121_000.0)


def test_costs_by_hand_with_propagated_intervals(measured: Result) -> None:
    out = costs(measured, pricing_for(MACHINE, {}))
    cost, energy, roofline = (
        out["cost_usd_per_million"],
        out["energy_cost_usd_per_million"],
        out["roofline_fraction"],
    )
    assert cost is not None and energy is not None and roofline is not None
    assert cost.value == pytest.approx(0.5)
    assert cost.bounds() == pytest.approx((0.4, 0.625))  # from the throughput interval
    assert cost.interval is IntervalKind.PROPAGATED and cost.provenance is Provenance.DERIVED
    assert energy.value == pytest.approx(0.15) and not energy.has_interval
    assert roofline.value == pytest.approx(0.5)


def test_costs_of_an_estimate_are_estimates(make_result: Callable[..., Result]) -> None:
    result = make_result()  # its energy is an estimate-tdp estimate
    energy = costs(result, pricing_for(MACHINE, {}))["energy_cost_usd_per_million"]
    assert energy is not None and energy.provenance is Provenance.ESTIMATED
    assert "from an estimate" in energy.method


def test_unknown_inputs_leave_costs_unknown(measured: Result) -> None:
    unknown = Pricing(price_usd_per_hour=None, tariff_usd_per_kwh=None, peak_gflops=None)
    assert costs(measured, unknown) == dict.fromkeys(
        ("cost_usd_per_million", "energy_cost_usd_per_million", "roofline_fraction")
    )
    stopped = measured.with_figures({"throughput_sps": None, "energy_j_per_sample": None})
    out = costs(stopped, pricing_for(MACHINE, {}))
    assert out["cost_usd_per_million"] is None and out["energy_cost_usd_per_million"] is None


def test_priced_replaces_costs_and_keeps_the_pricing(measured: Result) -> None:
    cheap = priced(measured, pricing_for(MACHINE, {}))
    dear = priced(cheap, pricing_for(MACHINE | {"price_usd_per_hour": 3.6}, {}))
    assert dear.value("cost_usd_per_million") == pytest.approx(5.0)
    assert dear.pricing is not None and dear.pricing.price_usd_per_hour == 3.6
    unpriced = priced(dear, Pricing(None, None, None))
    assert unpriced.value("cost_usd_per_million") is None  # unknown, never 0
    assert measured.value("cost_usd_per_million") is None  # results are frozen


def test_pricing_reads_a_hardware_machine_spec() -> None:
    """The spec dicts the ``hardware`` package stores carry what the cost model reads."""
    from hardware.machine import MachineSpec

    gpu = {"name": "NVIDIA L4", "memory_gb": 22.5, "tdp_w": 72}
    spec = MachineSpec(
        id="test-vm", cpu_model="AMD EPYC 7B13", cpu_cores=2, cpu_threads=2,
        cpu_flags=("avx", "avx2", "fma", "f16c"), cpu_max_mhz=3000, memory_gb=24,
        price_usd_per_hour=0.36, gpus=[gpu],
    ).to_dict()  # fmt: skip
    two = {"quantization": "int8-dynamic", "runtime_options": {"intra_op_threads": 2}}
    cpu = pricing_for(spec, two)
    assert (cpu.price_usd_per_hour, cpu.tariff_usd_per_kwh) == (0.36, 0.15)
    assert (cpu.precision, cpu.peak_gflops) == ("int8", 384.0)
    assert cpu.peak_source == "nominal formula (hardware.peak), scaled to 2 of 2 cores"
    one = pricing_for(spec, {"quantization": "int8-dynamic"})  # 1 thread: one core's share
    assert one.peak_gflops == 192.0 and one.threads == 1
    cuda = {"quantization": "fp16", "runtime_options": {"execution_provider": "cuda"}}
    assert pricing_for(spec, cuda).peak_gflops == 121_000.0
