"""Child process of the concurrent-writers test (spawned; imported by its file's folder)."""

from __future__ import annotations

from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from tournament.schema import Submission
from tournament.store import Store


def add_many(url: str, worker: int, count: int, barrier: Barrier, out: Queue[int]) -> None:
    """Open the store (migrating it, maybe concurrently), add ``count`` distinct configs and
    put the number created in ``out``; any exception ends the process with a non-zero code."""
    barrier.wait(timeout=60)
    created = 0
    with Store(url) as store:
        for i in range(count):
            sub = Submission(
                team=f"team-{worker}",
                name=f"entry-{i}",
                workload="digits-cnn",
                variant="small",
                runtime="onnxruntime",
                batch_size=i + 1,
                machine=f"machine-{worker}",
            )
            created += store.add_submission(sub)[1]
    out.put(created)
