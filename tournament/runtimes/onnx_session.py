"""ONNX Runtime sessions built from :class:`OnnxRuntimeOptions`, and their predictor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort

from tournament.errors import UserError
from tournament.runtimes.options import GraphOptimization, OnnxRuntimeOptions
from tournament.schema import ExecutionProvider
from tournament.workloads.base import Feed

GRAPH_LEVELS = {
    GraphOptimization.DISABLE: ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
    GraphOptimization.BASIC: ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
    GraphOptimization.EXTENDED: ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
    GraphOptimization.ALL: ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
}


def providers(options: OnnxRuntimeOptions) -> list[str]:
    """Execution providers in priority order; a UserError if CUDA is asked for and absent."""
    if options.execution_provider is not ExecutionProvider.CUDA:
        return ["CPUExecutionProvider"]
    if "CUDAExecutionProvider" not in ort.get_available_providers():
        raise UserError(
            "runtime_options.execution_provider: cuda requested but no CUDA device is "
            "available (onnxruntime has no CUDAExecutionProvider here)."
        )
    return ["CUDAExecutionProvider", "CPUExecutionProvider"]


def session_options(options: OnnxRuntimeOptions) -> ort.SessionOptions:
    """Threads, graph optimization and execution mode (parallel only with inter-op threads)."""
    so = ort.SessionOptions()
    so.intra_op_num_threads = options.intra_op_threads
    so.inter_op_num_threads = options.inter_op_threads
    so.graph_optimization_level = GRAPH_LEVELS[options.graph_optimization]
    so.execution_mode = (
        ort.ExecutionMode.ORT_PARALLEL
        if options.inter_op_threads > 1
        else ort.ExecutionMode.ORT_SEQUENTIAL
    )
    return so


def open_session(path: Path, options: OnnxRuntimeOptions) -> ort.InferenceSession:
    """An inference session on ``path`` with ``options`` applied."""
    return ort.InferenceSession(
        str(path), sess_options=session_options(options), providers=providers(options)
    )


def session_details(session: ort.InferenceSession) -> dict[str, Any]:
    """What the session really uses, read back from it."""
    so = session.get_session_options()
    return {
        "providers": session.get_providers(),
        "intra_op_threads": so.intra_op_num_threads,
        "inter_op_threads": so.inter_op_num_threads,
        "execution_mode": so.execution_mode.name,
        "graph_optimization_level": so.graph_optimization_level.name,
    }


class OnnxPredictor:
    """Runs an ONNX Runtime session; feeds only the inputs the model declares.

    A feed holding exactly the model's inputs goes to ``session.run`` as it is; only a feed
    with other entries is narrowed to the declared inputs (a new dict per call, about half a
    microsecond: 2-3 % of a digits-cnn call, ``benchmarks/bare_vs_platform.py``). Outputs are
    asked for by name, which ORT answers faster than ``None`` (all outputs).
    """

    def __init__(self, session: ort.InferenceSession) -> None:
        self.session = session
        self.input_names = [i.name for i in session.get_inputs()]
        self.output_names = [session.get_outputs()[0].name]
        self._inputs = frozenset(self.input_names)

    def predict(self, feed: Feed) -> np.ndarray:
        """The model's output for one batch (ORT runs synchronously)."""
        inputs = feed if feed.keys() == self._inputs else {n: feed[n] for n in self.input_names}
        output: np.ndarray = self.session.run(self.output_names, inputs)[0]
        return output

    def close(self) -> None:
        """Release the session (idempotent)."""
        vars(self).pop("session", None)
