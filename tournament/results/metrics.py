"""The metric table: every figure a result can carry, defined once.

The store's result columns, the CLI tables, the exports, the leaderboard's columns and axes,
the ranking and search objectives and the metric list in ``docs/measurement.md`` are all derived
from :data:`METRICS`; nothing else lists them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from tournament.errors import UserError
from tournament.results.estimate import Provenance


class Direction(StrEnum):
    """Which way a metric is better."""

    MIN = "min"
    MAX = "max"


class Per(StrEnum):
    """What one unit of a figure counts: one query (a batch), one sample, or the whole run."""

    QUERY = "query"
    SAMPLE = "sample"
    RUN = "run"


@dataclass(frozen=True, slots=True)
class Metric:
    """One figure of a result.

    Attributes:
        name: the key everywhere (store column, JSON field, CLI option), unit included.
        label: what a reader sees, unit included.
        unit: the unit alone (``ms``, ``samples/s``, ``J``...).
        direction: which way is better.
        per: what the figure is counted per (a query holds ``batch_size`` samples).
        provenance: how it is normally obtained (a meter may make energy an estimate).
        objective: whether it may be a ranking or search objective.
        description: one sentence for docs and tooltips.
        digits: significant digits shown.
    """

    name: str
    label: str
    unit: str
    direction: Direction
    per: Per
    provenance: Provenance
    objective: bool
    description: str
    digits: int = 4

    @property
    def higher_is_better(self) -> bool:
        """Whether a larger value is better."""
        return self.direction is Direction.MAX

    def better(self, a: float, b: float) -> bool:
        """Whether ``a`` is strictly better than ``b``."""
        return a > b if self.higher_is_better else a < b

    def format(self, value: float | None) -> str:
        """``value`` with :attr:`digits` significant digits; ``—`` when unknown."""
        if value is None or value != value:
            return "—"
        if abs(value) >= 10**self.digits and abs(value) < 1e15:
            return f"{value:,.0f}"  # 10,340 rather than 1.034e+04
        return f"{value:,.{self.digits}g}" if abs(value) < 1e15 else f"{value:.3e}"


def _m(
    name: str,
    label: str,
    unit: str,
    direction: Direction,
    per: Per,
    description: str,
    *,
    provenance: Provenance = Provenance.MEASURED,
    objective: bool = True,
    digits: int = 4,
) -> Metric:
    return Metric(name, label, unit, direction, per, provenance, objective, description, digits)


MIN, MAX = Direction.MIN, Direction.MAX
Q, S, R = Per.QUERY, Per.SAMPLE, Per.RUN
DERIVED = Provenance.DERIVED

METRICS: tuple[Metric, ...] = (
    _m("latency_p50_ms", "p50 latency (ms/query)", "ms", MIN, Q, "Median latency of a query."),
    _m("latency_p90_ms", "p90 latency (ms/query)", "ms", MIN, Q, "90th-percentile latency."),
    _m("latency_p99_ms", "p99 latency (ms/query)", "ms", MIN, Q, "99th-percentile latency."),
    _m("latency_mean_ms", "mean latency (ms/query)", "ms", MIN, Q, "Mean latency of a query."),
    _m(
        "throughput_sps",
        "throughput (samples/s)",
        "samples/s",
        MAX,
        S,
        "Samples completed per second of the timed window.",
    ),
    _m(
        "quality_ratio",
        "quality / fp32 reference",
        "ratio",
        MAX,
        R,
        "Quality over the fp32 reference's, inverted for lower-is-better metrics, so 1.0 is "
        "the reference and higher is always better; the accuracy gate compares it with the "
        "target ratio.",
    ),
    _m(
        "energy_j_per_sample",
        "energy (J/sample)",
        "J",
        MIN,
        S,
        "Energy of the timed window over the samples it completed.",
    ),
    _m(
        "energy_j_per_query",
        "energy (J/query)",
        "J",
        MIN,
        Q,
        "Energy of the timed window over the queries it completed.",
    ),
    _m(
        "energy_j",
        "energy (J/run)",
        "J",
        MIN,
        R,
        "Energy of the whole timed window.",
        objective=False,
    ),
    _m("avg_power_w", "average power (W)", "W", MIN, R, "Mean power over the timed window."),
    _m(
        "cost_usd_per_million",
        "cost (USD/M samples)",
        "USD",
        MIN,
        S,
        "Machine price per hour x the time one million samples take at the throughput.",
        provenance=DERIVED,
    ),
    _m(
        "energy_cost_usd_per_million",
        "energy cost (USD/M samples)",
        "USD",
        MIN,
        S,
        "Electricity tariff x the energy of one million samples.",
        provenance=DERIVED,
    ),
    _m(
        "gflops_per_s",
        "achieved GFLOP/s",
        "GFLOP/s",
        MAX,
        R,
        "Counted floating-point operations per sample x throughput.",
        provenance=DERIVED,
    ),
    _m(
        "roofline_fraction",
        "share of peak",
        "fraction",
        MAX,
        R,
        "Achieved GFLOP/s over the machine's peak for the precision run.",
        provenance=DERIVED,
        digits=3,
    ),
    _m("model_size_mb", "model size (MiB)", "MiB", MIN, R, "Bytes of the artifact timed."),
    _m(
        "peak_rss_mb",
        "peak memory (MiB)",
        "MiB",
        MIN,
        R,
        "Peak resident memory of the worker process.",
        objective=False,
    ),
)
"""Every figure a result can carry, in display order."""

BY_NAME: dict[str, Metric] = {m.name: m for m in METRICS}


def metric(name: str) -> Metric:
    """The metric called ``name``.

    Raises:
        UserError: no metric has that name (the sentence lists the known ones).
    """
    try:
        return BY_NAME[name]
    except KeyError:
        raise UserError(
            f"metric: unknown metric {name!r}; expected one of: {', '.join(BY_NAME)}."
        ) from None


def objectives() -> tuple[Metric, ...]:
    """Metrics that may be ranking or search objectives."""
    return tuple(m for m in METRICS if m.objective)


def names(metrics: Iterable[Metric] = METRICS) -> list[str]:
    """The names of ``metrics``."""
    return [m.name for m in metrics]


def markdown_table() -> str:
    """The metric list as a Markdown table (``docs/measurement.md`` holds this table)."""
    lines = [
        "| metric | unit | better | per | obtained | objective | meaning |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in METRICS:
        better = "higher" if m.higher_is_better else "lower"
        objective = "yes" if m.objective else "no"
        lines.append(
            f"| `{m.name}` | {m.unit} | {better} | {m.per.value} | {m.provenance.value} "
            f"| {objective} | {m.description} |"
        )
    return "\n".join(lines)
