"""A round's ranking: its results gated per accuracy class, ranked, with Pareto and hypervolume.

How (documented in ``docs/rounds.md``):

* Groups: workload x scenario x machine x accuracy class of the round's spec (every
  combination the spec allows, with or without entries).
* Prices: when the spec has a price table, cost per million samples is recomputed with the
  round's price of the machine (stored results keep the figures they were measured with).
* One row per entry: an entry with several results in a scenario (seeds x repeats) is
  represented by its median result on the primary metric (for an even count, the worse of
  the two middle ones).
* Gate: a row is valid in a class when the minimum duration and query count were met, its
  quality reaches the class's target ratio of the fp32 reference, and (server) its p99 meets
  the latency bound. Invalid rows are listed with the reason, unranked.
* Rank, ties and Pareto rank: :func:`tournament.ranking.rank_results` with the scenario's
  primary metric and objectives (:mod:`tournament.ranking.objectives`).
* Hypervolume of the valid rows over the objectives they all have, with the workload's
  reference point from the spec (defaults: :data:`tournament.ranking.REFERENCE`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from tournament.ranking import DIRECTIONS, hypervolume, rank_results, reference_point
from tournament.ranking.objectives import objectives_for, primary_metric
from tournament.ranking.table import complete_objectives, finite
from tournament.rounds.spec import RoundSpec
from tournament.store.types import utcnow

ENTRY_FIELDS = (
    "result_id",
    "submission_id",
    "team",
    "name",
    "config_hash",
    "variant",
    "runtime",
    "quantization",
    "batch_size",
    "repeat",
    "latency_p50_ms",
    "latency_p90_ms",
    "latency_p99_ms",
    "throughput_sps",
    "quality",
    "reference_quality",
    "energy_j_per_query",
    "cost_usd_per_million",
    "rank",
    "tied",
    "pareto_rank",
    "valid",
    "invalid_reason",
)
TIE_RULE = "ties: 95 % CI overlaps the group leader's CI (docs/rounds.md)"


def higher_is_better(workload: str) -> bool:
    """Direction of the workload's quality metric (True when unknown)."""
    import workloads

    try:
        return bool(workloads.get(workload).metric.higher_is_better)
    except KeyError:
        return True


def gate(row: dict[str, Any], ratio: float, higher: bool, spec: RoundSpec) -> str | None:
    """Why ``row`` is invalid in a class of target ``ratio`` (None: it is valid)."""
    if not row.get("min_rules_met"):
        return "minimum duration or query count not met"
    quality, reference = float(row["quality"]), float(row["reference_quality"])
    target = ratio * reference if higher else reference / ratio
    if (quality < target) if higher else (quality > target):
        return f"quality {quality:.6g} misses the target {target:.6g} ({ratio:g} x reference)"
    server = spec.scenarios.get("server")
    if row["scenario"] == "server" and server is not None:
        bound = server.server_latency_bound_ms
        if float(row["latency_p99_ms"]) > bound:
            return f"p99 {row['latency_p99_ms']:.4g} ms over the {bound:g} ms latency bound"
    return None


def with_round_prices(rows: list[dict[str, Any]], spec: RoundSpec) -> list[dict[str, Any]]:
    """Copies of ``rows`` whose costs use the round's price table where it lists the machine."""
    from hardware.cost import cost_usd_per_million, energy_cost_usd_per_million

    out = []
    for row in rows:
        row = dict(row)
        price = spec.prices.price_of(row["machine"]) if spec.prices else None
        if price is not None:
            row["price_usd_per_hour"] = price.price_usd_per_hour
            if finite(row.get("throughput_sps")) and row["throughput_sps"] > 0:
                row["cost_usd_per_million"] = cost_usd_per_million(
                    price.price_usd_per_hour, row["throughput_sps"]
                )
            if price.tariff_usd_per_kwh is not None and finite(row.get("energy_j_per_sample")):
                row["tariff_usd_per_kwh"] = price.tariff_usd_per_kwh
                row["energy_cost_usd_per_million"] = energy_cost_usd_per_million(
                    row["energy_j_per_sample"], price.tariff_usd_per_kwh
                )
        out.append(row)
    return out


