"""A round's ranking: its results gated per accuracy class, ranked, with Pareto and hypervolume.

How (documented in ``docs/rounds.md``):

* Groups: workload x scenario x machine x accuracy class of the round's spec (every
  combination the spec allows, with or without entries).
* Prices: when the spec has a price table, the cost figures of the results on the machines it
  lists are recomputed (:meth:`~tournament.cost.prices.PriceTable.pricing` and
  :func:`tournament.cost.priced`); stored results keep the figures they were measured with.
* One row per entry: the runs of an entry in a scenario (seeds x runs, each a fresh worker
  process, interleaved with the other entries) are aggregated into one result
  (:mod:`tournament.results.aggregate`: the mean of the runs with a 95 % t interval over
  runs), so ties and Pareto membership use intervals that cover run-to-run variance. Entries
  of several teams with one configuration share its measurements: they are ranked as one,
  each listed with the same rank, tied, naming the others in ``shared_with``.
* Validity in a class: :meth:`~tournament.results.Result.invalid_reasons` at the class's
  target ratio (minimum rules, accuracy gate, the scenario's own rule). Invalid rows are
  listed with the reasons, unranked.
* Rank, ties and Pareto rank: :func:`tournament.ranking.rank_results` with the scenario's
  primary metric and objectives (:mod:`tournament.ranking.objectives`).
* Hypervolume of the valid rows over the objectives they all have, with the workload's
  reference point from the spec (defaults: :data:`tournament.ranking.REFERENCE`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from tournament.cost import priced
from tournament.cost.prices import PriceTable
from tournament.ranking import Ranked, direction, hypervolume, rank_results, reference_point
from tournament.ranking.objectives import objectives_for, primary_metric
from tournament.ranking.table import complete_objectives, objective_points
from tournament.results import METRICS
from tournament.rounds.spec import RoundSpec
from tournament.store.aggregates import combine
from tournament.store.contract import StoreReader
from tournament.store.records import Entry, EntryRef, ResultRecord, RunRecord
from tournament.store.types import utcnow

ENTRY_FIELDS = (
    "submission_id",
    "team",
    "name",
    "config_hash",
    "variant",
    "runtime",
    "quantization",
    "batch_size",
)
"""Identity of an entry in the stored ranking; ``shared_with`` and its figures follow."""
TIE_RULE = "ties: 95 % CI overlaps the group leader's CI (docs/rounds.md)"


def repriced(
    store: StoreReader, records: Iterable[ResultRecord], table: PriceTable
) -> list[ResultRecord]:
    """``records`` with the cost figures of those on a machine ``table`` lists recomputed.

    The pricing is :meth:`PriceTable.pricing` of the machine's registered spec (a machine that
    is not registered has only the table's price) and the entry's configuration; the store is
    not written.
    """
    specs: dict[str, Mapping[str, Any]] = {}
    configs: dict[int, Mapping[str, Any]] = {}
    out = []
    for record in records:
        entry = record.entry
        if table.price_of(entry.machine) is None:
            out.append(record)
            continue
        if entry.machine not in specs:
            row = store.machine(entry.machine)
            specs[entry.machine] = {**(row.spec if row else {}), "id": entry.machine}
        if entry.submission_id not in configs:
            submission = store.submission(entry.submission_id)
            configs[entry.submission_id] = (submission.config if submission else None) or {
                "quantization": entry.quantization
            }
        pricing = table.pricing(specs[entry.machine], configs[entry.submission_id])
        out.append(replace(record, result=priced(record.result, pricing)))
    return out


def representative(records: Sequence[ResultRecord], primary: str) -> ResultRecord:
    """One entry's results in a scenario (seeds x runs) as one: their aggregate
    (:func:`tournament.store.aggregates.combine`, intervals over runs), shown under the oldest
    run's result id."""
    return combine(records)


def compute_ranking(
    store: StoreReader, name: str, spec: RoundSpec, spec_sha256: str
) -> dict[str, Any]:
    """The ranking of round ``name`` from its stored results (JSON-ready; see the module)."""
    records = store.results(round_name=name)
    if spec.prices is not None:
        records = repriced(store, records, spec.prices)
    entries = store.submissions(round_name=name)
    runs = [r for r in store.runs() if r.round_name == name]
    groups, frontiers = [], {}
    for scenario, rules in spec.scenarios.items():
        primary = primary_metric(scenario, rules.model_dump())
        objectives = objectives_for(scenario, rules.model_dump())
        cells: dict[tuple[str, str], list[Entry]] = {
            (w, m): [] for w in spec.workloads for m in spec.machines
        }
        for entry in entries:
            cells.setdefault((entry.workload, entry.machine), []).append(entry)
        for (workload, machine), members in sorted(cells.items()):
            scored = _representatives(records, members, scenario, primary)
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
            "representative": "aggregate of the entry's runs (mean, t interval over runs)",
            "prices": "round price table" if spec.prices else "as measured",
        },
        "hypervolume": frontiers,
        "groups": groups,
    }


