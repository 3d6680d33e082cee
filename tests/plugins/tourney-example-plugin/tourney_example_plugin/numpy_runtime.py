"""Runtime ``numpy``: the workload's model traced once with ``torch.fx``, then run by numpy alone.

Feed-forward convolutional and dense models (``Conv2d``, ``Linear``, ``MaxPool2d``, ``Flatten``,
``ReLU``, ``Tanh``, ``Sigmoid``, ``Softmax``, ``Dropout``, ``Identity``; ``+``, ``torch.relu``,
``torch.flatten`` and ``torch.softmax`` between them) run in fp32 on the CPU, BLAS threads limited
to ``intra_op_threads``. Anything else is refused at ``prepare`` with one sentence naming it.
"""

from __future__ import annotations

import hashlib
import json
import operator
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tournament.errors import UserError
from tournament.runtimes.base import Prepared, Runtime
from tournament.runtimes.checks import unused_quantization_options
from tournament.schema import ExecutionProvider, Quantization, QuantizationOptions
from tournament.schema import RuntimeOptionsBase as Options

if TYPE_CHECKING:
    from tournament.workloads import Feed, Workload

Step = tuple[str, str, list[str], dict[str, Any]]
"""(node name, op, input node names, attributes: numpy arrays and plain numbers)."""


class NumpyRuntime(Runtime[Options]):
    """fp32 on the CPU with numpy kernels (an example plugin: see docs/extending.md)."""

    name = "numpy"
    description = "The model traced with torch.fx and run by numpy kernels (example plugin)."
    quantizations = frozenset({Quantization.FP32})
    options_model = Options

    def check(
        self,
        quantization: Quantization,
        options: Options,
        quantization_options: QuantizationOptions,
    ) -> list[str]:
        problems = super().check(quantization, options, quantization_options)
        problems += unused_quantization_options(quantization, quantization_options)
        if options.execution_provider is not ExecutionProvider.CPU:
            problems.append(
                f"runtime_options.execution_provider: runtime {self.name!r} runs on cpu only; "
                "expected execution_provider: cpu."
            )
        return problems

    def prepare(
        self,
        workload: Workload,
        variant: str,
        quantization: Quantization,
        options: Options,
        quantization_options: QuantizationOptions,
        cache_dir: str,
    ) -> Prepared:
        problems = self.check(quantization, options, quantization_options)
        if problems:
            raise UserError(problems)
        steps = trace(workload.build(variant).eval(), f"{workload.name}/{variant}")
        sha, size = artifact_hash(steps)
        path = Path(cache_dir) / "numpy" / f"{sha}.npz"
        hit = path.exists()
        steps = load(steps, path) if hit else steps  # a hit runs the stored arrays
        save(steps, path)
        predictor = NumpyPredictor(steps, workload.input_names(variant), options.intra_op_threads)
        details = {
            "runtime": self.name,
            "numpy": np.__version__,
            "ops": [op for _, op, _, _ in steps],
            "intra_op_threads": options.intra_op_threads,
            "artifact": "sha256 of the program JSON and every array's dtype, shape and bytes",
            "path": str(path),
            "cache": {"hit": hit, "key": sha},
        }
        return Prepared(predictor, sha, size, details)