def representative(rows: list[dict[str, Any]], primary: str) -> dict[str, Any]:
    """The median result of one entry on ``primary`` (the worse middle one for even counts)."""
    sign = -1.0 if DIRECTIONS[primary] == "max" else 1.0
    ordered = sorted(rows, key=lambda r: (sign * _value(r, primary), r["result_id"]))
    chosen = dict(ordered[len(ordered) // 2])
    chosen["results"] = len(rows)
    return chosen


def _value(row: dict[str, Any], metric: str) -> float:
    value = row.get(metric)
    return float(value) if value is not None and finite(value) else math.inf


def compute_ranking(store: Any, name: str, spec: RoundSpec, spec_sha256: str) -> dict[str, Any]:
    """The ranking of round ``name`` from its stored results (JSON-ready; see the module)."""
    rows = with_round_prices(store.results(round_name=name), spec)
    entries = store.submissions(round_name=name)
    runs = [r for r in store.runs() if r["round_name"] == name]
    groups, frontiers = [], {}
    for scenario, rules in spec.scenarios.items():
        primary = primary_metric(scenario, rules.model_dump())
        objectives = objectives_for(scenario, rules.model_dump())
        cells: dict[tuple[str, str], list[dict[str, Any]]] = {
            (w, m): [] for w in spec.workloads for m in spec.machines
        }
        for entry in entries:
            cells.setdefault((entry["workload"], entry["machine"]), []).append(entry)
        for (workload, machine), members in sorted(cells.items()):
            scored = _representatives(rows, members, scenario, primary)
            missing = _missing(members, scored, runs, scenario)
            for klass, ratio in spec.workloads[workload].target_ratios.items():
                group = _group(
                    spec, workload, scenario, machine, klass, ratio, primary, objectives, scored
                )
                group["missing"] = missing
                groups.append(group)
                if group["hypervolume"] is not None:
                    frontiers[group["frontier"]] = group["hypervolume"]
    return {
        "round": name,
        "spec_sha256": spec_sha256,
        "computed_at": utcnow().isoformat(),
        "method": {
            "tie_rule": TIE_RULE,
            "representative": "median result per entry",
            "prices": "round price table" if spec.prices else "as measured",
        },
        "hypervolume": frontiers,
        "groups": groups,
    }


def _representatives(
    rows: list[dict[str, Any]], members: list[dict[str, Any]], scenario: str, primary: str
) -> list[dict[str, Any]]:
    ids = {m["id"] for m in members}
    by_entry: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["scenario"] == scenario and row["submission_id"] in ids:
            by_entry[row["submission_id"]].append(row)
    return [representative(r, primary) for _, r in sorted(by_entry.items())]


def _missing(
    members: list[dict[str, Any]],
    scored: list[dict[str, Any]],
    runs: list[dict[str, Any]],
    scenario: str,
) -> list[dict[str, Any]]:
    have = {r["submission_id"] for r in scored}
    out = []
    for entry in members:
        if entry["id"] in have:
            continue
        own = [r for r in runs if r["submission_id"] == entry["id"] and r["scenario"] == scenario]
        reasons = sorted({_run_state(r) for r in own})
        out.append(
            {
                "submission_id": entry["id"],
                "team": entry["team"],
                "name": entry["name"],
                "reason": "; ".join(reasons) or "never run",
            }
        )
    return out


def _run_state(run: dict[str, Any]) -> str:
    first = (run.get("error") or "").splitlines()
    return f"{run['status']}: {first[0]}" if first else str(run["status"])


def _group(
    spec: RoundSpec,
    workload: str,
    scenario: str,
    machine: str,
    klass: str,
    ratio: float,
    primary: str,
    objectives: tuple[str, ...],
    scored: list[dict[str, Any]],
) -> dict[str, Any]:
    higher = higher_is_better(workload)
    gated = []
    for row in scored:
        reason = gate(row, ratio, higher, spec)
        gated.append({**row, "valid": reason is None, "invalid_reason": reason})
    ranked = rank_results(gated, primary=primary, objectives=objectives)
    valid = [r for r in ranked if r["rank"] is not None]
    used = complete_objectives(valid, objectives)
    reference = reference_point(used, spec.workloads[workload].hypervolume_reference)
    volume = None
    if valid and used:
        points = [[float(r[o]) for o in used] for r in valid]
        volume = hypervolume(points, [DIRECTIONS[o] for o in used], reference)
    return {
        "frontier": f"{workload}/{scenario}/{machine}/{klass}",
        "workload": workload,
        "scenario": scenario,
        "machine": machine,
        "accuracy_class": klass,
        "target_ratio": ratio,
        "primary": primary,
        "objectives": used,
        "reference": reference,
        "hypervolume": volume,
        "entries": [_entry(r, primary) for r in ranked],
    }


def _entry(row: dict[str, Any], primary: str) -> dict[str, Any]:
    from tournament.ranking.table import ci_of

    low, high = ci_of(row, primary)
    data = {k: row.get(k) for k in ENTRY_FIELDS}
    data.update(value=row.get(primary), ci_low=low, ci_high=high, results=row.get("results", 1))
    return data
