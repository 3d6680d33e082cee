"""Export a workload's fp32 module to ONNX with the TorchScript-based exporter."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import onnx
import torch

if TYPE_CHECKING:
    from tournament.workloads.base import Feed

EXPORTER = "torch.onnx.export(dynamo=False)"
"""The legacy TorchScript exporter: ~2 s for MiniLM (dynamo needs ~9 s) and a slightly faster
graph on this CPU."""

OPSET = 17
MODEL_FILE = "model.onnx"


def output_name(input_names: list[str]) -> str:
    """The ONNX output's name: ``output`` unless an input already has it.

    The workload's own output name is not reused: some names (``embedding``) clash with node
    names in exported graphs and ONNX Runtime then refuses the model.
    """
    name = "output"
    while name in input_names:
        name += "_"
    return name


def export_fp32(
    model: torch.nn.Module, example: Feed, input_names: list[str], path: Path
) -> dict[str, Any]:
    """Write ``model`` to ``path`` with a dynamic batch axis; return how it was made."""
    args = tuple(torch.from_numpy(example[name]) for name in input_names)
    output = output_name(input_names)
    axes = {name: {0: "batch"} for name in [*input_names, output]}
    with torch.no_grad():
        torch.onnx.export(
            model,
            args,
            str(path),
            input_names=input_names,
            output_names=[output],
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,
            do_constant_folding=True,
        )
    return {"exporter": EXPORTER, "torch": torch.__version__, "opset": OPSET, "output": output}


def op_histogram(path: Path) -> dict[str, int]:
    """How many nodes of each operator type the model's main graph has."""
    model = onnx.load(str(path), load_external_data=False)
    return dict(sorted(Counter(node.op_type for node in model.graph.node).items()))
