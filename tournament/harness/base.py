"""The scenario contract: a scenario owns timing and traffic; it knows nothing about models.

A scenario calls ``predictor.predict(feed)`` (the system under test) with batches it gets from
a :class:`SampleSource`, timestamps every query with ``time.perf_counter_ns`` and returns the
raw per-query figures. Statistics are computed from those by :mod:`tournament.harness.stats`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from tournament.results.estimate import Estimate

if TYPE_CHECKING:
    from tournament.results.result import Result
    from tournament.runtimes.base import Predictor
    from tournament.workloads.base import Feed


INCONSISTENT_RULES = "inconsistent_rules"
"""The pydantic error type of rules whose fields contradict each other (its message names the
field and what was expected)."""


class Rules(BaseModel):
    """Measurement rules (MLPerf-style). A round may tighten them.

    Measure until *both* ``min_duration_s`` and ``min_queries`` are met, after ``warmup_queries``
    (and at least ``warmup_s``) that are not recorded; stop at ``max_duration_s`` regardless
    (the result then records that the minimum was not met).

    Strict and consistent: numbers are numbers (no string, no bool), flags are booleans, every
    number is finite, and ``min_duration_s <= max_duration_s <= timeout_s`` (a run that would
    stop before its minimum, or be killed before its maximum, is refused up front).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    warmup_queries: int = Field(default=10, ge=0, le=100_000)
    warmup_s: float = Field(default=0.5, ge=0, le=600)
    min_duration_s: float = Field(default=10.0, ge=0, le=86_400)
    min_queries: int = Field(default=1024, ge=1, le=10_000_000)
    max_duration_s: float = Field(default=120.0, gt=0, le=86_400)
    server_target_qps: float | None = Field(default=None, gt=0, le=1_000_000)
    server_latency_bound_ms: float = Field(default=100.0, gt=0, le=600_000)
    server_find_peak: bool = Field(
        default=False, description="Search the highest QPS whose p99 meets the bound first."
    )
    runs: int = Field(
        default=3,
        ge=1,
        le=100,
        description=(
            "Independent runs (a fresh worker process each, interleaved with the other entries) "
            "that make one result; its intervals cover run-to-run variance from 2 runs on."
        ),
    )
    max_foreign_cpu_share: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description=(
            "Most of the run's CPUs' capacity other processes (and steal) may use during the "
            "timed window; a run above it is contended and does not count."
        ),
    )
    contention_retries: int = Field(
        default=2,
        ge=0,
        le=10,
        description=(
            "Times a contended run is measured again (in a fresh worker) before the contended "
            "one is recorded, flagged and not counted."
        ),
    )
    max_speed_drift: float | None = Field(
        default=0.25,
        gt=0.0,
        le=10.0,
        description=(
            "Largest relative change of the machine speed index (a fixed reference kernel timed "
            "before and after the run) a run may show; above it the run is flagged drifted and "
            "does not count. None: measured and shown, not judged."
        ),
    )
    server_confirm_seeds: int = Field(
        default=2,
        ge=0,
        le=10,
        description=(
            "Extra arrival seeds the server scenario's peak search confirms its final bracket "
            "with (server_find_peak): the peak is the highest rate every seed sustains."
        ),
    )
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    bootstrap_resamples: int = Field(default=1000, ge=100, le=100_000)
    timeout_s: float = Field(default=1800.0, gt=0, le=86_400)
    max_memory_mb: int | None = Field(
        default=None,
        ge=256,
        le=4_194_304,
        description=(
            "Memory a benchmark worker may use, in MiB: its private writable memory, imports "
            "and runtime included (Linux RLIMIT_DATA). A run over it fails with 'memory limit "
            "exceeded'. None: no limit."
        ),
    )

    @model_validator(mode="after")
    def _consistent(self) -> Rules:
        if self.min_duration_s > self.max_duration_s:
            raise PydanticCustomError(
                INCONSISTENT_RULES,
                f"max_duration_s: expected at least min_duration_s ({self.min_duration_s:g} s), "
                f"got {self.max_duration_s:g} s (the run would stop before its minimum duration)",
            )
        if self.max_duration_s > self.timeout_s:
            raise PydanticCustomError(
                INCONSISTENT_RULES,
                f"timeout_s: expected at least max_duration_s ({self.max_duration_s:g} s), got "
                f"{self.timeout_s:g} s (the run would be killed before its timed window could "
                "end)",
            )
        return self

    @classmethod
    def quick(cls) -> Rules:
        """Short rules for tests and smoke runs (not comparable with full runs): one run, so
        its intervals are within-run only; contention is measured and shown, not judged."""
        return cls(
            runs=1,
            max_foreign_cpu_share=1.0,
            contention_retries=0,
            max_speed_drift=None,
            server_confirm_seeds=0,
            warmup_queries=3,
            warmup_s=0.0,
            min_duration_s=0.2,
            min_queries=64,
            max_duration_s=10.0,
            bootstrap_resamples=200,
        )


