"""The real evaluator: each proposal becomes a submission, measured through the runner.

``enter`` adds the submission (origin ``search``, team ``optuna``, study and trial number) and
queues its runs (``rules.runs`` of them: a trial's figures are the aggregate of its runs, as a
round's results are) under the evaluator's rules and label; both are idempotent, so entering a
resumed trial again finds the same rows. ``measure`` reuses a result the run already has (a resumed
trial whose result was stored before the driver died, or a configuration someone else entered
and measured), puts back in the queue a run left ``running`` by a killed driver, and measures the
rest with :class:`~tournament.runner.driver.Driver`, one run per machine at a time. Each stored
result is read as a typed record (:class:`~tournament.store.records.ResultRecord`) and turned
into an :class:`~tournament.search.evaluation.Outcome` by :func:`outcome_of`.
"""

from __future__ import annotations

from typing import Any

from tournament.harness.base import Rules
from tournament.hashing import sha256_of
from tournament.results import Provenance, Result
from tournament.results.metrics import objectives
from tournament.runner.base import Backend, WorkItem
from tournament.search.evaluation import Measured, Outcome, Proposal
from tournament.store.aggregates import combine
from tournament.store.contract import StoreWriter
from tournament.store.records import ResultRecord, RunRecord, RunStatus
from tournament.store.runs import RunTask


def outcome_of(
    result: Result,
    *,
    target_ratio: float,
    source: str = "measured",
    attrs: dict[str, Any] | None = None,
) -> Outcome:
    """The outcome of ``result`` for a study of accuracy class ``target_ratio``.

    Every objective metric's value (``None`` where unknown), the oriented quality ratio (the
    one :attr:`~tournament.results.Quality.ratio` the accuracy gate compares, so the constraint
    and the validity rule agree) and the reasons the result does not count at ``target_ratio``;
    ``attrs["estimated"]`` names the metrics whose figures are estimates (shown so).
    """
    quality = result.quality
    estimated = [
        m.name
        for m in objectives()
        if (f := result.figure(m.name)) is not None and f.provenance is Provenance.ESTIMATED
    ]
    return Outcome(
        metrics={m.name: result.value(m.name) for m in objectives()},
        quality_ratio=quality.ratio,
        quality=quality.value,
        reference_quality=quality.reference,
        invalid_reasons=tuple(result.invalid_reasons(target_ratio=target_ratio)),
        source=source,
        attrs={**dict(attrs or {}), "estimated": estimated},
    )


