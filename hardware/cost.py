"""The cost model: pure functions of figures that are stored with every result.

* ``cost_usd_per_million = price_usd_per_hour / 3600 / throughput_sps x 1e6`` (the machine's
  time for a million samples at the measured throughput).
* ``energy_cost_usd_per_million = energy_j_per_sample x 1e6 / 3.6e6 x tariff_usd_per_kwh``
  (1 kWh = 3.6e6 J).
* ``roofline_fraction = achieved GFLOP/s / peak GFLOP/s`` of the precision the model ran in
  (the share of the machine's theoretical arithmetic peak the configuration reached).

The two costs are reported separately and never added: a cloud price already includes the
electricity, while for owned hardware the price per hour is the amortisation and the energy
cost comes on top. :func:`costs_for` keeps its inputs in its output so a result can be
recomputed with other prices (``tourney results --prices FILE``, see :mod:`hardware.prices`).
"""

from __future__ import annotations

from typing import Any

from hardware.machine import DEFAULT_TARIFF_USD_PER_KWH

SECONDS_PER_HOUR = 3600.0
JOULES_PER_KWH = 3.6e6

PRECISION_OF_QUANTIZATION = {
    "fp32": "fp32",
    "fp16": "fp16",
    "bf16": "bf16",
    "int8-dynamic": "int8",
    "int8-static": "int8",
    "int8": "int8",
}
"""The arithmetic precision a quantization runs in (whose peak the roofline uses)."""


def cost_usd_per_million(price_usd_per_hour: float, throughput_sps: float) -> float:
    """USD for one million samples on a machine rented at ``price_usd_per_hour``.

    Raises:
        ValueError: ``throughput_sps`` is not positive or the price is negative.
    """
    if throughput_sps <= 0:
        raise ValueError(f"throughput_sps must be > 0, got {throughput_sps}")
    if price_usd_per_hour < 0:
        raise ValueError(f"price_usd_per_hour must be >= 0, got {price_usd_per_hour}")
    return price_usd_per_hour / SECONDS_PER_HOUR / throughput_sps * 1e6


def energy_cost_usd_per_million(energy_j_per_sample: float, tariff_usd_per_kwh: float) -> float:
    """USD of electricity for one million samples at ``energy_j_per_sample``.

    Raises:
        ValueError: a negative energy or tariff.
    """
    if energy_j_per_sample < 0 or tariff_usd_per_kwh < 0:
        raise ValueError("energy_j_per_sample and tariff_usd_per_kwh must be >= 0")
    return energy_j_per_sample * 1e6 / JOULES_PER_KWH * tariff_usd_per_kwh


def roofline_fraction(gflops_per_s: float, peak_gflops: float) -> float | None:
    """Achieved over peak arithmetic throughput; ``None`` when the peak is unknown (<= 0)."""
    if peak_gflops <= 0:
        return None
    return gflops_per_s / peak_gflops


def precision_of(quantization: str | None) -> str:
    """The arithmetic precision of a quantization name (``fp32`` when absent or unknown)."""
    return PRECISION_OF_QUANTIZATION.get(str(quantization or "fp32"), "fp32")


def costs_for(measurement: dict[str, Any], machine: dict[str, Any]) -> dict[str, Any]:
    """Cost figures of one measurement on one machine, with the inputs they came from.

    Args:
        measurement: a :class:`~tournament.measurement.Measurement` as a dict. Reads
            ``throughput_sps``, ``energy_j_per_sample`` (may be None), ``gflops_per_s``, and the
            configuration's ``quantization`` and ``execution_provider``, found at the top level,
            under ``config`` (a submission's config: ``runtime_options.execution_provider``) or
            under ``extra``. Absent: fp32 on the CPU.
        machine: a :class:`~hardware.machine.MachineSpec` as a dict (``MachineSpec.to_dict``).

    Returns:
        ``price_usd_per_hour``, ``tariff_usd_per_kwh``, ``throughput_sps``,
        ``energy_j_per_sample``, ``cost_usd_per_million`` (None without throughput),
        ``energy_cost_usd_per_million`` (None without energy), ``precision``, ``device``,
        ``peak_gflops`` (None when unknown), ``gflops_per_s`` and ``roofline_fraction``.
    """
    price = float(machine.get("price_usd_per_hour", 0.0))
    tariff = float(machine.get("tariff_usd_per_kwh", DEFAULT_TARIFF_USD_PER_KWH))
    throughput = float(measurement.get("throughput_sps") or 0.0)
    energy = measurement.get("energy_j_per_sample")
    gflops = float(measurement.get("gflops_per_s") or 0.0)
    precision = precision_of(_setting(measurement, "quantization"))
    device = str(_setting(measurement, "execution_provider") or "cpu")
    peak = _peak(machine, precision, device)
    return {
        "price_usd_per_hour": price,
        "tariff_usd_per_kwh": tariff,
        "throughput_sps": throughput,
        "energy_j_per_sample": energy,
        "cost_usd_per_million": cost_usd_per_million(price, throughput) if throughput > 0 else None,
        "energy_cost_usd_per_million": (
            energy_cost_usd_per_million(float(energy), tariff) if energy is not None else None
        ),
        "precision": precision,
        "device": device,
        "peak_gflops": peak,
        "gflops_per_s": gflops,
        "roofline_fraction": roofline_fraction(gflops, peak) if peak else None,
    }


def _setting(measurement: dict[str, Any], key: str) -> Any:
    """A configuration setting from the top level, ``config`` (and its runtime_options) or
    ``extra``; enum values are reduced to their string value."""
    config = measurement.get("config") or {}
    places = [
        measurement,
        config,
        config.get("runtime_options") or {},
        measurement.get("extra") or {},
    ]
    for place in places:
        value = place.get(key)
        if value is not None:
            return getattr(value, "value", value)
    return None


def _peak(machine: dict[str, Any], precision: str, device: str) -> float | None:
    """Peak of ``precision``: the first GPU's for a GPU run, else the CPU's."""
    table = machine.get("peak_gflops") or {}
    gpus = machine.get("gpus") or []
    if device in ("cuda", "gpu") and gpus:
        table = gpus[0].get("peak_gflops") or {}
    value = table.get(precision, table.get("fp32"))
    return float(value) if value else None
