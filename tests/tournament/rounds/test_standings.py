"""Round standings from a real store: validity per accuracy class, round prices, the median
representative, missing entries and hypervolume (made-up results, recorded the one way)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tournament.results import Estimate, IntervalKind, Quality, Result
from tournament.rounds import create_round, open_round, parse_round_spec
from tournament.rounds.standings import compute_ranking, representative
from tournament.store import Store

from .conftest import entry, spec_data

Make = Callable[..., Any]


def quality(value: float) -> Quality:
    return Quality(value, "accuracy", True, 0.99, 0.99, "top-1 accuracy")


def play(store: Store, results: dict[str, list[Result]], **overrides: Any) -> dict[str, Any]:
    """A round of the examples in ``results`` (example -> one result per repeat), recorded and
    ranked; the entries of examples with no results stay unmeasured."""
    repeats = max(len(r) for r in results.values())
    spec = parse_round_spec(spec_data(repeats=repeats, **overrides))
    create_round(store, spec)
    open_round(store, spec.name)
    ids = {name: store.add_round_entry(entry(name), spec.name)[0] for name in results}
    ((scenario, rules),) = spec.plan()
    store.queue_runs(scenario, rules, round_name=spec.name, repeats=repeats)
    by_id = {v: k for k, v in ids.items()}
    for task in store.pending_runs(round_name=spec.name):
        own = results[by_id[task.submission_id]]
        if task.repeat < len(own):
            store.record_result(task.run_id, own[task.repeat])
    return compute_ranking(store, spec.name, spec, "sha")


def entries(ranking: dict[str, Any], klass: str) -> dict[str, dict[str, Any]]:
    (group,) = [g for g in ranking["groups"] if g["accuracy_class"] == klass]
    return {e["name"]: e for e in group["entries"]}


def test_validity_per_accuracy_class(store: Store, make_result: Make) -> None:
    ranking = play(
        store,
        {
            "digits-torch-fp32": [make_result(quality=quality(0.9802))],
            "digits-ort-fp32": [make_result(quality=quality(0.98))],
        },
    )
    loose, strict = entries(ranking, "99"), entries(ranking, "99.9")
    assert loose["digits-torch-fp32"]["valid"] and loose["digits-torch-fp32"]["rank"] == 1
    assert loose["digits-ort-fp32"]["invalid_reason"] == (
        "quality 0.98 misses the target 0.9801 (0.99 x reference 0.99)"
    )
    assert strict["digits-torch-fp32"]["invalid_reason"] == (
        "quality 0.9802 misses the target 0.98901 (0.999 x reference 0.99)"
    )
    assert strict["digits-torch-fp32"]["rank"] is None


def test_minimum_rules_and_lower_is_better_quality(store: Store, make_result: Make) -> None:
    error = Quality(1.01, "error", False, 1.0, 0.99, "error")  # 1 / 1.01 >= 0.99: passes
    ranking = play(
        store,
        {
            "digits-torch-fp32": [make_result(quality=error)],
            "digits-ort-fp32": [make_result(quality=quality(0.99), min_rules_met=False)],
        },
    )
    loose = entries(ranking, "99")
    assert loose["digits-torch-fp32"]["valid"]
    assert loose["digits-ort-fp32"]["invalid_reason"] == "minimum duration or query count not met"


def test_round_prices_recompute_costs(store: Store, make_result: Make) -> None:
    spec = {"id": "local", "price_usd_per_hour": 0.0, "tariff_usd_per_kwh": 0.15}
    store.upsert_machine("local", spec, 0.0, 0.15, None, "")
    throughput = Estimate(1000.0, 900.0, 1100.0, unit="samples/s")
    energy = Estimate(0.36, unit="J")
    figures = {"throughput_sps": throughput, "energy_j_per_sample": energy}
    ranking = play(
        store, {"digits-torch-fp32": [make_result(quality=quality(0.99), figures=figures)]}
    )
    (e,) = entries(ranking, "99").values()
    assert e["cost_usd_per_million"] == pytest.approx(0.1 / 3600 / 1000 * 1e6)
    assert e["energy_cost_usd_per_million"] == pytest.approx(0.36 * 1e6 / 3.6e6 * 0.3)
    (stored,) = store.results(round_name="flow")
    assert stored.value("cost_usd_per_million") is None  # the store keeps what was measured
    assert ranking["method"]["prices"] == "round price table"


def test_an_entry_is_ranked_on_the_aggregate_of_its_runs(store: Store, make_result: Make) -> None:
    p90s = [3.0, 1.0, 2.0, 4.0]
    results = [make_result(quality=quality(0.99), figures={"latency_p90_ms": v}) for v in p90s]
    ranking = play(store, {"digits-torch-fp32": results, "digits-ort-fp32": []})
    (e,) = [x for x in entries(ranking, "99").values()]
    assert (e["latency_p90_ms"], e["value"], e["results"]) == (2.5, 2.5, 4)  # the mean of 4
    assert "aggregate" in ranking["method"]["representative"]
    (group,) = [g for g in ranking["groups"] if g["accuracy_class"] == "99"]
    assert group["missing"] == [
        {
            "submission_id": group["missing"][0]["submission_id"],
            "team": "baseline",
            "name": "digits-ort-fp32",
            "reason": "queued",
        }
    ]


def test_a_figure_some_run_lacks_is_unknown_for_the_entry(
    make_result: Make, make_record: Make
) -> None:
    def tps(v: float) -> Estimate:
        return Estimate(v, v * 0.99, v * 1.01, unit="samples/s")

    tput = [10.0, 30.0, 20.0]
    records = [
        make_record(make_result(figures={"throughput_sps": tps(v)}), i, config_hash="c" * 64)
        for i, v in enumerate(tput)
    ]
    merged = representative(records, "throughput_sps")
    assert merged.value("throughput_sps") == 20.0 and merged.result_ids == (0, 1, 2)
    figure = merged.figure("throughput_sps")
    assert figure is not None and figure.interval is IntervalKind.BETWEEN_RUNS
    unknown = make_record(make_result(figures={"throughput_sps": None}), 9, config_hash="c" * 64)
    assert representative([*records[:2], unknown], "throughput_sps").value("throughput_sps") is None


def test_hypervolume_over_quality_ratio(store: Store, make_result: Make) -> None:
    ranking = play(store, {"digits-torch-fp32": [make_result(quality=quality(0.99))]})
    (group,) = [g for g in ranking["groups"] if g["accuracy_class"] == "99"]
    assert "quality_ratio" in group["objectives"] and "quality" not in group["objectives"]
    assert group["hypervolume"] is not None


def test_repricing_leaves_unlisted_machines_alone(
    store: Store, make_result: Make, make_record: Make
) -> None:
    from tournament.cost.prices import PriceTable
    from tournament.rounds.standings import repriced

    table = PriceTable.model_validate({"local": {"price_usd_per_hour": 3.6}})
    elsewhere = make_record(make_result(figures={"cost_usd_per_million": 7.0}), machine="other")
    assert repriced(store, [elsewhere], table) == [elsewhere]
    (local,) = repriced(store, [make_record(make_result(), machine="local")], table)
    throughput = local.value("throughput_sps")
    assert throughput is not None
    assert local.value("cost_usd_per_million") == pytest.approx(1000.0 / throughput)
    assert local.result.pricing is not None and local.result.pricing.source == "price table"


def test_entries_sharing_a_configuration_share_its_rank(store: Store, make_result: Make) -> None:
    spec = parse_round_spec(spec_data())
    create_round(store, spec)
    open_round(store, spec.name)
    first = entry("digits-torch-fp32")
    twin = first.model_copy(update={"team": "rival", "name": "same-config"})
    ids = [store.add_round_entry(s, spec.name)[0] for s in (first, twin, entry("digits-ort-fp32"))]
    ((scenario, rules),) = spec.plan()
    assert len(store.queue_runs(scenario, rules, round_name=spec.name)) == 2  # two configurations
    for task, p50 in zip(store.pending_runs(round_name=spec.name), (1.0, 5.0), strict=True):
        store.record_result(task.run_id, make_result(p50, quality=quality(0.99)))
    ranked = entries(play_ranking(store, spec), "99")
    assert set(ranked) == {"digits-torch-fp32", "same-config", "digits-ort-fp32"}
    mine, theirs = ranked["digits-torch-fp32"], ranked["same-config"]
    assert (theirs["submission_id"], theirs["team"]) == (ids[1], "rival")
    assert mine["result_id"] == theirs["result_id"] and mine["rank"] == theirs["rank"] == 1
    assert mine["tied"] and theirs["tied"]
    assert (mine["shared_with"], theirs["shared_with"]) == (
        ["rival/same-config"],
        ["baseline/digits-torch-fp32"],
    )
    assert ranked["digits-ort-fp32"]["rank"] == 2 and ranked["digits-ort-fp32"]["shared_with"] == []
    (group,) = [g for g in play_ranking(store, spec)["groups"] if g["accuracy_class"] == "99"]
    assert group["missing"] == []


def play_ranking(store: Store, spec: Any) -> dict[str, Any]:
    return compute_ranking(store, spec.name, spec, "sha")
