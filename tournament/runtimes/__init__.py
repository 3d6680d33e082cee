"""Runtimes: each a :class:`~tournament.runtimes.base.Runtime`, loaded lazily by name."""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tournament.runtimes.base import Runtime

_REGISTRY: dict[str, str] = {
    "torch": "tournament.runtimes.torch_eager:TorchEager",
    "torch-compile": "tournament.runtimes.torch_compile:TorchCompile",
    "onnxruntime": "tournament.runtimes.onnxruntime:OnnxRuntime",
}


def names() -> list[str]:
    """Registered runtime names."""
    return sorted(_REGISTRY)


@cache
def get(name: str) -> Runtime:
    """The runtime called ``name``; ``KeyError`` if unknown."""
    module, _, attr = _REGISTRY[name].partition(":")
    cls = getattr(importlib.import_module(module), attr)
    return cls()
