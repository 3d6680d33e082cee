"""rank_results: groups, ranks with ties, Pareto ranks; invalid records unranked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tournament.errors import UserError
from tournament.ranking import objectives_for, primary_metric
from tournament.ranking.objectives import direction
from tournament.ranking.table import Ranked, complete_objectives, rank_by_scenario, rank_results
from tournament.results import Estimate, Provenance, Quality, Result
from tournament.store.records import ResultRecord

Make = Callable[..., Any]


@pytest.fixture
def record(make_result: Make, make_record: Make) -> Callable[..., ResultRecord]:
    """A record with p99 ``p99`` +- ``half``; ``figures``, ``quality``, ``scenario``, ``rules``
    go to the result, anything else to the entry."""

    def build(result_id: int, p99: float, half: float, **extra: Any) -> ResultRecord:
        figures: dict[str, Any] = {
            "latency_p99_ms": Estimate(p99, p99 - half, p99 + half, unit="ms"),
            "latency_p90_ms": Estimate(p99 / 2, unit="ms"),
            "cost_usd_per_million": 1.0,
            "energy_j_per_query": 0.5,
            "throughput_sps": 1000.0 / p99,
        }
        figures.update(extra.pop("figures", {}))
        result_fields = {k: extra.pop(k) for k in ("quality", "scenario", "rules") if k in extra}
        result: Result = make_result(figures=figures, **result_fields)
        return make_record(result, result_id, **extra)  # type: ignore[no-any-return]

    return build


def quality(value: float, target: float = 0.99) -> Quality:
    return Quality(value, "accuracy", True, 1.0, target, "top-1 accuracy")


def by_id(ranked: list[Ranked]) -> dict[int, Ranked]:
    return {r.result_id: r for r in ranked}


def test_ranks_ties_and_pareto(record: Callable[..., ResultRecord]) -> None:
    records = [
        record(1, 2.0, 0.1),
        record(2, 2.05, 0.1, figures={"energy_j_per_query": 0.1}),  # tied on p99, less energy
        record(3, 5.0, 0.1, figures={"quality_ratio": 1.1}),  # slower, better quality: front
        record(4, 6.0, 0.1),  # dominated by 1
        record(5, 1.0, 0.1, quality=0.5),  # fast but fails its accuracy gate
        record(6, 3.0, 0.1, machine="other"),  # another group
    ]
    ranked = rank_results(records)
    found = by_id(ranked)
    assert [r.result_id for r in ranked] == [1, 2, 3, 4, 5, 6]
    assert [(found[i].rank, found[i].tied) for i in (1, 2, 3, 4)] == [
        (1, True),
        (1, True),
        (3, False),
        (4, False),
    ]
    assert [found[i].pareto_rank for i in (1, 2, 3, 4)] == [1, 1, 1, 2]
    assert (found[5].rank, found[5].pareto_rank, found[5].tied) == (None, None, False)
    assert not found[5].valid and "misses the target" in found[5].invalid_reasons[0]
    assert (found[6].rank, found[6].pareto_rank) == (1, 1)


def test_accuracy_class_decides_validity(record: Callable[..., ResultRecord]) -> None:
    records = [record(1, 2.0, 0.1, quality=quality(0.995)), record(2, 3.0, 0.1)]
    own = by_id(rank_results(records))
    assert own[1].rank == 1  # 0.995 passes its own 0.99 target
    strict = by_id(rank_results(records, target_ratio=0.999))
    assert strict[1].rank is None and strict[1].invalid_reasons == (
        "quality 0.995 misses the target 0.999 (0.999 x reference 1)",
    )
    assert strict[2].rank is None  # the default result's 0.98 / 0.984 misses 0.999 too


def test_lower_is_better_quality_gate(record: Callable[..., ResultRecord]) -> None:
    lower = Quality(1.01, "perplexity", False, 1.0, 0.99, "perplexity")
    worse = Quality(1.02, "perplexity", False, 1.0, 0.99, "perplexity")
    ranked = by_id(
        rank_results([record(1, 2.0, 0.1, quality=lower), record(2, 1.0, 0.1, quality=worse)])
    )
    assert ranked[1].valid and not ranked[2].valid  # 1 / 1.02 < 0.99


def test_server_bound_invalidates(record: Callable[..., ResultRecord]) -> None:
    rules = {"min_queries": 200, "server_latency_bound_ms": 5.0, "server_target_qps": 100}
    late = record(1, 7.5, 0.1, scenario="server", rules=rules)
    (ranked,) = rank_results([late])
    assert ranked.invalid_reasons == ("p99 7.5 ms over the 5 ms latency bound",)


def test_missing_objective_is_left_out_of_pareto(record: Callable[..., ResultRecord]) -> None:
    records = [
        record(1, 2.0, 0.1, figures={"energy_j_per_query": None}),
        record(2, 3.0, 0.1, figures={"energy_j_per_query": 0.1}),
    ]
    # without energy, result 1 dominates result 2 (same cost and quality, lower p99)
    assert [r.pareto_rank for r in rank_results(records)] == [1, 2]


def test_unknown_primary_figure_is_unranked(record: Callable[..., ResultRecord]) -> None:
    records = [record(1, 2.0, 0.1, figures={"latency_p99_ms": None}), record(2, 3.0, 0.1)]
    found = by_id(rank_results(records))
    assert found[1].rank is None and found[1].valid and found[2].rank == 1


def test_primary_metric_and_unknown_metric(record: Callable[..., ResultRecord]) -> None:
    records = [record(1, 2.0, 0.1), record(2, 3.0, 0.1)]
    ranked = rank_results(records, primary="throughput_sps", objectives=["throughput_sps"])
    assert [(r.result_id, r.rank) for r in ranked] == [(1, 1), (2, 2)]
    with pytest.raises(UserError, match="unknown metric 'speed'"):
        rank_results(records, primary="speed")
    with pytest.raises(UserError, match="'peak_rss_mb' cannot be ranked on"):
        rank_results(records, primary="peak_rss_mb")


def test_cost_interval_comes_with_the_figure(record: Callable[..., ResultRecord]) -> None:
    from tournament.cost import priced
    from tournament.results import Pricing

    throughput = Estimate(500.0, 400.0, 625.0, unit="samples/s")
    base = record(1, 2.0, 0.1, figures={"throughput_sps": throughput}).result
    cost = priced(base, Pricing(3.6, None, None)).figure("cost_usd_per_million")
    assert cost is not None and cost.has_interval
    low, high = cost.bounds()
    assert (cost.value, low, high) == pytest.approx((2.0, 1.6, 2.5))


def test_directions_and_primaries_come_from_the_tables() -> None:
    assert (direction("throughput_sps"), direction("latency_p99_ms")) == ("max", "min")
    assert direction("quality_ratio") == "max"
    assert primary_metric("single-stream") == "latency_p90_ms"
    assert primary_metric("offline") == "throughput_sps"
    assert primary_metric("server", {"server_find_peak": True}) == "throughput_sps"
    assert primary_metric("server", {"server_find_peak": False}) == "latency_p99_ms"
    assert objectives_for("offline")[1:] == (
        "cost_usd_per_million",
        "energy_j_per_sample",
        "quality_ratio",
    )
    with pytest.raises(UserError, match="unknown scenario 'batch'"):
        primary_metric("batch")


def test_rank_by_scenario_uses_each_primary(record: Callable[..., ResultRecord]) -> None:
    offline = [
        record(1, 2.0, 0.1, scenario="offline", figures={"throughput_sps": 10.0}),
        record(2, 1.0, 0.1, scenario="offline", figures={"throughput_sps": 50.0}),
    ]
    single = [
        record(3, 2.0, 0.1, figures={"latency_p90_ms": 5.0}),
        record(4, 3.0, 0.1, figures={"latency_p90_ms": 1.0}),
    ]
    ranked = {r.result_id: r.rank for r in rank_by_scenario(offline + single)}
    assert ranked == {2: 1, 1: 2, 4: 1, 3: 2}


def test_results_of_different_rules_are_never_ranked_together(
    record: Callable[..., ResultRecord], make_result: Make
) -> None:
    full = dict(make_result().rules)
    quick = {**full, "min_duration_s": 0.2, "min_queries": 64}
    records = [
        record(1, 2.0, 0.1, rules=full),
        record(2, 1.0, 0.1, rules=quick),  # faster, but measured under other rules
        record(3, 3.0, 0.1, rules={**full, "seed": 7}),  # the seed does not make other rules
    ]
    found = by_id(rank_results(records))
    assert (found[1].rank, found[3].rank) == (1, 2)  # one group: full rules, any seed
    assert found[2].rank == 1  # its own group
    by_scenario = by_id(rank_by_scenario(records))
    assert (by_scenario[1].rank, by_scenario[2].rank, by_scenario[3].rank) == (1, 1, 2)


def test_an_estimated_objective_is_left_out_unless_chosen(
    record: Callable[..., ResultRecord],
) -> None:
    def energy(value: float) -> Estimate:
        return Estimate(value, unit="J", provenance=Provenance.ESTIMATED, method="cpu time")

    records = [
        record(1, 2.0, 0.1, figures={"energy_j_per_query": energy(0.5)}),
        record(2, 3.0, 0.1, figures={"energy_j_per_query": energy(0.01)}),  # slower, "greener"
    ]
    default = by_id(rank_results(records))
    assert [default[i].pareto_rank for i in (1, 2)] == [1, 2]  # the estimate does not count
    chosen = by_id(rank_results(records, include_estimates=True))
    assert [chosen[i].pareto_rank for i in (1, 2)] == [1, 1]  # chosen: it makes 2 a trade-off
    assert complete_objectives(records, ["energy_j_per_query"]) == []
    assert complete_objectives(records, ["energy_j_per_query"], include_estimates=True) == [
        "energy_j_per_query"
    ]
