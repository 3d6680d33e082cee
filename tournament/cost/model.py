"""The cost model: the one place where a result's figures and a machine's prices make costs.

* ``cost_usd_per_million = price_usd_per_hour / 3600 / throughput_sps x 1e6`` (the machine's
  time for a million samples at the measured throughput).
* ``energy_cost_usd_per_million = energy_j_per_sample x 1e6 / 3.6e6 x tariff_usd_per_kwh``
  (1 kWh = 3.6e6 J).
* ``roofline_fraction = gflops_per_s / peak GFLOP/s`` of the precision the model ran in, at
  the threads it ran with: the machine's measured peak where it has one, else the nominal
  one (:mod:`tournament.cost.roofline`; ``Pricing.peak_source`` says which).
* ``result.extra["roofline"]``: the compute/memory ``bound`` judgement
  (:func:`tournament.cost.roofline.bound_of`), set by :func:`priced` when it is known.

The two costs are reported separately and never added: a cloud price already includes the
electricity, while for owned hardware the price per hour is the amortisation and the energy
cost comes on top. Intervals are carried from the figure each cost is derived from. A price,
tariff or peak nobody gave is unknown, and so is the figure that needs it (never 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tournament.cost.roofline import (
    bound_of,
    measured_bandwidth,
    measured_peak,
    nominal_peak,
    threads_of,
)
from tournament.results.estimate import Estimate, IntervalKind, Provenance
from tournament.results.result import Pricing, Result

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

COST_FIGURES = ("cost_usd_per_million", "energy_cost_usd_per_million", "roofline_fraction")
"""The figures :func:`costs` computes."""


def precision_of(quantization: str | None) -> str:
    """The arithmetic precision of a quantization name (``fp32`` when absent or unknown)."""
    return PRECISION_OF_QUANTIZATION.get(str(quantization or "fp32"), "fp32")


def pricing_for(machine: Mapping[str, Any], config: Mapping[str, Any]) -> Pricing:
    """The prices of ``machine`` (a machine spec as a dict) for a configuration.

    ``config`` is a submission's configuration (``quantization``,
    ``runtime_options.execution_provider`` and ``intra_op_threads``); the peak is the first
    GPU's for a GPU run, else the CPU's measured peak for the precision the quantization runs
    in at the configuration's threads, else its nominal peak (rules in
    :mod:`tournament.cost.roofline`).
    """
    options = config.get("runtime_options") or {}
    precision = precision_of(config.get("quantization"))
    device = str(options.get("execution_provider") or "cpu")
    threads = threads_of(config)
    gpus = machine.get("gpus") or []
    on_gpu = device in ("cuda", "gpu") and bool(gpus)
    measured = None if on_gpu else machine.get("measured")
    chosen = measured_peak(measured, precision, threads) if measured else None
    if chosen is None:
        chosen = nominal_peak(machine, precision, threads, gpu=on_gpu)
    peak, peak_source = chosen if chosen else (None, "")
    return Pricing(
        price_usd_per_hour=_opt(machine.get("price_usd_per_hour")),
        tariff_usd_per_kwh=_opt(machine.get("tariff_usd_per_kwh")),
        peak_gflops=peak,
        precision=precision,
        device=device,
        source=str(machine.get("price_source") or f"machine {machine.get('id', '?')}"),
        price_date=None if machine.get("price_date") is None else str(machine["price_date"]),
        peak_source=peak_source,
        threads=threads,
        bandwidth_gb_s=measured_bandwidth(measured, threads),
    )


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


def costs(result: Result, pricing: Pricing) -> dict[str, Estimate | None]:
    """The cost figures of ``result`` at ``pricing``: every name of :data:`COST_FIGURES`,
    ``None`` where an input is unknown."""
    return {
        "cost_usd_per_million": _machine_cost(result.figure("throughput_sps"), pricing),
        "energy_cost_usd_per_million": _energy_cost(result.figure("energy_j_per_sample"), pricing),
        "roofline_fraction": _roofline(result.figure("gflops_per_s"), pricing),
    }


def priced(result: Result, pricing: Pricing) -> Result:
    """``result`` with its cost figures computed at ``pricing`` (and the pricing kept).

    When the compute/memory judgement is known (:func:`tournament.cost.roofline.bound_of`)
    it is kept in ``extra["roofline"]``; when it is unknown that key is absent (a judgement
    from earlier prices is removed), so ``bound_of(result, result.pricing)`` says why.
    """
    bound = bound_of(result, pricing)
    extra = {k: v for k, v in result.extra.items() if k != "roofline"}
    if bound.bound is not None:
        extra["roofline"] = bound.to_dict()
    return result.with_figures(costs(result, pricing), pricing=pricing, extra=extra)


def _machine_cost(throughput: Estimate | None, pricing: Pricing) -> Estimate | None:
    price = pricing.price_usd_per_hour
    if throughput is None or price is None or throughput.value <= 0:
        return None
    low, high = throughput.bounds()
    cost = lambda sps: cost_usd_per_million(price, sps) if sps > 0 else float("inf")  # noqa: E731
    return _derived(
        cost(throughput.value),
        (cost(high), cost(low)) if throughput.has_interval else None,
        "USD",
        throughput,
        f"price {price:g} USD/h ({pricing.source}) / 3600 / throughput_sps x 1e6",
    )


def _energy_cost(energy: Estimate | None, pricing: Pricing) -> Estimate | None:
    tariff = pricing.tariff_usd_per_kwh
    if energy is None or tariff is None:
        return None
    low, high = energy.bounds()
    return _derived(
        energy_cost_usd_per_million(energy.value, tariff),
        (
            (energy_cost_usd_per_million(low, tariff), energy_cost_usd_per_million(high, tariff))
            if energy.has_interval
            else None
        ),
        "USD",
        energy,
        f"energy_j_per_sample x 1e6 / 3.6e6 x tariff {tariff:g} USD/kWh ({pricing.source})",
    )


def _roofline(gflops: Estimate | None, pricing: Pricing) -> Estimate | None:
    peak = pricing.peak_gflops
    if gflops is None or peak is None or peak <= 0:
        return None
    low, high = gflops.bounds()
    return _derived(
        gflops.value / peak,
        (low / peak, high / peak) if gflops.has_interval else None,
        "fraction",
        gflops,
        f"gflops_per_s / {pricing.precision} peak {peak:.4g} GFLOP/s on {pricing.device}"
        + (f" ({pricing.peak_source})" if pricing.peak_source else ""),
    )


def _derived(
    value: float, bounds: tuple[float, float] | None, unit: str, source: Estimate, method: str
) -> Estimate:
    """A figure derived from ``source``: an estimate if ``source`` is one, else derived."""
    estimated = source.provenance is Provenance.ESTIMATED
    return Estimate(
        value=value,
        ci_low=None if bounds is None else min(bounds[0], value),
        ci_high=None if bounds is None else max(bounds[1], value),
        unit=unit,
        provenance=Provenance.ESTIMATED if estimated else Provenance.DERIVED,
        method=f"{method}; from an estimate: {source.method}" if estimated else method,
        interval=IntervalKind.PROPAGATED if bounds is not None else None,
    )


def _opt(value: Any) -> float | None:
    return None if value is None else float(value)
