"""Each built-in runtime's ``runtime_options`` model (pydantic only: cheap to import).

A runtime names its model in :attr:`Runtime.options_model
<tournament.runtimes.base.Runtime.options_model>`; a submission's ``runtime_options`` are
validated against the model of the runtime it names (see
:class:`~tournament.schema.submission.Submission`). The fields every runtime shares (threads,
execution provider) are in :class:`~tournament.schema.submission.RuntimeOptionsBase`; each
model here adds only what its runtime really applies, so an option of another runtime is
refused by name instead of being silently ignored.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from tournament.schema.submission import RuntimeOptionsBase


class GraphOptimization(StrEnum):
    """ONNX Runtime graph optimization level."""

    DISABLE = "disable"
    BASIC = "basic"
    EXTENDED = "extended"
    ALL = "all"


class OnnxRuntimeOptions(RuntimeOptionsBase):
    """Runtime ``onnxruntime``: the shared fields plus the graph optimization level."""

    graph_optimization: GraphOptimization = Field(
        default=GraphOptimization.ALL, description="ONNX Runtime graph optimization level."
    )


class TorchOptions(RuntimeOptionsBase):
    """Runtimes ``torch`` and ``torch-compile``: the shared fields only."""


class PerformanceHint(StrEnum):
    """OpenVINO's ``PERFORMANCE_HINT``: what the plugin tunes streams and threads for."""

    LATENCY = "latency"
    THROUGHPUT = "throughput"


class OpenVinoOptions(RuntimeOptionsBase):
    """Runtime ``openvino``: the shared fields plus OpenVINO CPU plugin properties.

    ``intra_op_threads`` is ``INFERENCE_NUM_THREADS`` (all threads of the compiled model,
    shared among its streams); OpenVINO has no inter-op pool, so ``inter_op_threads`` must stay
    1 and ``num_streams`` plays that role.
    """

    performance_hint: PerformanceHint = Field(
        default=PerformanceHint.LATENCY,
        description="PERFORMANCE_HINT: latency (one stream) or throughput (several).",
    )
    num_streams: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description="NUM_STREAMS: parallel infer requests; default: what the hint chooses.",
    )
    cpu_pinning: bool = Field(
        default=False, description="ENABLE_CPU_PINNING: pin inference threads to cores."
    )
