"""Cost formulas against hand-computed numbers; costs_for; price tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hardware.cost import (
    cost_usd_per_million,
    costs_for,
    energy_cost_usd_per_million,
    roofline_fraction,
)
from hardware.machine import MachineSpec
from hardware.prices import load_price_table
from tournament.errors import UserError


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


def test_roofline_fraction() -> None:
    assert roofline_fraction(48.0, 192.0) == 0.25
    assert roofline_fraction(48.0, 0.0) is None


def _measurement(**extra: Any) -> dict[str, Any]:
    return {"throughput_sps": 200.0, "energy_j_per_sample": 3.6, "gflops_per_s": 96.0} | extra


def test_costs_for_cpu_fp32_and_int8(small_spec: MachineSpec) -> None:
    machine = small_spec.to_dict() | {"price_usd_per_hour": 0.36}
    out = costs_for(_measurement(), machine)
    assert out["cost_usd_per_million"] == pytest.approx(0.5)
    assert out["energy_cost_usd_per_million"] == pytest.approx(0.15)
    assert (out["precision"], out["device"], out["peak_gflops"]) == ("fp32", "cpu", 192.0)
    assert out["roofline_fraction"] == pytest.approx(0.5)
    assert (out["price_usd_per_hour"], out["tariff_usd_per_kwh"]) == (0.36, 0.15)
    int8 = costs_for(_measurement(config={"quantization": "int8-dynamic"}), machine)
    assert (int8["precision"], int8["peak_gflops"], int8["roofline_fraction"]) == (
        "int8",
        384.0,
        pytest.approx(0.25),
    )


def test_costs_for_gpu_run_uses_gpu_peak(small_spec: MachineSpec) -> None:
    gpu = {"name": "NVIDIA L4", "memory_gb": 22.5, "tdp_w": 72}
    machine = MachineSpec.model_validate(small_spec.to_dict() | {"gpus": [gpu]}).to_dict()
    config = {"quantization": "fp16", "runtime_options": {"execution_provider": "cuda"}}
    out = costs_for(_measurement(config=config, gflops_per_s=12_100.0), machine)
    assert (out["device"], out["peak_gflops"]) == ("cuda", 121_000.0)
    assert out["roofline_fraction"] == pytest.approx(0.1)


def test_costs_for_missing_figures(small_spec: MachineSpec) -> None:
    out = costs_for({"throughput_sps": 0.0, "energy_j_per_sample": None}, small_spec.to_dict())
    assert out["cost_usd_per_million"] is None and out["energy_cost_usd_per_million"] is None
    assert out["roofline_fraction"] == 0.0


def test_price_table_recomputes_costs(tmp_path: Path, small_spec: MachineSpec) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text(
        "test-vm:\n  price_usd_per_hour: 0.72\n  tariff_usd_per_kwh: 0.30\n"
        "other:\n  price_usd_per_hour: 9\n"
    )
    table = load_price_table(path)
    out = table.costs_for(_measurement(), small_spec.to_dict())
    assert out["cost_usd_per_million"] == pytest.approx(1.0)
    assert out["energy_cost_usd_per_million"] == pytest.approx(0.30)
    unlisted = small_spec.to_dict() | {"id": "unlisted"}
    assert table.apply(unlisted) == unlisted


def test_committed_price_table_example_loads() -> None:
    path = Path(__file__).resolve().parents[2] / "hardware" / "prices.example.yaml"
    assert load_price_table(path).price_of("local") is not None


def test_invalid_price_table(tmp_path: Path) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text("local:\n  price_usd_per_hour: -2\n  currency: EUR\n")
    with pytest.raises(UserError) as info:
        load_price_table(path)
    text = " ".join(info.value.problems)
    assert "'local.price_usd_per_hour'" in text and "'local.currency' is not a known" in text
    path.write_text("bad id:\n  price_usd_per_hour: 1\n")
    with pytest.raises(UserError, match="'bad id' is not a valid machine id"):
        load_price_table(path)
