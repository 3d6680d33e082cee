"""Server: Poisson arrivals at a target rate, served in arrival order by a queue of one server.

Each query carries ``batch_size`` samples (the configuration's request size). The arrival
schedule is drawn before the timed window from ``numpy.random.default_rng(rules.seed)``
(exponential inter-arrival times of mean ``1 / rules.server_target_qps``). Like MLPerf, it has
just enough arrivals for both minimums: at least ``rules.min_queries`` queries and a last
arrival at or after ``rules.min_duration_s``; arrivals at or after ``rules.max_duration_s``
are dropped. One thread issues the queries in arrival order: while the predictor is busy a
query waits, and its latency is completion minus *scheduled* arrival, so queueing counts.
When idle the thread sleeps until the next arrival: ``time.sleep`` for long gaps, then a spin
for the last stretch (the *spin margin*). ``time.sleep`` overshoots (on a 2-core VM: p50
~0.1 ms, p99 ~0.3 ms, max ~1 ms), so the margin starts at the largest of :data:`SPIN_NS` and
twice the worst overshoot of a few calibration sleeps, and doubles (up to
:data:`MAX_SPIN_NS`) whenever a sleep still wakes after the arrival; such late issues are
counted in ``extra["late_issues"]`` and ``extra["max_issue_delay_us"]``. All scheduled
queries are served (the queue drains) unless ``rules.max_duration_s`` elapses first; then
``extra["min_rules_met"]`` is False.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from tournament.errors import UserError
from tournament.harness.base import QueryLog, Rules, SampleSource, Scenario
from tournament.harness.closed_loop import measure_closed, warm_up
from tournament.harness.source import check_batch_size, feeds_for
from tournament.harness.stats import latency_figures, poisson_throughput
from tournament.harness.window import timed_window
from tournament.results.estimate import Estimate

if TYPE_CHECKING:
    from tournament.results.result import Result
    from tournament.runtimes.base import Predictor
    from tournament.workloads.base import Feed

SPIN_NS = 200_000
"""Least time before an arrival that is spun, not slept (``time.sleep`` overshoots)."""
MAX_SPIN_NS = 2_000_000
"""Most time before an arrival that is spun."""
_CHUNK = 4096
_DRAW = 65_536


def target_qps(rules: Rules) -> float:
    """``rules.server_target_qps``, or :class:`UserError` when it is missing."""
    if rules.server_target_qps is None:
        raise UserError(
            "rules.server_target_qps: the server scenario needs a target rate in queries "
            "per second (a number > 0)."
        )
    return float(rules.server_target_qps)


def arrival_offsets_ns(qps: float, rules: Rules) -> np.ndarray:
    """Scheduled arrival times (ns after the start of the timed window), seeded by rules.seed.

    Enough arrivals for ``rules.min_queries`` and ``rules.min_duration_s``; none at or after
    ``rules.max_duration_s`` except the first, which is always kept.
    """
    rng = np.random.default_rng(rules.seed)
    min_ns, max_ns = rules.min_duration_s * 1e9, rules.max_duration_s * 1e9
    parts: list[np.ndarray] = []
    count, last = 0, 0.0
    while count < rules.min_queries or last < min_ns:
        chunk = last + np.cumsum(rng.exponential(1e9 / qps, size=_DRAW))
        parts.append(chunk)
        count, last = count + _DRAW, float(chunk[-1])
        if last >= max_ns:
            break
    offsets = np.concatenate(parts)
    needed = max(rules.min_queries, int(np.searchsorted(offsets, min_ns)) + 1)
    within = max(1, int(np.searchsorted(offsets, max_ns)))
    return offsets[: min(needed, within)].astype(np.int64)


def calibrate_spin_ns(sleeps: int = 8, sleep_ns: int = 1_000_000) -> int:
    """A spin margin: twice the worst overshoot of ``sleeps`` short sleeps, within bounds."""
    clock = time.perf_counter_ns
    worst = 0
    for _ in range(sleeps):
        start = clock()
        time.sleep(sleep_ns / 1e9)
        worst = max(worst, clock() - start - sleep_ns)
    return min(MAX_SPIN_NS, max(SPIN_NS, 2 * worst))


def scheduled_percentile(latencies_ns: np.ndarray, unserved: int, q: float) -> float:
    """The ``q``-th percentile over every *scheduled* query: the served ones' latencies and
    ``unserved`` queries counted as infinitely late (numpy's ``'linear'`` method otherwise).

    Returns ``inf`` when the percentile falls on an unserved query.
    """
    served = np.sort(np.asarray(latencies_ns, dtype=np.float64))
    if unserved <= 0:
        return float(np.percentile(served, q)) if served.size else math.inf
    n = served.size + unserved
    h = (n - 1) * q / 100.0
    k = math.floor(h)
    frac = h - k
    if k >= served.size or (frac > 0 and k + 1 >= served.size):
        return math.inf
    low = float(served[k])
    return low if frac == 0 else low + frac * (float(served[k + 1]) - low)


class Served(NamedTuple):
    """What :func:`serve` returns."""

    latencies_ns: np.ndarray
    duration_ns: int
    completed: bool
    late_issues: int
    max_issue_delay_ns: int
    spin_ns: int


def serve(
    predict: Callable[[Feed], Any],
    feeds: Sequence[Feed],
    offsets_ns: np.ndarray,
    max_duration_ns: int,
    spin_ns: int = SPIN_NS,
) -> Served:
    """Serve the schedule in arrival order; latency = completion - scheduled arrival."""
    clock, sleep = time.perf_counter_ns, time.sleep
    n_feeds = len(feeds)
    buf = np.empty(offsets_ns.shape[0], dtype=np.int64)
    i = late = worst = 0
    start = clock()
    max_end = start + max_duration_ns
    t1 = start
    for lo in range(0, offsets_ns.shape[0], _CHUNK):
        for scheduled in (offsets_ns[lo : lo + _CHUNK] + start).tolist():
            now = clock()
            if now < scheduled:
                if scheduled - now > spin_ns:
                    sleep((scheduled - now - spin_ns) / 1e9)
                    delay = clock() - scheduled
                    if delay > 0:
                        late, worst = late + 1, max(worst, delay)
                        spin_ns = min(MAX_SPIN_NS, 2 * spin_ns)
                while clock() < scheduled:
                    pass
            predict(feeds[i % n_feeds])
            t1 = clock()
            buf[i] = t1 - scheduled
            i += 1
            if t1 >= max_end and i < buf.shape[0]:
                return Served(buf[:i].copy(), t1 - start, False, late, worst, spin_ns)
    return Served(buf, t1 - start, True, late, worst, spin_ns)


class Server(Scenario):
    """MLPerf-style server scenario (see the module docstring).

    ``extra``: ``target_qps``, ``achieved_qps`` (queries / duration), ``scheduled_queries``,
    ``latency_bound_ms``, ``p99_ms``, ``p99_bound_met`` (p99 <= rules.server_latency_bound_ms),
    ``min_rules_met``, ``batch_size``, ``warmup_queries``, ``seed``, ``late_issues``,
    ``max_issue_delay_us``, ``spin_margin_us``.
    """

    name = "server"
    description = "Poisson arrivals at a target QPS; latency from scheduled arrival; p99 bound."
    mlperf_name = "Server"

    def primary_metric(self, rules: Mapping[str, Any] | None = None) -> str:
        """Throughput when the rules search the peak QPS (MLPerf's server metric); at a fixed
        target QPS every valid entry serves the same load, so p99 latency orders them."""
        if rules is not None and not rules.get("server_find_peak"):
            return "latency_p99_ms"
        return "throughput_sps"

    def check(self, rules: Rules) -> list[str]:
        if rules.server_target_qps is None and not rules.server_find_peak:
            return [
                "rules.server_target_qps: the server scenario needs a target QPS or "
                "server_find_peak: true."
            ]
        return []

    def tune(
        self, predictor: Predictor, source: SampleSource, batch_size: int, rules: Rules
    ) -> tuple[Rules, dict[str, Any]]:
        """With ``server_find_peak``: search the peak QPS meeting the p99 bound first."""
        if not rules.server_find_peak:
            return rules, {}
        peak = find_peak(predictor, source, batch_size, rules)
        if peak.qps <= 0:
            raise UserError(
                f"rules.server_latency_bound_ms: no QPS met the p99 bound of "
                f"{rules.server_latency_bound_ms:g} ms under the minimum rules."
            )
        found = {
            "find_peak": {
                "peak_qps": peak.qps,
                "bracket_qps": [peak.qps, peak.above],
                "confirmed_seeds": list(peak.seeds),
                "probes": [list(p) for p in peak.probes],
            }
        }
        return rules.model_copy(update={"server_target_qps": peak.qps}), found

    def figures(self, log: QueryLog, rules: Rules) -> dict[str, Estimate]:
        """Latencies as every scenario; throughput with a Poisson count interval."""
        out = latency_figures(
            log.latencies_ns, resamples=rules.bootstrap_resamples, seed=rules.seed
        )
        out["throughput_sps"] = poisson_throughput(log)
        return out

    def invalid_reasons(self, result: Result) -> list[str]:
        """The p99 latency must meet the rules' bound (MLPerf's server constraint); a query
        scheduled but never served (the run hit ``max_duration_s``) counts as over it."""
        reasons = []
        bound = result.rules.get("server_latency_bound_ms")
        p99 = result.value("latency_p99_ms")
        if bound and p99 is not None and p99 > float(bound):
            reasons.append(f"p99 {p99:.4g} ms over the {float(bound):g} ms latency bound")
        unserved = int(result.extra.get("unserved_queries") or 0)
        if unserved > 0:
            scheduled = result.extra.get("scheduled_queries", "?")
            reasons.append(
                f"{unserved} of {scheduled} scheduled queries never served before "
                "max_duration_s (counted as over the latency bound)"
            )
        return reasons

    def run(
        self, predictor: Predictor, source: SampleSource, batch_size: int, rules: Rules
    ) -> QueryLog:
        qps = target_qps(rules)
        check_batch_size(batch_size)
        feeds = feeds_for(source, batch_size)
        offsets = arrival_offsets_ns(qps, rules)
        warm = warm_up(
            predictor.predict, feeds, queries=rules.warmup_queries, seconds=rules.warmup_s
        )
        spin = calibrate_spin_ns()
        gc.collect()
        max_ns = math.ceil(rules.max_duration_s * 1e9)
        with timed_window():
            served = serve(predictor.predict, feeds, offsets, max_ns, spin)
        latencies, duration = served.latencies_ns, served.duration_ns
        queries = int(latencies.shape[0])
        unserved = int(offsets.shape[0]) - queries
        p99_ms = scheduled_percentile(latencies, unserved, 99) / 1e6
        met = served.completed and queries >= rules.min_queries
        met = met and duration >= rules.min_duration_s * 1e9
        return QueryLog(
            scenario=self.name,
            latencies_ns=latencies,
            samples_per_query=np.full(queries, batch_size, dtype=np.int64),
            duration_ns=int(duration),
            extra={
                "min_rules_met": bool(met),
                "target_qps": qps,
                "achieved_qps": queries / (duration / 1e9),
                "scheduled_queries": int(offsets.shape[0]),
                "unserved_queries": unserved,
                "latency_bound_ms": rules.server_latency_bound_ms,
                "p99_ms": p99_ms,
                "p99_bound_met": bool(p99_ms <= rules.server_latency_bound_ms),
                "batch_size": batch_size,
                "warmup_queries": warm,
                "seed": rules.seed,
                "late_issues": served.late_issues,
                "max_issue_delay_us": served.max_issue_delay_ns / 1e3,
                "spin_margin_us": served.spin_ns / 1e3,
                "clock": "time.perf_counter_ns",
            },
        )


class Peak(NamedTuple):
    """What :func:`find_peak` found.

    ``qps`` is the highest probed rate every seed sustained (0 when none did); the peak lies in
    ``[qps, above]``: ``above`` is the lowest probed rate that failed, or the one-server capacity
    when the capacity itself was sustained (no stable server exceeds it). ``probes`` are
    ``(qps, p99_ms, met, seed)`` in the order run; ``seeds`` are the arrival seeds the final
    rate was confirmed with.
    """

    qps: float
    above: float
    probes: list[tuple[float, float, bool, int]]
    seeds: tuple[int, ...]


MAX_STEPS_DOWN = 5
"""Most times :func:`find_peak` steps down when another seed does not confirm the bracket."""


def find_peak(
    predictor: Predictor,
    source: SampleSource,
    batch_size: int,
    rules: Rules,
    *,
    lo: float | None = None,
    hi: float | None = None,
    tolerance: float = 0.05,
) -> Peak:
    """The highest target QPS whose server runs meet the rules (see :class:`Peak`).

    A probe at a rate *meets* when its run met the minimum rules (duration and query count,
    every scheduled query served before ``max_duration_s``) and its p99 over the scheduled
    queries (unserved ones counted as infinitely late) is within
    ``rules.server_latency_bound_ms``.

    Method: the upper bound ``hi`` defaults to the capacity of a queue of one server,
    ``1 / mean service time``, measured by a back-to-back (single-stream-like) run of
    ``batch_size`` queries under ``rules``; no stable server can exceed it. ``lo`` defaults to
    ``hi / 20``. If ``hi`` meets it is the candidate; if ``lo`` does not, the peak is 0.
    Otherwise bisect until ``hi - lo <= tolerance * hi``; the candidate is ``lo``. The
    candidate is then confirmed with ``rules.server_confirm_seeds`` other arrival seeds
    (``rules.seed + 1, ...``); if one fails, the bracket's top becomes the candidate and the
    candidate steps down by ``tolerance`` (at most :data:`MAX_STEPS_DOWN` times, then 0).
    """
    check_batch_size(batch_size)
    if not 0.0 < tolerance < 1.0:
        raise UserError(f"tolerance: expected a number between 0 and 1, got {tolerance!r}.")
    if hi is None:
        hi = capacity_qps(predictor, source, batch_size, rules)
    lo = hi / 20.0 if lo is None else lo
    if not 0.0 < lo < hi:
        raise UserError(f"lo: expected 0 < lo < hi, got lo={lo!r} and hi={hi!r}.")
    probes: list[tuple[float, float, bool, int]] = []

    def meets(qps: float, seed: int = rules.seed) -> bool:
        log = Server().run(
            predictor,
            source,
            batch_size,
            rules.model_copy(update={"server_target_qps": qps, "seed": seed}),
        )
        met = bool(log.extra["p99_bound_met"]) and bool(log.extra["min_rules_met"])
        probes.append((qps, float(log.extra["p99_ms"]), met, seed))
        return met

    seeds = tuple(rules.seed + k for k in range(1, rules.server_confirm_seeds + 1))
    if meets(hi):
        candidate, above = hi, hi
    elif not meets(lo):
        return Peak(0.0, lo, probes, ())
    else:
        while hi - lo > tolerance * hi:
            mid = (lo + hi) / 2.0
            lo, hi = (mid, hi) if meets(mid) else (lo, mid)
        candidate, above = lo, hi
    for step in range(MAX_STEPS_DOWN + 1):
        if step:  # a seed failed at the candidate: it is the new top, step below it
            above, candidate = candidate, candidate * (1.0 - tolerance)
            if not meets(candidate):
                continue
        if all(meets(candidate, seed) for seed in seeds):
            return Peak(candidate, above, probes, seeds)
    return Peak(0.0, candidate, probes, seeds)


def capacity_qps(
    predictor: Predictor, source: SampleSource, batch_size: int, rules: Rules
) -> float:
    """Queries per second of back-to-back queries of ``batch_size``: ``1 / mean latency``."""
    log = measure_closed(
        "capacity",
        predictor,
        feeds_for(source, batch_size),
        batch_size=batch_size,
        min_queries=rules.min_queries,
        rules=rules,
    )
    return 1e9 / float(log.latencies_ns.mean())
