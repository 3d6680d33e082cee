"""The one accuracy gate and the one validity rule, for both metric directions."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tournament.results import Estimate, Quality, Result, gate, quality_ratio

MakeResult = Callable[..., Result]


@pytest.mark.parametrize(
    ("value", "reference", "higher", "ratio", "passes"),
    [
        (0.98, 0.984, True, 0.98 / 0.984, True),
        (0.97, 0.984, True, 0.97 / 0.984, False),  # 0.9858 < 0.99
        (10.05, 10.0, False, 10.0 / 10.05, True),  # perplexity 0.5 % worse: kept
        (10.2, 10.0, False, 10.0 / 10.2, False),  # 2 % worse: refused
        (9.0, 10.0, False, 10.0 / 9.0, True),  # better than the reference
    ],
)
def test_gate_honours_the_direction(
    value: float, reference: float, higher: bool, ratio: float, passes: bool
) -> None:
    assert quality_ratio(value, reference, higher_is_better=higher) == pytest.approx(ratio)
    assert gate(value, reference, 0.99, higher_is_better=higher) is passes
    quality = Quality(value, "m", higher, reference, 0.99)
    assert quality.passes is passes and quality.ratio == pytest.approx(ratio)


def test_undefined_ratios_fail_the_gate() -> None:
    assert quality_ratio(1.0, 0.0, higher_is_better=True) is None
    assert quality_ratio(0.0, 5.0, higher_is_better=False) is None
    assert not gate(1.0, 0.0, 0.99, higher_is_better=True)
    assert not gate(float("nan"), 1.0, 0.99, higher_is_better=True)


def test_validity_needs_the_minimum_rules(make_result: MakeResult) -> None:
    result = make_result(min_rules_met=False)
    assert not result.valid
    assert result.invalid_reasons() == ["minimum duration or query count not met"]


def test_validity_needs_the_gate_at_the_class_asked(make_result: MakeResult) -> None:
    result = make_result(quality=0.975)  # ratio 0.9909 of 0.984
    assert result.valid
    (reason,) = result.invalid_reasons(target_ratio=0.999)
    assert reason.startswith("quality 0.975 misses the target 0.983")


def test_server_results_must_meet_their_latency_bound(make_result: MakeResult) -> None:
    rules = {"server_latency_bound_ms": 2.0, "server_target_qps": 100.0}
    within = make_result(1.0, scenario="server", rules=rules)
    over = make_result(5.0, scenario="server", rules=rules)
    assert within.valid
    assert over.invalid_reasons() == ["p99 5.45 ms over the 2 ms latency bound"]
    # the bound is the server scenario's rule: other scenarios do not apply it
    assert make_result(5.0, rules=rules).valid


def test_a_result_round_trips_as_plain_data(make_result: MakeResult) -> None:
    result = make_result(figures={"cost_usd_per_million": Estimate(1.5, 1.4, 1.6, unit="USD")})
    again = Result.from_dict(result.to_dict())
    assert again == result
    with pytest.raises(ValueError, match="not a result"):
        Result.from_dict({"scenario": "offline"})
