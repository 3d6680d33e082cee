"""``tourney reproduce``: measure a stored result again and say, figure by figure, if it agrees.

The configuration is measured again under the same scenario and the same rules, as new runs
(``rules.runs`` of them, the next repeat indices, label ``reproduce``) of the same
configuration entered *outside* any round, so a reproduction never changes a round's results.
Both sides are results: the aggregate of their runs (:mod:`tournament.store.aggregates`). The
new runs are stored like any others, and the comparison with
:meth:`~tournament.store.results.ResultsPart.add_reproduction`; both show with the old result
(``Store.result(id).reproductions``).

Agreement per figure (:data:`TOLERANCES`, metric names of :data:`tournament.results.METRICS`):

* ``quality_ratio`` (quality over the fp32 reference): exactly equal (relative difference
  <= 1e-9): the evaluation is deterministic.
* latency percentiles, throughput, energy: when both results aggregate two or more runs, their
  95 % intervals *over runs* overlap (the intervals cover run-to-run variance, so a
  configuration agrees with itself without any tolerance). A single-run result has only a
  within-run interval, which is far narrower than the run-to-run spread; for such results
  (``--quick`` rules) the old rule applies and says so: the new value lies within the old
  interval or differs by at most the figure's tolerance (25 % for p50, p90, throughput and
  energy, 50 % for p99).
* a figure missing on either side (energy without a meter) is not compared.

The environment fingerprints are compared too (Python, packages, CPU model and flags, GPUs,
OS, machine, artifact, model and dataset hashes): a mismatch is reported as a warning, since
it explains a disagreement rather than making one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from tournament.errors import UserError
from tournament.results import Estimate, IntervalKind
from tournament.schema.submission import Submission
from tournament.store.aggregates import combine, result_key
from tournament.store.contract import StoreWriter
from tournament.store.records import ResultRecord

TOLERANCES: dict[str, float] = {
    "latency_p50_ms": 0.25,
    "latency_p90_ms": 0.25,
    "latency_p99_ms": 0.50,
    "throughput_sps": 0.25,
    "energy_j_per_query": 0.25,
    "quality_ratio": 1e-9,
}
"""Relative tolerance per figure (metric names; quality: exact up to float rounding)."""
EXACT = 1e-9
"""A tolerance this small means the figure must be reproduced exactly (no interval applies)."""
ENVIRONMENT_KEYS = (
    "python",
    "implementation",
    "os",
    "machine_arch",
    "cpu_model",
    "cpu_flags",
    "gpus",
    "machine_id",
    "config_hash",
    "artifact_sha256",
    "workload",
)


@dataclass
class Reproduction:
    """A stored reproduction: the comparison and where it is."""

    result_id: int
    new_result_id: int | None
    reproduction_id: int
    agrees: bool
    figures: dict[str, dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def compare_figure(name: str, old: Estimate | None, new: Estimate | None) -> dict[str, Any]:
    """Old and new value of figure ``name`` and whether they agree (see the module)."""
    tolerance = TOLERANCES[name]
    out: dict[str, Any] = {
        "old": None if old is None else old.value,
        "new": None if new is None else new.value,
        "tolerance": tolerance,
    }
    if old is None or new is None:
        return {**out, "agrees": None, "how": "not measured on both"}
    before, after = old.value, new.value
    out["old_ci"] = [old.ci_low, old.ci_high] if old.has_interval else None
    out["new_ci"] = [new.ci_low, new.ci_high] if new.has_interval else None
    relative = abs(after - before) / abs(before) if before else (0.0 if after == 0 else math.inf)
    out["relative_difference"] = relative
    over_runs = IntervalKind.BETWEEN_RUNS
    if tolerance > EXACT and old.interval is over_runs and new.interval is over_runs:
        if old.overlaps(new):
            return {**out, "agrees": True, "how": "95 % intervals over runs overlap"}
        return {**out, "agrees": False, "how": f"intervals over runs apart ({relative:.1%})"}
    low, high = old.bounds()
    if tolerance > EXACT and old.has_interval and low <= after <= high:
        return {**out, "agrees": True, "how": "within the old 95 % CI (single run)"}
    if relative <= tolerance:
        how = "exactly equal" if tolerance <= EXACT else f"within {tolerance:.0%} (single run)"
        return {**out, "agrees": True, "how": how}
    return {**out, "agrees": False, "how": f"differs by {relative:.1%}"}


def compare(old: ResultRecord, new: ResultRecord) -> dict[str, dict[str, Any]]:
    """Every figure of :data:`TOLERANCES`, compared."""
    return {name: compare_figure(name, old.figure(name), new.figure(name)) for name in TOLERANCES}


def environment_warnings(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """One sentence per fingerprint field (or package) that differs."""
    warnings = [
        f"environment.{key}: was {old.get(key)!r}, now {new.get(key)!r}."
        for key in ENVIRONMENT_KEYS
        if old.get(key) != new.get(key)
    ]
    old_pkgs, new_pkgs = old.get("packages") or {}, new.get("packages") or {}
    warnings += [
        f"environment.packages.{p}: was {old_pkgs.get(p)}, now {new_pkgs.get(p)}."
        for p in sorted(set(old_pkgs) | set(new_pkgs))
        if old_pkgs.get(p) != new_pkgs.get(p)
    ]
    return warnings


def reproduce(
    store: StoreWriter,
    result_id: int,
    *,
    backend: str = "local",
    ray_address: str | None = None,
    backend_obj: Any = None,
) -> Reproduction:
    """Measure result ``result_id``'s configuration again, compare, store the comparison.

    Raises:
        NotFoundError: no such result.
        UserError: ``backend`` is not local or ray.
    """
    if backend not in {"local", "ray"}:
        raise UserError(f"backend: expected 'local' or 'ray', got {backend!r}.")
    stored = store.result(result_id)
    old = _result_of(store, stored)
    run_ids = _queue(store, stored)
    error = _measure(store, run_ids, stored.entry.machine, backend, ray_address, backend_obj)
    fresh = [r for r in store.results(round_name="") if r.run_id in run_ids]
    if error is not None or len(fresh) != len(run_ids):
        message = error or "a run produced no result"
        failure = {"error": message, "run_ids": run_ids}
        rid = store.add_reproduction(result_id, failure, agrees=False)
        return Reproduction(result_id, None, rid, False, {}, error=message)
    new = combine(fresh)
    figures = compare(old, new)
    warnings = environment_warnings(dict(old.result.environment), dict(new.result.environment))
    agrees = all(f["agrees"] is not False for f in figures.values())
    report: dict[str, Any] = {
        "figures": figures,
        "environment_warnings": warnings,
        "backend": backend,
        "run_ids": run_ids,
        "runs": {"old": old.runs, "new": new.runs},
        "tolerances": TOLERANCES,
    }
    rid = store.add_reproduction(result_id, report, agrees=agrees, new_result_id=new.result_id)
    return Reproduction(result_id, new.result_id, rid, agrees, figures, warnings)


def _result_of(store: StoreWriter, stored: ResultRecord) -> ResultRecord:
    """The result ``stored`` (one run) belongs to: the aggregate of its configuration's runs."""
    key = result_key(stored)
    runs = [r for r in store.results(round_name=stored.entry.round_name) if result_key(r) == key]
    return combine(runs or [stored])


