"""Offline: all samples are available at once; batches are issued back-to-back."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tournament.harness.base import QueryLog, Rules, SampleSource, Scenario
from tournament.harness.closed_loop import measure_closed
from tournament.harness.source import check_batch_size, feeds_for
from tournament.results.estimate import Estimate

if TYPE_CHECKING:
    from tournament.runtimes.base import Predictor


class Offline(Scenario):
    """MLPerf offline: maximum throughput, ``batch_size`` samples per query, no idle time.

    ``rules.min_queries`` counts *samples* here, like MLPerf's minimum sample count: the run
    issues at least ``ceil(min_queries / batch_size)`` queries (``extra["min_samples"]``).
    Throughput is samples / duration of the timed window; each batch's latency (completion
    minus issue) is recorded too.
    """

    name = "offline"
    description = "All samples available at once; batches issued back-to-back; max throughput."
    mlperf_name = "Offline"

    def primary_metric(self, rules: Mapping[str, Any] | None = None) -> str:
        """``throughput_sps`` (samples per second with every query issued at once)."""
        return "throughput_sps"

    def query_unit(self, batch_size: int) -> str:
        """Offline's latencies are per *batch* (its throughput is per sample)."""
        return f"batch of {batch_size} samples" if batch_size > 1 else "batch of 1 sample"

    def figures(self, log: QueryLog, rules: Rules) -> dict[str, Estimate]:
        """As every closed-loop scenario; each latency says it is the latency of one batch."""
        out = super().figures(log, rules)
        unit = self.query_unit(int(log.samples_per_query[0]) if log.queries else 1)
        for name, est in out.items():
            if name.startswith("latency_"):
                what = f"latency of one {unit} (completion minus issue)"
                out[name] = est.with_(method=f"{what}; {est.method}" if est.method else what)
        return out

    def run(
        self, predictor: Predictor, source: SampleSource, batch_size: int, rules: Rules
    ) -> QueryLog:
        check_batch_size(batch_size)
        log = measure_closed(
            self.name,
            predictor,
            feeds_for(source, batch_size),
            batch_size=batch_size,
            min_queries=math.ceil(rules.min_queries / batch_size),
            rules=rules,
        )
        log.extra["min_samples"] = rules.min_queries
        return log
