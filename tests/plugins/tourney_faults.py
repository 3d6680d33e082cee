"""A test-only workload plugin that injects faults, loaded through ``TOURNEY_PLUGINS``.

Importing it registers ``faulty-tiny`` at run time (:func:`tournament.workloads.register`).

Variants (the model is a tiny real MLP; the fault happens inside ``forward``):

* ``ok``          no fault;
* ``raise``       forward raises ``ValueError("injected fault")`` (a deterministic failure);
* ``sleep``       forward sleeps 30 s (exceeds any short time limit);
* ``crash-once``  the first process to run it kills itself with SIGKILL, later ones succeed
                  (marker file in ``$TOURNEY_FAULT_DIR``);
* ``crash``       every process running it kills itself with SIGKILL;
* ``slow``        every forward sleeps 20 ms; the first one writes ``measuring-<pid>`` in
                  ``$TOURNEY_FAULT_DIR`` (so a test can kill the worker mid-measurement);
* ``oom``         the first forward allocates and touches 64 MiB blocks until it holds 4 GiB
                  (or an allocation fails: a memory limit), keeping them until the process ends.
"""

from __future__ import annotations

import hashlib
import os
import signal
import time
from pathlib import Path
from typing import Any

import numpy as np

from tournament import workloads
from tournament.workloads import EvalSet, Feed, QualityMetric, Workload

N_IN, N_OUT, N_EVAL = 16, 4, 64
_HELD: list[np.ndarray] = []


def _inject(variant: str) -> None:
    if variant == "raise":
        raise ValueError("injected fault")
    if variant == "sleep":
        time.sleep(30)
    if variant == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    if variant == "slow":
        _announce("measuring")
        time.sleep(0.02)
    if variant == "oom" and not _HELD:
        _hog(block_mb=64, total_mb=4096)
    if variant == "crash-once":
        marker = Path(os.environ["TOURNEY_FAULT_DIR"]) / "crashed-once"
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.close(fd)
        os.kill(os.getpid(), signal.SIGKILL)


def _announce(prefix: str) -> None:
    """Create ``$TOURNEY_FAULT_DIR/<prefix>-<pid>`` once per process."""
    marker = Path(os.environ["TOURNEY_FAULT_DIR"]) / f"{prefix}-{os.getpid()}"
    if not marker.exists():
        marker.touch()


def _hog(block_mb: int, total_mb: int) -> None:
    """Hold ``total_mb`` MiB in touched ``block_mb`` blocks; MemoryError if a limit stops it."""
    _HELD.append(np.zeros(0))
    for _ in range(total_mb // block_mb):
        _HELD.append(np.ones(block_mb * 2**20, dtype=np.uint8))


class FaultyTiny(Workload):
    """A 16->4 MLP on seeded random data; quality = agreement with the fp32 argmax."""

    name = "faulty-tiny"
    description = "Test-only workload that injects faults in the model's forward."
    variants = ("ok", "raise", "sleep", "crash-once", "crash", "slow", "oom")
    metric = QualityMetric("argmax_agreement")

    def build(self, variant: str) -> Any:
        import torch

        torch.manual_seed(0)
        inner = torch.nn.Sequential(
            torch.nn.Linear(N_IN, 32), torch.nn.ReLU(), torch.nn.Linear(32, N_OUT)
        )

        class Net(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.inner = inner

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                _inject(variant)
                return self.inner(x)  # type: ignore[no-any-return]

        return Net().eval()

    def input_names(self, variant: str) -> list[str]:
        return ["x"]

    def _data(self, n: int, seed: int) -> np.ndarray:
        return np.random.default_rng(seed).standard_normal((n, N_IN)).astype(np.float32)

    def sample_inputs(self, variant: str, batch_size: int) -> Feed:
        return {"x": self._data(batch_size, 1)}

    def _reference(self) -> np.ndarray:
        import torch

        inner = self.build("ok").inner
        with torch.no_grad():
            return inner(torch.from_numpy(self._data(N_EVAL, 2))).numpy().argmax(axis=1)

    def eval_set(self, variant: str) -> EvalSet:
        x = self._data(N_EVAL, 2)
        return EvalSet({"x": x}, self._reference(), hashlib.sha256(x.tobytes()).hexdigest())

    def calibration_set(self, variant: str) -> EvalSet:
        x = self._data(32, 3)
        return EvalSet({"x": x}, np.zeros(32), hashlib.sha256(x.tobytes()).hexdigest())

    def quality(self, variant: str, outputs: np.ndarray) -> float:
        return float((outputs.argmax(axis=1) == self._reference()).mean())

    def reference_quality(self, variant: str) -> float:
        return 1.0

    def flops_per_sample(self, variant: str) -> float:
        return 2.0 * (N_IN * 32 + 32 * N_OUT)

    def fingerprint(self, variant: str) -> dict[str, str]:
        return {"model_sha256": "faulty-tiny-seed0", "dataset_sha256": "seeded-random"}


workloads.register("faulty-tiny", "tourney_faults:FaultyTiny")
