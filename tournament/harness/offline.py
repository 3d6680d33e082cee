"""Offline: all samples are available at once; batches are issued back-to-back."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tournament.harness.base import QueryLog, Rules, SampleSource, Scenario
from tournament.harness.closed_loop import measure_closed
from tournament.harness.source import check_batch_size, feeds_for

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
