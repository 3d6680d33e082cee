"""A predictor around a PyTorch module (eager or compiled)."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import numpy as np
import torch

if TYPE_CHECKING:
    from tournament.workloads.base import Feed


class TorchPredictor:
    """Runs ``model(*inputs)`` under ``torch.inference_mode`` and returns a float32 array.

    Inputs are taken from the feed in ``input_names`` order without copying (on CPU).
    ``autocast`` (e.g. ``torch.bfloat16``) runs the model under ``torch.autocast``;
    ``half_inputs`` casts floating inputs to fp16 for an fp16 model. The intra-op thread count
    is re-applied before a call if something else in the process changed it.
    """

    def __init__(
        self,
        model: torch.nn.Module,
        input_names: list[str],
        *,
        device: str = "cpu",
        autocast: torch.dtype | None = None,
        half_inputs: bool = False,
        intra_op_threads: int = 1,
    ) -> None:
        self.model = model
        self.input_names = list(input_names)
        self.device = torch.device(device)
        self.autocast = autocast
        self.half_inputs = half_inputs
        self.intra_op_threads = intra_op_threads

    def _tensor(self, array: np.ndarray) -> torch.Tensor:
        tensor = torch.from_numpy(np.ascontiguousarray(array))
        if self.half_inputs and tensor.is_floating_point():
            tensor = tensor.half()
        return tensor.to(self.device) if self.device.type != "cpu" else tensor

    def _autocast(self) -> contextlib.AbstractContextManager[object]:
        if self.autocast is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.autocast)

    def predict(self, feed: Feed) -> np.ndarray:
        """The model's output for one batch, computed before returning."""
        if torch.get_num_threads() != self.intra_op_threads:
            torch.set_num_threads(self.intra_op_threads)
        inputs = [self._tensor(feed[name]) for name in self.input_names]
        with torch.inference_mode(), self._autocast():
            output = self.model(*inputs)
        return output.float().cpu().numpy()

    def close(self) -> None:
        """Drop the model (and cached CUDA memory)."""
        self.model = torch.nn.Identity()
        if self.device.type == "cuda":
            torch.cuda.empty_cache()
