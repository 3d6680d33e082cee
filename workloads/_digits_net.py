"""The digits CNN and its training loop (imports torch: load only when building the model)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from workloads._torch_tools import deterministic_torch


@dataclass(frozen=True)
class NetSpec:
    """Architecture and training hyper-parameters of one digits-cnn variant."""

    conv1: int
    conv2: int
    hidden: int
    epochs: int = 20
    batch_size: int = 32
    max_learning_rate: float = 1e-2
    weight_decay: float = 1e-4
    seed: int = 0


class DigitsNet(nn.Module):
    """conv3x3 -> ReLU -> conv3x3 -> ReLU -> maxpool2 -> linear -> ReLU -> linear (10 logits).

    Input ``image``: float32 (N, 1, 8, 8) in [0, 1]; output: logits (N, 10).
    """

    def __init__(self, spec: NetSpec) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, spec.conv1, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv2d(spec.conv1, spec.conv2, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(spec.conv2 * 4 * 4, spec.hidden),
            nn.ReLU(),
            nn.Linear(spec.hidden, 10),
        )

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(image))


def train(spec: NetSpec, images: np.ndarray, labels: np.ndarray) -> DigitsNet:
    """A model trained deterministically (seeded, one thread) on ``images``/``labels``.

    Adam with a one-cycle learning-rate schedule, cross-entropy loss, shuffled mini-batches.
    """
    with deterministic_torch(spec.seed):
        net = DigitsNet(spec)
        x = torch.from_numpy(images)
        y = torch.from_numpy(labels.astype(np.int64))
        optimizer = torch.optim.Adam(
            net.parameters(), lr=spec.max_learning_rate, weight_decay=spec.weight_decay
        )
        steps_per_epoch = -(-len(x) // spec.batch_size)
        schedule = torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=spec.max_learning_rate, total_steps=spec.epochs * steps_per_epoch
        )
        loss_fn = nn.CrossEntropyLoss()
        net.train()
        for _ in range(spec.epochs):
            for idx in torch.randperm(len(x)).split(spec.batch_size):
                optimizer.zero_grad()
                loss_fn(net(x[idx]), y[idx]).backward()
                optimizer.step()
                schedule.step()
    return net.eval()


def predict(net: nn.Module, images: np.ndarray) -> np.ndarray:
    """Logits (N, 10) as float32 numpy."""
    with torch.inference_mode():
        return net(torch.from_numpy(images)).numpy()