class StoreEvaluator:
    """Measures proposals as submissions of ``study_name`` under ``rules`` (see the module);
    ``target_ratio`` is the study's accuracy class (``min_quality_ratio``)."""

    def __init__(
        self,
        store: StoreWriter,
        backend: Backend,
        *,
        study_name: str,
        scenario: str,
        rules: dict[str, Any],
        label: str,
        target_ratio: float,
        round_name: str = "",
        machine_wait_s: float = 60.0,
    ) -> None:
        self.store = store
        self.backend = backend
        self.study_name = study_name
        self.scenario = scenario
        self.rules = rules
        self.label = label
        self.target_ratio = target_ratio
        self.round_name = round_name
        self.machine_wait_s = machine_wait_s
        self._rules_sha = sha256_of(rules)
        self._repeats = Rules.model_validate(rules).runs
        self._runs: dict[int, list[RunRecord]] = {}  # trial number -> its runs, as last read

    def enter(self, proposal: Proposal) -> dict[str, Any]:
        submission_id, _ = self.store.add_submission(
            proposal.submission,
            round_name=self.round_name,
            origin="search",
            study_name=self.study_name,
            trial_number=proposal.trial_number,
        )
        self.store.queue_runs(
            self.scenario,
            self.rules,
            submission_ids=[submission_id],
            label=self.label,
            requeue_failed=True,
            repeats=self._repeats,
        )
        runs = self.runs_of(submission_id)
        self._runs[proposal.trial_number] = runs
        return {
            "submission_id": submission_id,
            f"{self.label}_run_id": runs[0].id,
            f"{self.label}_run_ids": [run.id for run in runs],
        }

    def runs_of(self, submission_id: int) -> list[RunRecord]:
        """The runs (repeats ``0 .. rules.runs - 1``) of ``submission_id`` under this evaluator's
        scenario and rules: the runs of its configuration, which it may share with other
        entries; in repeat order."""
        entry = self.store.submission(submission_id)
        found = {
            run.repeat: run
            for run in self.store.runs()
            if entry is not None
            and run.round_name == entry.round_name
            and run.config_hash == entry.config_hash
            and run.scenario == self.scenario
            and run.rules_sha256 == self._rules_sha
            and run.repeat < self._repeats
        }
        if len(found) < self._repeats:
            raise LookupError(f"submission {submission_id} has no {self.label} runs")
        return [found[k] for k in sorted(found)]

    def run_of(self, submission_id: int) -> RunRecord:
        """The first run (repeat 0) of :meth:`runs_of`."""
        return self.runs_of(submission_id)[0]

    def measure(self, proposals: list[Proposal]) -> Measured:
        """Measure every run of each proposal (a trial is the aggregate of its rules' runs,
        interleaved across the proposals like a round's entries)."""
        from tournament.runner.driver import Driver

        runs = {p.trial_number: self._trial_runs(p) for p in proposals}
        run_ids = {run.id for trial in runs.values() for run in trial}
        for trial in runs.values():
            for run in trial:
                if run.status == RunStatus.RUNNING:  # left running by a driver that was killed
                    self.store.reset_run(run.id)
        todo = [t for t in self.store.pending_runs() if t.run_id in run_ids]
        summary = None
        if todo:
            driver = Driver(
                self.store,
                self.backend,
                max_attempts=self._attempts(),
                machine_wait_s=self.machine_wait_s,
            )
            summary = driver.run(self._items(todo))
        results = self._results(run_ids)
        outcomes: dict[int, Outcome] = {}
        for number, entered in runs.items():
            now = [self.store.run(run.id) for run in entered]
            if any(run.status == RunStatus.QUEUED for run in now):
                continue  # interrupted before all its runs ran
            outcomes[number] = self._outcome(number, now, results)
        return Measured(outcomes, interrupted=bool(summary and summary.interrupted))

    def _trial_runs(self, proposal: Proposal) -> list[RunRecord]:
        """The proposal's runs as they are now (entering the proposal first if it was not)."""
        if proposal.trial_number not in self._runs:
            self.enter(proposal)
        return [self.store.run(run.id) for run in self._runs[proposal.trial_number]]

    def _attempts(self) -> int:
        return 1 if self.backend.name == "ray" else 3  # Ray retries lost workers itself

    def _items(self, tasks: list[RunTask]) -> list[WorkItem]:
        from tournament.runner.session import machine_specs, work_items

        specs = machine_specs(self.store, {t.machine for t in tasks})
        return work_items(self.store, specs, tasks)

    def _results(self, run_ids: set[int]) -> dict[int, ResultRecord]:
        records = self.store.results(scenario=self.scenario)
        return {r.run_id: r for r in records if r.run_id in run_ids}

    def _outcome(
        self, number: int, runs: list[RunRecord], results: dict[int, ResultRecord]
    ) -> Outcome:
        ids = {f"{self.label}_run_id": runs[0].id, f"{self.label}_run_ids": [r.id for r in runs]}
        missing = [run for run in runs if run.id not in results]
        if missing:
            run = missing[0]
            error = run.error or f"run {run.id} ended {run.status} without a result"
            return Outcome(error=error, attrs=ids)
        record = combine([results[run.id] for run in runs])
        served = (record.entry, *record.shared_with)  # the runs were queued for one of them
        measured_for = next((e for e in served if e.submission_id == runs[0].submission_id), None)
        measured_for = measured_for or record.entry
        ours = measured_for.study_name == self.study_name and measured_for.trial_number == number
        return outcome_of(
            record.result,
            target_ratio=self.target_ratio,
            source="measured" if ours else "stored",
            attrs={
                **ids,
                f"{self.label}_result_id": record.result_id,
                f"{self.label}_result_ids": list(record.result_ids or (record.result_id,)),
            },
        )
