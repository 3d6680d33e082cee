"""Single-stream: one sample per query, each query issued when the previous one completes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tournament.harness.base import QueryLog, Rules, SampleSource, Scenario
from tournament.harness.closed_loop import measure_closed
from tournament.harness.source import check_batch_size, feeds_for

if TYPE_CHECKING:
    from tournament.runtimes.base import Predictor


class SingleStream(Scenario):
    """MLPerf single-stream: per-query latency of one sample at a time.

    ``batch_size`` is validated but otherwise ignored: every query carries exactly one sample
    (``extra["batch_size"] == 1``). ``rules.min_queries`` counts queries (= samples here).
    Latency of a query is completion minus issue, from ``time.perf_counter_ns``.
    """

    name = "single-stream"
    description = "One sample per query; the next query is issued when the previous completes."
    mlperf_name = "SingleStream"
    batch_sizes = (1,)

    def primary_metric(self, rules: Mapping[str, Any] | None = None) -> str:
        """``latency_p90_ms`` (MLPerf single-stream: 90th-percentile latency)."""
        return "latency_p90_ms"

    def run(
        self, predictor: Predictor, source: SampleSource, batch_size: int, rules: Rules
    ) -> QueryLog:
        check_batch_size(batch_size)
        return measure_closed(
            self.name,
            predictor,
            feeds_for(source, 1),
            batch_size=1,
            min_queries=rules.min_queries,
            rules=rules,
        )