def trace(model: Any, label: str) -> list[Step]:
    """The model as numpy steps; a UserError naming the first layer numpy cannot run."""
    import torch
    from torch import fx, nn

    try:
        graph = fx.symbolic_trace(model).graph
    except Exception as error:
        raise UserError(
            f"runtime: 'numpy' cannot trace the model of {label} with torch.fx ({error})."
        ) from None
    modules = dict(model.named_modules())
    functions = {
        torch.relu: "relu",
        nn.functional.relu: "relu",
        torch.flatten: "flatten",
        torch.softmax: "softmax",
        operator.add: "add",
    }
    steps: list[Step] = []
    for node in graph.nodes:
        args = [str(a) for a in node.args if isinstance(a, fx.Node)]
        if node.op in ("placeholder", "output"):
            steps.append((node.name, node.op, args, {}))
        elif node.op == "call_module":
            steps.append((node.name, *_module_step(modules[node.target], node.target, label, args)))
        elif node.op == "call_function" and node.target in functions and args:
            op = functions[node.target]
            if op == "add" and len(args) != 2:
                raise UserError(f"runtime: 'numpy' adds two tensors only, in the model of {label}.")
            steps.append((node.name, op, args, _function_attrs(op, node)))
        else:
            raise UserError(
                f"runtime: 'numpy' cannot run {getattr(node.target, '__name__', node.target)} "
                f"in the model of {label}; it runs "
                "Conv2d, Linear, MaxPool2d, Flatten, ReLU, Tanh, Sigmoid and Softmax layers."
            )
    return steps


def _function_attrs(op: str, node: Any) -> dict[str, Any]:
    """``start_dim`` of ``torch.flatten``, ``dim`` of ``torch.softmax`` (positional or keyword)."""
    if op == "flatten":
        return {
            "start_dim": node.args[1] if len(node.args) > 1 else node.kwargs.get("start_dim", 0)
        }
    if op == "softmax":
        return {"dim": node.args[1] if len(node.args) > 1 else node.kwargs["dim"]}
    return {}


def _module_step(module: Any, where: str, label: str, args: list[str]) -> tuple[Any, ...]:
    from torch import nn

    def array(tensor: Any) -> np.ndarray:
        return tensor.detach().cpu().float().numpy().copy()

    bias = getattr(module, "bias", None)
    params = {} if bias is None else {"bias": array(bias)}
    kind = type(module).__name__
    if isinstance(module, nn.Conv2d) and module.groups == 1 and module.dilation == (1, 1):
        if module.padding_mode == "zeros" and isinstance(module.padding, tuple):
            return (
                "conv2d",
                args,
                {
                    "weight": array(module.weight),
                    **params,
                    "stride": list(module.stride),
                    "padding": list(module.padding),
                },
            )
    elif isinstance(module, nn.Linear):
        return "linear", args, {"weight": array(module.weight), **params}
    elif isinstance(module, nn.MaxPool2d) and module.padding in (0, (0, 0)):
        if module.dilation in (1, (1, 1)) and not module.ceil_mode:
            return "maxpool2d", args, {"kernel": module.kernel_size, "stride": module.stride}
    elif isinstance(module, nn.Flatten) and module.end_dim == -1:
        return "flatten", args, {"start_dim": module.start_dim}
    elif isinstance(module, nn.Softmax):
        return "softmax", args, {"dim": module.dim}
    elif isinstance(module, nn.ReLU | nn.Tanh | nn.Sigmoid | nn.Dropout | nn.Identity):
        return kind.lower(), args, {}
    raise UserError(
        f"runtime: 'numpy' cannot run layer {where!r} ({module!r}) of the model of {label}."
    )


def artifact_hash(steps: list[Step]) -> tuple[str, int]:
    """(sha256 of the program and its arrays, total bytes of the arrays)."""
    digest = hashlib.sha256()
    size = 0
    for name, op, args, attrs in steps:
        plain = {k: v for k, v in attrs.items() if not isinstance(v, np.ndarray)}
        digest.update(json.dumps([name, op, args, plain], sort_keys=True).encode())
        for key, value in sorted(attrs.items()):
            if isinstance(value, np.ndarray):
                digest.update(f"{key}:{value.dtype}:{value.shape}".encode())
                digest.update(np.ascontiguousarray(value).tobytes())
                size += value.nbytes
    return digest.hexdigest(), size


def load(steps: list[Step], path: Path) -> list[Step]:
    """``steps`` with their arrays read back from ``path`` (written by :func:`save`)."""
    with np.load(path, allow_pickle=False) as stored:
        return [
            (
                name,
                op,
                args,
                {
                    k: stored[f"{name}.{k}"] if isinstance(v, np.ndarray) else v
                    for k, v in attrs.items()
                },
            )
            for name, op, args, attrs in steps
        ]


