"""Tiny real workloads for the runtime contract suite, and the fp32 reference they are held to.

Copied (minimal) from ``tests/tournament/runtimes/conftest.py``: seeded random weights, seeded
inputs, a calibration split disjoint from the evaluation split. :class:`TinyCNN` uses only
layers every registered runtime can run (convolutions, ReLU, flatten, linear); :class:`TinyEmbed`
adds int64 inputs, an embedding, GELU and a ``-inf`` additive mask (some runtimes refuse it at
``prepare``, which the contract allows). :class:`TinyCNNReseeded` is :class:`TinyCNN` under the
same name and variant with other weights: a cache keyed by content must tell them apart.
"""

from __future__ import annotations

import hashlib

import numpy as np
import torch

from tournament.workloads.base import EvalSet, Feed, QualityMetric, Workload

VARIANT = "small"


def _seeded(factory: type[torch.nn.Module], seed: int) -> torch.nn.Module:
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return factory().eval()


class _TinyCNNModel(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = torch.nn.Sequential(
            torch.nn.Conv2d(1, 4, 3, padding=1),
            torch.nn.ReLU(),
            torch.nn.Conv2d(4, 8, 3, padding=1),
            torch.nn.ReLU(),
            torch.nn.Flatten(),
        )
        self.head = torch.nn.Sequential(
            torch.nn.Linear(8 * 8 * 8, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10)
        )

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(pixels))


class _TinyEmbedModel(torch.nn.Module):
    """Token embedding, an MLP, attention pooling with a ``-inf`` additive padding mask."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = torch.nn.Embedding(100, 32)
        self.mlp = torch.nn.Sequential(
            torch.nn.Linear(32, 64), torch.nn.GELU(), torch.nn.Linear(64, 24)
        )
        self.score = torch.nn.Linear(24, 1)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.mlp(self.embed(input_ids))
        scores = self.score(hidden).squeeze(-1)
        bias = torch.zeros_like(scores).masked_fill(attention_mask == 0, float("-inf"))
        weights = torch.softmax(scores + bias, dim=1)
        return (weights.unsqueeze(-1) * hidden).sum(1)


class _TinyWorkload(Workload):
    """Shared plumbing: seeded inputs, a deterministic evaluation and calibration split."""

    variants = (VARIANT,)
    metric = QualityMetric("top1", description="agreement with the fp32 argmax")
    eval_seed = 1000
    calibration_seed = 2000

    def _inputs(self, batch_size: int, seed: int) -> Feed:
        raise NotImplementedError

    def sample_inputs(self, variant: str, batch_size: int) -> Feed:
        return self._inputs(batch_size, seed=batch_size)

    def _set(self, n: int, seed: int) -> EvalSet:
        inputs = self._inputs(n, seed)
        digest = hashlib.sha256()
        for name in sorted(inputs):
            digest.update(inputs[name].tobytes())
        return EvalSet(inputs=inputs, labels=np.zeros(n, dtype=np.int64), sha256=digest.hexdigest())

    def eval_set(self, variant: str) -> EvalSet:
        return self._set(64, self.eval_seed)

    def calibration_set(self, variant: str) -> EvalSet:
        return self._set(32, self.calibration_seed)

    def quality(self, variant: str, outputs: np.ndarray) -> float:
        reference = reference_output(self, variant, self.eval_set(variant).inputs)
        return float(np.mean(outputs.argmax(1) == reference.argmax(1)))

    def reference_quality(self, variant: str) -> float:
        return 1.0

    def flops_per_sample(self, variant: str) -> float:
        model = self.build(variant)
        return float(2 * sum(p.numel() for p in model.parameters() if p.dim() > 1))

    def fingerprint(self, variant: str) -> dict[str, str]:
        from tournament.runtimes.hashing import weights_sha256

        return {"model_sha256": weights_sha256(self.build(variant))}


class TinyCNN(_TinyWorkload):
    """Two convolutions and two linear layers on 8x8 single-channel images."""

    name = "tiny-cnn"
    description = "test double: a digits-like CNN with seeded random weights"
    seed = 0

    def build(self, variant: str) -> torch.nn.Module:
        return _seeded(_TinyCNNModel, seed=self.seed)

    def input_names(self, variant: str) -> list[str]:
        return ["pixels"]

    def _inputs(self, batch_size: int, seed: int) -> Feed:
        rng = np.random.default_rng(seed)
        return {"pixels": rng.random((batch_size, 1, 8, 8), dtype=np.float32)}


class TinyCNNReseeded(TinyCNN):
    """:class:`TinyCNN` (same name, variant and inputs) with other weights."""

    seed = 7


class TinyEmbed(_TinyWorkload):
    """Two int64 inputs (ids and mask, at least 4 real tokens per row)."""

    name = "tiny-embed"
    description = "test double: token embedding + MLP + masked attention pooling"

    def build(self, variant: str) -> torch.nn.Module:
        return _seeded(_TinyEmbedModel, seed=1)

    def input_names(self, variant: str) -> list[str]:
        return ["input_ids", "attention_mask"]

    def output_names(self, variant: str) -> list[str]:
        return ["embedding"]

    def _inputs(self, batch_size: int, seed: int) -> Feed:
        rng = np.random.default_rng(seed)
        ids = rng.integers(1, 100, size=(batch_size, 16), dtype=np.int64)
        lengths = rng.integers(4, 17, size=batch_size)
        mask = (np.arange(16)[None, :] < lengths[:, None]).astype(np.int64)
        return {"input_ids": ids * mask, "attention_mask": mask}


def reference_output(workload: Workload, variant: str, feed: Feed) -> np.ndarray:
    """The fp32 PyTorch eager output: what every runtime is compared with."""
    model = workload.build(variant)
    with torch.inference_mode():
        args = [torch.from_numpy(feed[name]) for name in workload.input_names(variant)]
        return model(*args).numpy()


def relative_error(output: np.ndarray, reference: np.ndarray) -> float:
    """Largest absolute difference, relative to the largest reference magnitude."""
    return float(np.abs(output - reference).max() / np.abs(reference).max())