@dataclass
class QueryLog:
    """Raw figures of one timed run.

    ``latencies_ns[i]`` is query i's latency: completion minus issue (single-stream, offline)
    or completion minus *scheduled* arrival (server). ``samples_per_query`` is the number of
    samples in each query. ``duration_ns`` is the wall time of the timed window.
    """

    scenario: str
    latencies_ns: np.ndarray
    samples_per_query: np.ndarray
    duration_ns: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def queries(self) -> int:
        return int(self.latencies_ns.shape[0])

    @property
    def samples(self) -> int:
        return int(self.samples_per_query.sum())


class SampleSource(ABC):
    """Gives the scenario the batch for each query; pre-built so fetching costs nothing."""

    @abstractmethod
    def batch(self, size: int) -> Feed:
        """A feed with ``size`` samples."""


class Scenario(ABC):
    """A traffic pattern with its timing and its semantics (MLPerf LoadGen style).

    Everything that depends on *which* scenario ran lives in its implementation, never in the
    code that calls it: the primary metric a ranking orders by, the checks of its settings, any
    tuning before the timed window (the server's peak search), how its figures and their
    intervals are computed, and its own validity rule. Implementations: single-stream, offline,
    server; more are added as one module plus a ``tourney.scenarios`` entry point.

    Contract:
    * ``check`` is cheap and returns one sentence per problem, naming the rules field.
    * ``run`` calls only ``predictor.predict`` and times every query with
      ``time.perf_counter_ns``; it never builds models or touches the store. It wraps the
      queries it records, and nothing else (no warm-up), in
      :func:`tournament.harness.window.timed_window`, exactly once: energy and contention are
      measured over that window.
    * ``figures`` is deterministic for a log and rules (seeded bootstrap).
    """

    name: str
    description: str
    mlperf_name: str = ""
    """The scenario's name in MLPerf's result files (empty when MLPerf has none)."""
    batch_sizes: tuple[int, ...] | None = None
    """The samples per query this scenario issues, when it fixes them (None: the entry's)."""

    def batch_problem(self, batch_size: int) -> str:
        """One sentence when this scenario cannot measure an entry of ``batch_size`` samples
        per query (single-stream issues one), else ``""``."""
        if self.batch_sizes is None or batch_size in self.batch_sizes:
            return ""
        allowed = " or ".join(str(b) for b in self.batch_sizes)
        return (
            f"batch_size: {self.name} issues {allowed} sample(s) per query, not {batch_size}; "
            "measure this entry under another scenario (offline or server)."
        )

    def primary_metric(self, rules: Mapping[str, Any] | None = None) -> str:
        """The metric (a name in the metric table) a ranking of this scenario orders by."""
        return "latency_p99_ms"

    def check(self, rules: Rules) -> list[str]:
        """Problems with ``rules`` for this scenario, as sentences (empty when it can run)."""
        return []

    def tune(
        self, predictor: Predictor, source: SampleSource, batch_size: int, rules: Rules
    ) -> tuple[Rules, dict[str, Any]]:
        """Settle the rules before the timed run (e.g. search a load); default: unchanged."""
        return rules, {}

    @abstractmethod
    def run(
        self, predictor: Predictor, source: SampleSource, batch_size: int, rules: Rules
    ) -> QueryLog:
        """Warm up, then issue queries until the rules are met; return the raw log."""

    def figures(self, log: QueryLog, rules: Rules) -> dict[str, Estimate]:
        """Latency percentiles, mean and throughput of ``log``, each with its interval."""
        from tournament.harness.stats import closed_loop_throughput, latency_figures

        resamples, seed = rules.bootstrap_resamples, rules.seed
        out = latency_figures(log.latencies_ns, resamples=resamples, seed=seed)
        out["throughput_sps"] = closed_loop_throughput(log, resamples=resamples, seed=seed)
        return out

    def invalid_reasons(self, result: Result) -> list[str]:
        """Why ``result`` breaks this scenario's own rule (beyond the common ones)."""
        return []

    def query_unit(self, batch_size: int) -> str:
        """What one latency is the latency *of*, for entries of ``batch_size`` samples per
        query: ``query`` (one sample) or ``query of N samples``; shown beside latencies."""
        return "query" if batch_size == 1 else f"query of {batch_size} samples"
