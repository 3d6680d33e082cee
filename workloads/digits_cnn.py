"""digits-cnn: a small CNN classifying scikit-learn's bundled 8x8 handwritten digits.

Data: ``sklearn.datasets.load_digits`` (1,797 images, offline). Pixels are scaled from 0..16
to [0, 1] as float32, shape (N, 1, 8, 8), input name ``image``; labels are class ids (int64).
A fixed stratified split (numpy ``default_rng(0)`` permutation within each class, rounded
per class) gives 30 % test (the evaluation set, 539 images), 10 % calibration (179) and 60 %
train (1,079); each split keeps the original dataset order.

Variants (both: conv3x3 -> ReLU -> conv3x3 -> ReLU -> maxpool2 -> linear -> ReLU -> linear):

* ``small``: 8 and 16 channels, 32 hidden units, 9,802 parameters.
* ``wide``: 32 and 64 channels, 64 hidden units, 85,066 parameters.

Training is deterministic (seeded, one thread, deterministic algorithms; Adam with a one-cycle
schedule, 25 / 15 epochs, 1-2 s); test accuracy is about 0.98 (small) and 0.99 (wide).
Weights are cached under ``cache_dir("workloads", "digits-cnn")`` in a file keyed by the
sha256 of the source of this module, the network module and the determinism helpers, the
dataset bytes, the variant and its hyper-parameters: changing any of them retrains. Quality
is top-1 accuracy on the test split; FLOPs are counted by ``FlopCounterMode`` (2 x
multiply-accumulates of convolutions and linear layers; bias, ReLU and pooling are not
counted).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tournament.config import cache_dir
from tournament.errors import UserError
from tournament.workloads.base import EvalSet, Feed, QualityMetric, Workload
from workloads._artifacts import atomic_write_bytes, cached_json
from workloads._hashing import sha256_arrays, sha256_text, source_sha256

if TYPE_CHECKING:
    from torch import nn

SPLIT_SEED = 0
TEST_FRACTION = 0.30
CALIBRATION_FRACTION = 0.10

_SPECS: dict[str, dict[str, Any]] = {
    "small": {"conv1": 8, "conv2": 16, "hidden": 32, "epochs": 25},
    "wide": {"conv1": 32, "conv2": 64, "hidden": 64, "epochs": 15},
}
_HERE = Path(__file__).parent
_SOURCES = (__file__, str(_HERE / "_digits_net.py"), str(_HERE / "_torch_tools.py"))


@dataclass(frozen=True)
class _Splits:
    indices: dict[str, np.ndarray]
    images: dict[str, np.ndarray]
    labels: dict[str, np.ndarray]
    raw_sha256: str


@cache
def _splits() -> _Splits:
    """The dataset cut into train / calibration / test (stratified, seeded, documented above)."""
    from sklearn.datasets import load_digits

    raw = load_digits()
    data, target = np.asarray(raw.data), np.asarray(raw.target, dtype=np.int64)
    images = (data / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    rng = np.random.default_rng(SPLIT_SEED)
    parts: dict[str, list[np.ndarray]] = {"train": [], "calibration": [], "test": []}
    for cls in range(10):
        idx = rng.permutation(np.flatnonzero(target == cls))
        n_test = round(len(idx) * TEST_FRACTION)
        n_cal = round(len(idx) * CALIBRATION_FRACTION)
        parts["test"].append(idx[:n_test])
        parts["calibration"].append(idx[n_test : n_test + n_cal])
        parts["train"].append(idx[n_test + n_cal :])
    order = {k: np.sort(np.concatenate(v)) for k, v in parts.items()}
    return _Splits(
        indices=order,
        images={k: images[i] for k, i in order.items()},
        labels={k: target[i] for k, i in order.items()},
        raw_sha256=sha256_arrays({"data": data, "target": target}),
    )


def _check_variant(variant: str) -> str:
    if variant not in _SPECS:
        raise UserError(
            f"variant must be one of {', '.join(_SPECS)} for workload digits-cnn, got {variant!r}."
        )
    return variant


@cache
def _cache_key(variant: str) -> str:
    """sha256 of code, data, variant and hyper-parameters: a change retrains."""
    return sha256_text(
        source_sha256(*_SOURCES),
        _splits().raw_sha256,
        variant,
        json.dumps(_SPECS[variant], sort_keys=True),
    )


def _cache_stem(variant: str) -> Path:
    """Cache path of ``variant``'s files, without suffix."""
    return cache_dir("workloads", "digits-cnn") / f"{variant}-{_cache_key(variant)[:20]}"