def _representatives(
    records: list[ResultRecord], members: list[Entry], scenario: str, primary: str
) -> dict[int, tuple[ResultRecord, int]]:
    """Result id -> (the entry's representative result, how many results the entry had).

    Results are grouped by the entry they are shown for, the oldest of their configuration's:
    so by configuration, whose other entries are in each record's ``shared_with``.
    """
    ids = {m.id for m in members}
    by_entry: dict[int, list[ResultRecord]] = defaultdict(list)
    for record in records:
        if record.scenario == scenario and record.entry.submission_id in ids:
            by_entry[record.entry.submission_id].append(record)
    chosen = [(representative(r, primary), len(r)) for _, r in sorted(by_entry.items())]
    return {record.result_id: (record, count) for record, count in chosen}


def _missing(
    members: list[Entry],
    scored: dict[int, tuple[ResultRecord, int]],
    runs: list[RunRecord],
    scenario: str,
) -> list[dict[str, Any]]:
    have = {
        entry.submission_id
        for record, _ in scored.values()
        for entry in (record.entry, *record.shared_with)
    }
    out = []
    for entry in members:
        if entry.id in have:
            continue
        own = [  # the runs of the entry's configuration, which it may share
            r for r in runs if r.config_hash == entry.config_hash and r.scenario == scenario
        ]
        reasons = sorted({_run_state(r) for r in own})
        out.append(
            {
                "submission_id": entry.id,
                "team": entry.team,
                "name": entry.name,
                "reason": "; ".join(reasons) or "never run",
            }
        )
    return out


def _run_state(run: RunRecord) -> str:
    first = (run.error or "").splitlines()
    return f"{run.status}: {first[0]}" if first else str(run.status)


def _group(
    spec: RoundSpec,
    workload: str,
    scenario: str,
    machine: str,
    klass: str,
    ratio: float,
    primary: str,
    objectives: tuple[str, ...],
    scored: dict[int, tuple[ResultRecord, int]],
) -> dict[str, Any]:
    ranked = rank_results(
        [record for record, _ in scored.values()],
        primary=primary,
        objectives=objectives,
        target_ratio=ratio,
    )
    valid = [r.record for r in ranked if r.rank is not None]
    used = complete_objectives(valid, objectives)
    overrides = spec.workloads[workload].hypervolume_reference
    reference = reference_point(used, overrides)
    volume = None
    if valid and used:
        points = objective_points(valid, used)
        volume = hypervolume(points, [direction(o) for o in used], reference)
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
        "entries": [
            _entry(r, primary, scored[r.result_id][1], entry)
            for r in ranked
            for entry in (r.record.entry, *r.record.shared_with)
        ],
    }


def _entry(ranked: Ranked, primary: str, results: int, entry: EntryRef) -> dict[str, Any]:
    """One entry of a stored ranking group (JSON-ready; read by exports and the leaderboard):
    ``entry``, one of those the ranked measurement serves."""
    record = ranked.record
    others = [
        e for e in (record.entry, *record.shared_with) if e.submission_id != entry.submission_id
    ]
    data: dict[str, Any] = {"result_id": record.result_id}
    data.update({k: getattr(entry, k) for k in ENTRY_FIELDS})
    data["shared_with"] = [e.label for e in others]
    data["repeat"] = record.repeat
    data["quality"] = record.result.quality.value
    data["reference_quality"] = record.result.quality.reference
    data.update({m.name: record.value(m.name) for m in METRICS})
    figure = record.figure(primary)
    low, high = (None, None) if figure is None else (figure.ci_low, figure.ci_high)
    data.update(
        value=None if figure is None else figure.value,
        ci_low=low,
        ci_high=high,
        rank=ranked.rank,
        tied=ranked.tied or (ranked.rank is not None and bool(others)),
        pareto_rank=ranked.pareto_rank,
        valid=ranked.valid,
        invalid_reason="; ".join(ranked.invalid_reasons) or None,
        invalid_reasons=list(ranked.invalid_reasons),
        results=results,
    )
    return data