def save(steps: list[Step], path: Path) -> Path:
    """Keep the arrays of ``steps`` at ``path`` (written once, atomically)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {
            f"{name}.{key}": value
            for name, _, _, attrs in steps
            for key, value in attrs.items()
            if isinstance(value, np.ndarray)
        }
        partial = path.with_suffix(f".{os.getpid()}.partial")
        with partial.open("wb") as handle:
            np.savez(handle, **arrays)
        partial.replace(path)
    return path


class NumpyPredictor:
    """Runs the steps on a feed, with BLAS limited to ``threads`` during each call (the limit
    is process-wide, so it is applied per call: two live predictors keep their own)."""

    def __init__(self, steps: list[Step], input_names: list[str], threads: int) -> None:
        from threadpoolctl import ThreadpoolController

        self.steps = steps
        self.input_names = list(input_names)
        self.threads = threads
        self._controller = ThreadpoolController()

    def predict(self, feed: Feed) -> np.ndarray:
        with self._controller.limit(limits=self.threads, user_api="blas"):
            return self._run(feed)

    def _run(self, feed: Feed) -> np.ndarray:
        values: dict[str, np.ndarray] = {}
        inputs = iter(self.input_names)
        for name, op, args, attrs in self.steps:
            if op == "placeholder":
                values[name] = np.asarray(feed[next(inputs)], dtype=np.float32)
            elif op == "output":
                return np.ascontiguousarray(values[args[0]], dtype=np.float32)
            else:
                values[name] = KERNELS[op]([values[a] for a in args], attrs)
        raise RuntimeError("the traced graph has no output")

    def close(self) -> None:
        self.steps = []


def _conv2d(x: np.ndarray, attrs: dict[str, Any]) -> np.ndarray:
    (ph, pw), (sh, sw) = attrs["padding"], attrs["stride"]
    weight = attrs["weight"]
    padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    windows = sliding_window_view(padded, weight.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]
    out = np.tensordot(windows, weight, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2)
    if "bias" in attrs:
        out = out + attrs["bias"][None, :, None, None]
    return np.ascontiguousarray(out, dtype=np.float32)


def _maxpool2d(x: np.ndarray, attrs: dict[str, Any]) -> np.ndarray:
    kernel, stride = attrs["kernel"], attrs["stride"] or attrs["kernel"]
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    windows = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]
    return np.ascontiguousarray(windows.max(axis=(-2, -1)))


def _linear(x: np.ndarray, attrs: dict[str, Any]) -> np.ndarray:
    out = x @ attrs["weight"].T
    return out + attrs["bias"] if "bias" in attrs else out


def _softmax(x: np.ndarray, attrs: dict[str, Any]) -> np.ndarray:
    shifted = np.exp(x - x.max(axis=attrs["dim"], keepdims=True))
    return shifted / shifted.sum(axis=attrs["dim"], keepdims=True)


KERNELS: dict[str, Any] = {
    "conv2d": lambda xs, a: _conv2d(xs[0], a),
    "linear": lambda xs, a: _linear(xs[0], a),
    "maxpool2d": lambda xs, a: _maxpool2d(xs[0], a),
    "flatten": lambda xs, a: xs[0].reshape(*xs[0].shape[: a["start_dim"]], -1),
    "softmax": lambda xs, a: _softmax(xs[0], a),
    "relu": lambda xs, a: np.maximum(xs[0], 0.0),
    "tanh": lambda xs, a: np.tanh(xs[0]),
    "sigmoid": lambda xs, a: 1.0 / (1.0 + np.exp(-xs[0])),
    "dropout": lambda xs, a: xs[0],
    "identity": lambda xs, a: xs[0],
    "add": lambda xs, a: xs[0] + xs[1],
}
"""Each step's numpy kernel: ``kernel(inputs, attributes) -> output``."""
