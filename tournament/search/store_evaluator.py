"""The real evaluator: each proposal becomes a submission, measured through the runner.

``enter`` adds the submission (origin ``search``, team ``optuna``, study and trial number) and
queues its run under the evaluator's rules and label; both are idempotent, so entering a resumed
trial again finds the same rows. ``measure`` reuses a result the run already has (a resumed
trial whose result was stored before the driver died, or a configuration someone else entered
and measured), puts back in the queue a run left ``running`` by a killed driver, and measures the
rest with :class:`~tournament.runner.driver.Driver`, one run per machine at a time. Each stored
result is read as a typed record (:class:`~tournament.store.records.ResultRecord`) and turned
into an :class:`~tournament.search.evaluation.Outcome` by :func:`outcome_of`.
"""

from __future__ import annotations

from typing import Any

from tournament.hashing import sha256_of
from tournament.results import Result
from tournament.results.metrics import objectives
from tournament.runner.base import Backend, WorkItem
from tournament.search.evaluation import Measured, Outcome, Proposal
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
    and the validity rule agree) and the reasons the result does not count at ``target_ratio``.
    """
    quality = result.quality
    return Outcome(
        metrics={m.name: result.value(m.name) for m in objectives()},
        quality_ratio=quality.ratio,
        quality=quality.value,
        reference_quality=quality.reference,
        invalid_reasons=tuple(result.invalid_reasons(target_ratio=target_ratio)),
        source=source,
        attrs=dict(attrs or {}),
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
        self._runs: dict[int, RunRecord] = {}  # trial number -> its run, as last read

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
        )
        run = self.run_of(submission_id)
        self._runs[proposal.trial_number] = run
        return {"submission_id": submission_id, f"{self.label}_run_id": run.id}

    def run_of(self, submission_id: int) -> RunRecord:
        """The run of ``submission_id`` under this evaluator's scenario and rules (the run of its
        configuration, which it may share with other entries)."""
        entry = self.store.submission(submission_id)
        for run in self.store.runs():
            if (
                entry is not None
                and run.round_name == entry.round_name
                and run.config_hash == entry.config_hash
                and run.scenario == self.scenario
                and run.rules_sha256 == self._rules_sha
                and run.repeat == 0
            ):
                return run
        raise LookupError(f"submission {submission_id} has no {self.label} run")

    def measure(self, proposals: list[Proposal]) -> Measured:
        from tournament.runner.driver import Driver

        runs = {p.trial_number: self._run(p) for p in proposals}
        run_ids = {run.id for run in runs.values()}
        for run in runs.values():
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
            run = self.store.run(entered.id)
            if run.status == RunStatus.QUEUED:
                continue  # interrupted before it ran
            outcomes[number] = self._outcome(number, run, results.get(run.id))
        return Measured(outcomes, interrupted=bool(summary and summary.interrupted))

    def _run(self, proposal: Proposal) -> RunRecord:
        """The proposal's run as it is now (entering the proposal first if it was not)."""
        if proposal.trial_number not in self._runs:
            self.enter(proposal)
        return self.store.run(self._runs[proposal.trial_number].id)

    def _attempts(self) -> int:
        return 1 if self.backend.name == "ray" else 3  # Ray retries lost workers itself

    def _items(self, tasks: list[RunTask]) -> list[WorkItem]:
        from tournament.runner.session import machine_specs, work_items

        specs = machine_specs(self.store, {t.machine for t in tasks})
        return work_items(self.store, specs, tasks)

    def _results(self, run_ids: set[int]) -> dict[int, ResultRecord]:
        records = self.store.results(scenario=self.scenario)
        return {r.run_id: r for r in records if r.run_id in run_ids}

    def _outcome(self, number: int, run: RunRecord, record: ResultRecord | None) -> Outcome:
        if record is None:
            error = run.error or f"run {run.id} ended {run.status} without a result"
            return Outcome(error=error, attrs={f"{self.label}_run_id": run.id})
        served = (record.entry, *record.shared_with)  # the run was queued for one of them
        measured_for = next((e for e in served if e.submission_id == run.submission_id), None)
        measured_for = measured_for or record.entry
        ours = measured_for.study_name == self.study_name and measured_for.trial_number == number
        return outcome_of(
            record.result,
            target_ratio=self.target_ratio,
            source="measured" if ours else "stored",
            attrs={f"{self.label}_run_id": run.id, f"{self.label}_result_id": record.result_id},
        )
