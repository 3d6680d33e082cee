"""A predictor around a PyTorch module (eager or compiled)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

if TYPE_CHECKING:
    from tournament.workloads.base import Feed


class TorchPredictor:
    """Runs ``model(*inputs)`` under ``torch.inference_mode`` and returns a float32 array.

    Inputs are taken from the feed in ``input_names`` order without copying (on CPU; a
    non-contiguous array is made contiguous). ``autocast`` (e.g. ``torch.bfloat16``) runs the
    model under ``torch.autocast``; ``half_inputs`` casts floating inputs to fp16 for an fp16
    model. The intra-op thread count is re-applied before a call if something else in the
    process changed it.

    ``predict`` does per call only what the configuration needs: on CPU without autocast or
    fp16 inputs it costs what a hand-written ``model(torch.from_numpy(x))`` under
    ``inference_mode`` costs plus the thread check (``benchmarks/bare_vs_platform.py``):
    no-op conversions of the output (``.float()`` of a float32 tensor, ``.cpu()`` on CPU) and
    an empty autocast context each cost about half a microsecond, 5 % of a digits-cnn call.
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
        self._on_cpu = self.device.type == "cpu"
        self._plain_inputs = self._on_cpu and not half_inputs

    def _tensor(self, array: np.ndarray) -> torch.Tensor:
        tensor = torch.from_numpy(np.ascontiguousarray(array))
        if self.half_inputs and tensor.is_floating_point():
            tensor = tensor.half()
        return tensor if self._on_cpu else tensor.to(self.device)

    def _inputs(self, feed: Feed) -> list[torch.Tensor]:
        if self._plain_inputs:
            return [torch.from_numpy(np.ascontiguousarray(feed[n])) for n in self.input_names]
        return [self._tensor(feed[name]) for name in self.input_names]

    def _array(self, output: torch.Tensor) -> np.ndarray:
        if output.dtype is not torch.float32:
            output = output.float()
        if not self._on_cpu:
            output = output.cpu()
        return output.numpy()

    def predict(self, feed: Feed) -> np.ndarray:
        """The model's output for one batch, computed before returning."""
        if torch.get_num_threads() != self.intra_op_threads:
            torch.set_num_threads(self.intra_op_threads)
        inputs = self._inputs(feed)
        if self.autocast is None:
            with torch.inference_mode():
                output = self.model(*inputs)
        else:
            with torch.inference_mode(), torch.autocast(self.device.type, dtype=self.autocast):
                output = self.model(*inputs)
        return self._array(output)

    def close(self) -> None:
        """Drop the model (and cached CUDA memory)."""
        self.model = torch.nn.Identity()
        if self.device.type == "cuda":
            torch.cuda.empty_cache()