def _load_or_train(variant: str) -> nn.Module:
    """The cached weights of ``variant``; trained and stored first when missing."""
    import torch

    from workloads import _digits_net

    spec = _digits_net.NetSpec(**_SPECS[variant])
    path = _cache_stem(variant).with_suffix(".pt")
    net = _digits_net.DigitsNet(spec)
    try:
        net.load_state_dict(torch.load(path, weights_only=True))
    except (OSError, RuntimeError, EOFError):
        split = _splits()
        net = _digits_net.train(spec, split.images["train"], split.labels["train"])
        buffer = io.BytesIO()
        torch.save(net.state_dict(), buffer)
        atomic_write_bytes(path, buffer.getvalue())
    return net.eval()


def _state_sha256(net: nn.Module) -> str:
    return sha256_arrays({k: v.detach().cpu().numpy() for k, v in net.state_dict().items()})


@cache
def _meta(variant: str) -> dict[str, Any]:
    """Reference accuracy, counted FLOPs and weight hash of ``variant`` (cached as JSON)."""

    def compute() -> dict[str, Any]:
        import torch

        from workloads._digits_net import predict
        from workloads._torch_tools import count_flops

        net = _load_or_train(variant)
        split = _splits()
        logits = predict(net, split.images["test"])
        one = torch.from_numpy(split.images["test"][:1])
        return {
            "reference_quality": _accuracy(logits, split.labels["test"]),
            "flops_per_sample": count_flops(net, one),
            "model_sha256": _state_sha256(net),
        }

    return cached_json(_cache_stem(variant).with_suffix(".json"), compute)


def _accuracy(logits: np.ndarray, labels: np.ndarray) -> float:
    if logits.ndim != 2 or logits.shape != (len(labels), 10):
        raise ValueError(
            f"digits-cnn outputs must have shape ({len(labels)}, 10), got {logits.shape}."
        )
    return float(np.mean(np.argmax(logits, axis=1) == labels))


def _eval_set(split_name: str) -> EvalSet:
    split = _splits()
    images = split.images[split_name].copy()
    labels = split.labels[split_name].copy()
    return EvalSet(
        inputs={"image": images},
        labels=labels,
        sha256=sha256_arrays({"image": images, "labels": labels}),
    )


class DigitsCNN(Workload):
    """Handwritten digits (8x8) classified by a small CNN trained on the spot."""

    name = "digits-cnn"
    description = "8x8 handwritten digits (scikit-learn) classified by a small CNN."
    variants = ("small", "wide")
    metric = QualityMetric(
        name="top1_accuracy",
        higher_is_better=True,
        description="Fraction of the 540 test images whose arg-max logit is the true digit.",
        label="top-1 accuracy",
    )

    def build(self, variant: str) -> nn.Module:
        return _load_or_train(_check_variant(variant))

    def input_names(self, variant: str) -> list[str]:
        _check_variant(variant)
        return ["image"]

    def sample_inputs(self, variant: str, batch_size: int) -> Feed:
        """The first ``batch_size`` test images, cycling when the batch is larger."""
        _check_variant(variant)
        images = _splits().images["test"]
        return {"image": images[np.arange(batch_size) % len(images)]}

    def eval_set(self, variant: str) -> EvalSet:
        _check_variant(variant)
        return _eval_set("test")

    def calibration_set(self, variant: str) -> EvalSet:
        _check_variant(variant)
        return _eval_set("calibration")

    def quality(self, variant: str, outputs: np.ndarray) -> float:
        _check_variant(variant)
        return _accuracy(np.asarray(outputs), _splits().labels["test"])

    def reference_quality(self, variant: str) -> float:
        return float(_meta(_check_variant(variant))["reference_quality"])

    def flops_per_sample(self, variant: str) -> float:
        return float(_meta(_check_variant(variant))["flops_per_sample"])

    def fingerprint(self, variant: str) -> dict[str, str]:
        meta = _meta(_check_variant(variant))
        return {
            "model_sha256": str(meta["model_sha256"]),
            "dataset_sha256": _eval_set("test").sha256,
            "calibration_sha256": _eval_set("calibration").sha256,
        }
