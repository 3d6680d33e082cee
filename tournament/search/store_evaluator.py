"""The real evaluator: each proposal becomes a submission, measured through the runner.

``enter`` adds the submission (origin ``search``, team ``optuna``, study and trial number) and
queues its run under the evaluator's rules and label; both are idempotent, so entering a resumed
trial again finds the same rows. ``measure`` reuses a result the run already has (a resumed
trial whose result was stored before the driver died, or a configuration someone else entered
and measured), puts back in the queue a run left ``running`` by a killed driver, and measures the
rest with :class:`~tournament.runner.driver.Driver`, one run per machine at a time.
"""

from __future__ import annotations

from typing import Any

from tournament.runner.base import Backend
from tournament.search.evaluation import Measured, Outcome, Proposal
from tournament.search.objectives import DIRECTIONS
from tournament.store.codec import sha256_of


class StoreEvaluator:
    """Measures proposals as submissions of ``study_name`` under ``rules`` (see the module)."""

    def __init__(
        self,
        store: Any,
        backend: Backend,
        *,
        study_name: str,
        scenario: str,
        rules: dict[str, Any],
        label: str,
        round_name: str = "",
        machine_wait_s: float = 60.0,
    ) -> None:
        self.store = store
        self.backend = backend
        self.study_name = study_name
        self.scenario = scenario
        self.rules = rules
        self.label = label
        self.round_name = round_name
        self.machine_wait_s = machine_wait_s
        self._rules_sha = sha256_of(rules)
        self._links: dict[int, dict[str, Any]] = {}

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
        link = {"submission_id": submission_id, f"{self.label}_run_id": run["id"]}
        self._links[proposal.trial_number] = {"submission_id": submission_id, "run": run}
        return link

    def run_of(self, submission_id: int) -> dict[str, Any]:
        """The run of ``submission_id`` under this evaluator's scenario and rules."""
        for run in self.store.runs():
            if (
                run["submission_id"] == submission_id
                and run["scenario"] == self.scenario
                and run["rules_sha256"] == self._rules_sha
                and run["repeat"] == 0
            ):
                return run
        raise LookupError(f"submission {submission_id} has no {self.label} run")

    def measure(self, proposals: list[Proposal]) -> Measured:
        from tournament.runner.driver import Driver

        links = {p.trial_number: self._link(p) for p in proposals}
        run_ids = {link["run"]["id"] for link in links.values()}
        for link in links.values():
            if link["run"]["status"] == "running":  # left running by a driver that was killed
                self.store.reset_run(link["run"]["id"])
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
        for number, link in links.items():
            run = self.store.run(link["run"]["id"])
            if run["status"] == "queued":
                continue  # interrupted before it ran
            outcomes[number] = self._outcome(number, run, results.get(run["id"]))
        return Measured(outcomes, interrupted=bool(summary and summary.interrupted))

    def _link(self, proposal: Proposal) -> dict[str, Any]:
        link = self._links.get(proposal.trial_number)
        if link is None:
            self.enter(proposal)
            link = self._links[proposal.trial_number]
        return {**link, "run": self.store.run(link["run"]["id"])}

    def _attempts(self) -> int:
        return 1 if self.backend.name == "ray" else 3  # Ray retries lost workers itself

    def _items(self, tasks: list[Any]) -> list[Any]:
        from tournament.runner.session import machine_specs, work_items

        specs = machine_specs(self.store, {t.machine for t in tasks})
        return work_items(self.store, specs, tasks)

    def _results(self, run_ids: set[int]) -> dict[int, dict[str, Any]]:
        rows = self.store.results(scenario=self.scenario)
        return {row["run_id"]: row for row in rows if row["run_id"] in run_ids}

    def _outcome(self, number: int, run: dict[str, Any], row: dict[str, Any] | None) -> Outcome:
        if row is None:
            error = run.get("error") or f"run {run['id']} ended {run['status']} without a result"
            return Outcome(error=error, attrs={f"{self.label}_run_id": run["id"]})
        submission = self.store.submission(row["submission_id"]) or {}
        ours = (
            submission.get("study_name") == self.study_name
            and submission.get("trial_number") == number
        )
        return Outcome(
            metrics={name: row.get(name) for name in DIRECTIONS},
            quality=row["quality"],
            reference_quality=row["reference_quality"],
            higher_is_better=_higher_is_better(row["workload"]),
            source="measured" if ours else "stored",
            attrs={f"{self.label}_run_id": run["id"], f"{self.label}_result_id": row["result_id"]},
        )


def _higher_is_better(workload: str) -> bool:
    import workloads

    return bool(workloads.get(workload).metric.higher_is_better)
