"""The accuracy gate: quality within a target ratio of the fp32 reference. Defined here only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def quality_ratio(value: float, reference: float, *, higher_is_better: bool) -> float | None:
    """Quality relative to the reference, oriented so that higher is always better.

    ``value / reference`` for a metric where higher is better (accuracy), ``reference / value``
    where lower is better (perplexity, error); ``None`` when the division is undefined.
    """
    numerator, denominator = (value, reference) if higher_is_better else (reference, value)
    if denominator == 0 or numerator != numerator or denominator != denominator:
        return None
    return numerator / denominator


def gate(value: float, reference: float, target_ratio: float, *, higher_is_better: bool) -> bool:
    """Whether ``value`` keeps the accuracy target: its :func:`quality_ratio` >= ``target_ratio``.

    Equivalently ``value >= target_ratio x reference`` (higher is better) or
    ``value <= reference / target_ratio`` (lower is better). Undefined ratios fail.
    """
    ratio = quality_ratio(value, reference, higher_is_better=higher_is_better)
    return ratio is not None and ratio >= target_ratio


@dataclass(frozen=True, slots=True)
class Quality:
    """The quality of the exact artifact that was timed, scored on the whole evaluation set.

    Attributes:
        value: the workload metric's value.
        metric: the workload metric's name (``accuracy``, ``cosine_to_fp32``...).
        higher_is_better: the metric's direction.
        reference: the fp32 reference model's value of the same metric.
        target_ratio: the accuracy class, e.g. 0.99 (99 % of the reference).
        label: the metric as a reader should see it (``top-1 accuracy``).
    """

    value: float
    metric: str
    higher_is_better: bool
    reference: float
    target_ratio: float
    label: str = ""

    @property
    def ratio(self) -> float | None:
        """:func:`quality_ratio` of this quality."""
        return quality_ratio(self.value, self.reference, higher_is_better=self.higher_is_better)

    @property
    def passes(self) -> bool:
        """:func:`gate` of this quality."""
        return gate(
            self.value, self.reference, self.target_ratio, higher_is_better=self.higher_is_better
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data (see :meth:`from_dict`)."""
        return {
            "value": self.value,
            "metric": self.metric,
            "higher_is_better": self.higher_is_better,
            "reference": self.reference,
            "target_ratio": self.target_ratio,
            "label": self.label,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quality:
        """The quality :meth:`to_dict` wrote."""
        return cls(
            value=float(data["value"]),
            metric=str(data["metric"]),
            higher_is_better=bool(data["higher_is_better"]),
            reference=float(data["reference"]),
            target_ratio=float(data["target_ratio"]),
            label=str(data.get("label", "")),
        )