def _queue(store: StoreWriter, old: ResultRecord) -> list[int]:
    """Queue ``rules.runs`` new runs of ``old``'s configuration outside rounds; their ids."""
    from tournament.hashing import sha256_of

    sub = Submission.model_validate(old.document)
    submission_id = _entry_outside_rounds(store, sub)
    rules = dict(store.run(old.run_id).rules)
    scenario = old.scenario
    sha = sha256_of(rules)

    def ours(status: str | None = None) -> list[Any]:
        """Runs of the configuration outside any round, whichever entry they were for."""
        return [
            r
            for r in store.runs(status=status)
            if r.round_name == ""
            and r.config_hash == sub.config_hash
            and r.scenario == scenario
            and r.rules_sha256 == sha
        ]

    first = max((r.repeat for r in ours()), default=-1) + 1
    wanted = range(first, first + max(1, int(rules.get("runs", 1))))
    store.queue_runs(
        scenario,
        rules,
        submission_ids=[submission_id],
        repeats=wanted[-1] + 1,
        label="reproduce",
    )
    return sorted(r.id for r in ours("queued") if r.repeat in wanted)


def _entry_outside_rounds(store: StoreWriter, sub: Submission) -> int:
    """An entry of ``sub``'s configuration outside any round: any team's that exists (the runs
    belong to the configuration), else ``sub`` entered as its team's."""
    for entry in store.submissions(round_name=""):
        if entry.config_hash == sub.config_hash:
            return entry.id
    submission_id, _ = store.add_submission(sub, round_name="")
    return submission_id


def _measure(
    store: StoreWriter,
    run_ids: list[int],
    machine: str,
    backend: str,
    ray_address: str | None,
    backend_obj: Any,
) -> str | None:
    from tournament.runner.driver import Driver
    from tournament.runner.session import machine_specs, make_backend, work_items

    tasks = [t for t in store.pending_runs(round_name="") if t.run_id in run_ids]
    items = work_items(store, machine_specs(store, {machine}), tasks)
    be = backend_obj or make_backend(backend, ray_address, {machine})
    try:
        summary = Driver(store, be, max_attempts=1 if be.name == "ray" else 3).run(items)
    finally:
        if backend_obj is None:
            be.close()
    if summary.interrupted:
        return "interrupted"
    failed = [summary.failed[i] for i in run_ids if i in summary.failed]
    return failed[0] if failed else None
