"""The store: the only writer of the database. One class, composed of one part per table."""

from __future__ import annotations

from tournament.store.leases import LeasesPart
from tournament.store.machines import MachinesPart
from tournament.store.results import ResultsPart
from tournament.store.rounds import RoundsPart
from tournament.store.runs import RunsPart
from tournament.store.submissions import SubmissionsPart


class Store(SubmissionsPart, RunsPart, ResultsPart, MachinesPart, RoundsPart, LeasesPart):
    """The database of submissions, runs, results, machines, rounds and leases.

    ``Store(url)`` opens ``url`` (default: ``TOURNEY_DB_URL`` or the SQLite file in
    ``TOURNEY_HOME``) and migrates it to the newest schema, safely when several processes start
    at once. Each write method is one transaction, retried while the database is busy; reads
    return frozen records (:mod:`tournament.store.records`), never ORM objects. Only the driver
    process writes: workers return a :class:`~tournament.results.Result` as plain data.
    """
