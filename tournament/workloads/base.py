"""The workload contract: a model, its data and its quality metric. Knows nothing of timing."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

Feed = dict[str, np.ndarray]
"""Model inputs by name, batch on axis 0 (the ONNX feed convention)."""


@dataclass(frozen=True)
class QualityMetric:
    """How a workload scores outputs.

    ``name`` is the key stored with results; ``label`` what a reader sees (default: the name);
    ``description`` one sentence saying what is measured on what.
    """

    name: str
    higher_is_better: bool = True
    description: str = ""
    label: str = ""


@dataclass(frozen=True)
class EvalSet:
    """A fixed evaluation (or calibration) set: inputs and the labels ``quality`` needs.

    ``labels`` may be class ids (classification) or reference outputs (fidelity metrics).
    """

    inputs: Feed
    labels: np.ndarray
    sha256: str
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(next(iter(self.inputs.values())).shape[0])

    def batches(self, batch_size: int) -> list[Feed]:
        """The inputs cut into consecutive batches (the last one may be shorter)."""
        n = len(self)
        return [
            {k: v[i : i + batch_size] for k, v in self.inputs.items()}
            for i in range(0, n, batch_size)
        ]


class Workload(ABC):
    """A model with its data and quality metric.

    Contract:
    * ``build`` returns a fresh fp32 ``torch.nn.Module`` in eval mode whose ``forward`` takes
      the inputs of :meth:`input_names` positionally and returns one tensor (batch on axis 0).
      Building is deterministic: the same code and data give the same weights.
    * ``eval_set``, ``calibration_set`` and ``sample_inputs`` are deterministic and disjoint
      where it matters (calibration never overlaps the evaluation split).
    * ``quality`` scores outputs of the *whole* evaluation set, in order.
    * Nothing here times anything or touches the store.
    """

    name: str
    description: str
    variants: tuple[str, ...]
    metric: QualityMetric
    default_target_ratio: float = 0.99

    @abstractmethod
    def build(self, variant: str) -> torch.nn.Module:
        """The fp32 reference model of ``variant``."""

    @abstractmethod
    def input_names(self, variant: str) -> list[str]:
        """Names of the model inputs, in ``forward`` order."""

    def output_names(self, variant: str) -> list[str]:
        """Names of the model outputs (one)."""
        return ["output"]

    @abstractmethod
    def sample_inputs(self, variant: str, batch_size: int) -> Feed:
        """A representative batch for timed runs (deterministic)."""

    @abstractmethod
    def eval_set(self, variant: str) -> EvalSet:
        """The evaluation set, scored by :meth:`quality`."""

    @abstractmethod
    def calibration_set(self, variant: str) -> EvalSet:
        """Samples for int8-static calibration, disjoint from the evaluation set."""

    @abstractmethod
    def quality(self, variant: str, outputs: np.ndarray) -> float:
        """Score the outputs of the whole evaluation set (rows in eval-set order)."""

    @abstractmethod
    def reference_quality(self, variant: str) -> float:
        """Quality of the fp32 torch reference model (cached)."""

    @abstractmethod
    def flops_per_sample(self, variant: str) -> float:
        """Floating-point operations per sample, counted (not guessed)."""

    @abstractmethod
    def fingerprint(self, variant: str) -> dict[str, str]:
        """Hashes that identify the model weights and the datasets (``model_sha256`` ...)."""

    def validate_batch_size(self, variant: str, batch_size: int) -> str | None:
        """A problem sentence if ``batch_size`` cannot work for this variant, else None."""
        return None
